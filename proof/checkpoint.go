package proof

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/leakdesk/leakdesk"
)

// SignedMessage is the exact text a checkpoint's signature and timestamp
// cover: six lines, each ended by a newline, so that anyone can rebuild it
// with printf and check it with an Ed25519 verifier:
//
//	leakdesk-checkpoint-v1
//	INC-0001
//	42
//	<hex Merkle root>
//	<hex hash of event 42>
//	2026-03-01T21:00:00.000000Z
func SignedMessage(cp *leakdesk.Checkpoint) []byte {
	return fmt.Appendf(nil, "leakdesk-checkpoint-v1\n%s\n%d\n%s\n%s\n%s\n",
		cp.Incident, cp.Size, cp.Root, cp.Head, leakdesk.CanonicalTime(cp.Time))
}

// KeyID names a public key: the first 16 hex characters of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:])[:16]
}

// NewCheckpoint builds and signs the checkpoint of the first size events of
// tree, whose last event is head, at the given time.
func NewCheckpoint(inc *leakdesk.Incident, tree *Tree, head *leakdesk.Event, at time.Time, key ed25519.PrivateKey) (*leakdesk.Checkpoint, error) {
	root, err := tree.Root(head.Seq)
	if err != nil {
		return nil, err
	}
	cp := &leakdesk.Checkpoint{
		IncidentID: inc.ID, Incident: inc.PublicID(), Size: head.Seq, Root: root, Head: head.Hash,
		Time: at.UTC().Truncate(leakdesk.TimePrecision), KeyID: KeyID(key.Public().(ed25519.PublicKey)),
	}
	cp.Signature = ed25519.Sign(key, SignedMessage(cp))
	return cp, nil
}

// VerifySignature reports whether cp was signed by pub.
func VerifySignature(cp *leakdesk.Checkpoint, pub ed25519.PublicKey) error {
	if cp.KeyID != KeyID(pub) || !ed25519.Verify(pub, SignedMessage(cp), cp.Signature) {
		return leakdesk.Errorf(leakdesk.EINTEGRITY, "checkpoint of %s at %d events is not signed by key %s", cp.Incident, cp.Size, KeyID(pub))
	}
	return nil
}
