package proof

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"

	"github.com/leakdesk/leakdesk"
)

// InclusionProof shows that one event is in a signed checkpoint, to someone
// who holds only this document and the organisation's public key.
type InclusionProof struct {
	Event      EventLine            `json:"event"`
	LeafIndex  int64                `json:"leaf_index"` // Seq - 1
	Checkpoint *leakdesk.Checkpoint `json:"checkpoint"`
	// Path is the RFC 6962 audit path, hex, from the leaf up.
	Path []string `json:"path"`
}

// Prove returns the inclusion proof of event seq in the latest stored
// checkpoint that covers it.
func (s *Service) Prove(ctx context.Context, incidentID, seq int64) (*InclusionProof, error) {
	inc, events, stored, err := s.load(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	if seq < 1 || seq > int64(len(events)) {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "%s has no event %d", inc.PublicID(), seq)
	}
	if len(stored) == 0 || stored[len(stored)-1].Size < seq {
		return nil, leakdesk.Errorf(leakdesk.ECONFLICT, "no checkpoint covers event %d of %s yet: write one with leakdesk incident checkpoint %s", seq, inc.PublicID(), inc.PublicID())
	}
	cp := stored[len(stored)-1]
	path, err := NewTree(events).InclusionProof(seq-1, cp.Size)
	if err != nil {
		return nil, err
	}
	p := &InclusionProof{Event: NewEventLine(events[seq-1]), LeafIndex: seq - 1, Checkpoint: cp}
	for _, h := range path {
		p.Path = append(p.Path, hex.EncodeToString(h))
	}
	return p, nil
}

// Check verifies the proof offline: the event's hash, the checkpoint's
// signature by pub, and the audit path from the event to the signed root.
func (p *InclusionProof) Check(pub ed25519.PublicKey) error {
	ev, err := p.Event.Event()
	if err != nil {
		return err
	}
	if ev.ComputeHash() != ev.Hash {
		return leakdesk.Errorf(leakdesk.EINTEGRITY, "event %d does not match its hash", ev.Seq)
	}
	if p.Checkpoint == nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "the proof holds no checkpoint")
	}
	if err := VerifySignature(p.Checkpoint, pub); err != nil {
		return err
	}
	path := make([][]byte, len(p.Path))
	for i, h := range p.Path {
		if path[i], err = hex.DecodeString(h); err != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "audit path entry %d is not hexadecimal", i)
		}
	}
	if err := VerifyInclusion(LeafData(ev), ev.Seq-1, p.Checkpoint.Size, path, p.Checkpoint.Root); err != nil {
		return leakdesk.Errorf(leakdesk.EINTEGRITY, "event %d is not in the checkpoint at %d events: %v", ev.Seq, p.Checkpoint.Size, err)
	}
	return nil
}
