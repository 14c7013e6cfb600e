package leakdesk

import (
	"context"
	"time"
)

// Checkpoint is a signed statement that an incident's timeline held Size
// events whose RFC 6962 Merkle root is Root, at Time. Package proof defines
// the tree, the signed message and the checks; see docs/proof.md.
type Checkpoint struct {
	IncidentID int64     `json:"-"`
	Incident   string    `json:"incident"` // the public ID, INC-0001, which the signature covers
	Size       int64     `json:"size"`
	Root       string    `json:"root"` // hex SHA-256 Merkle root of the first Size events
	Head       string    `json:"head"` // hash of event Size, so that a checkpoint also names the chain's head
	Time       time.Time `json:"time"`
	KeyID      string    `json:"key_id"`    // hex SHA-256 of the Ed25519 public key, first 16 characters
	Signature  []byte    `json:"signature"` // Ed25519 over the signed message
	// Timestamp is an RFC 3161 token over the SHA-256 of the signed message,
	// or nil when no timestamp authority is configured.
	Timestamp []byte `json:"timestamp,omitempty"`
}

// SignedState says how far an incident's timeline is signed and vouched
// for by a timestamp authority.
type SignedState struct {
	Size  int64  // events covered by the latest valid checkpoint; 0 when none
	KeyID string // the signing key's ID
	// TrustedTime is the latest time an RFC 3161 authority vouched for, and
	// TrustedSize the checkpoint it covers; zero for "no trusted timestamp".
	TrustedTime time.Time
	TrustedSize int64
	Problem     string // why the checkpoints do not hold; empty when they do
}

// SignatureChecker checks an incident's timeline against its signed
// checkpoints.
type SignatureChecker interface {
	CheckSignatures(ctx context.Context, incidentID int64) (*SignedState, error)
}

// UnsignedTail is the part of an incident's timeline that no checkpoint
// covers yet: events Signed+1 to Events.
type UnsignedTail struct {
	IncidentID int64
	Events     int64 // the timeline's length
	Signed     int64 // the size of its latest checkpoint, 0 when it has none
	// Decisive is true when the tail holds a filing, a notice or a
	// closing: the events a regulator or a court asks about first.
	Decisive bool
}

// CheckpointService keeps an incident's checkpoints in the store. The
// store is not what makes them trustworthy: the signature and the witness
// copies are.
type CheckpointService interface {
	// AddCheckpoint stores cp. Returns ENOTFOUND for an unknown incident,
	// and ECONFLICT when a checkpoint of the same size is already stored.
	AddCheckpoint(ctx context.Context, cp *Checkpoint) error

	// FindCheckpoints lists an incident's checkpoints by size.
	FindCheckpoints(ctx context.Context, incidentID int64) ([]*Checkpoint, error)
}
