package proof

import (
	"crypto/ed25519"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/leakdesk/leakdesk"
)

// Report is the result of checking a timeline against its checkpoints.
type Report struct {
	Incident string `json:"incident"`
	Events   int64  `json:"events"`
	OK       bool   `json:"ok"`
	// FirstBadSeq is the first event that no longer matches what was
	// recorded or signed; 0 when OK.
	FirstBadSeq int64  `json:"first_bad_seq,omitempty"`
	Problem     string `json:"problem,omitempty"`
	KeyID       string `json:"key_id"`
	Checkpoints int    `json:"checkpoints"`
	// SignedSize is how many events the latest valid checkpoint covers.
	SignedSize int64 `json:"signed_size"`
	// Witness names the witness checked against, with the size of its
	// latest checkpoint; empty when none was given.
	Witness       string `json:"witness,omitempty"`
	WitnessedSize int64  `json:"witnessed_size"`
	// TrustedTime is the latest time an RFC 3161 authority vouched for, and
	// TrustedSize the checkpoint it covers; zero for "no trusted timestamp".
	TrustedTime time.Time `json:"trusted_time,omitzero"`
	TrustedSize int64     `json:"trusted_size,omitempty"`
	Warnings    []string  `json:"warnings,omitempty"`
	// Personal says what became of the personal values the events refer
	// to, checked against the store; nil for a bundle, which holds none.
	Personal *leakdesk.PersonalReport `json:"personal,omitempty"`
}

// Checker checks timelines against checkpoints signed by PublicKey, and
// their timestamps against TSACert when it is set.
type Checker struct {
	PublicKey ed25519.PublicKey
	TSACert   *x509.Certificate
	// Snapshot is set for a bundle: a copy of the log taken at some point,
	// which a witness that has since seen more events does not contradict.
	Snapshot bool
}

// Verify checks events, which inc heads, against the checkpoints stored
// with them and those a witness holds (nil when none was asked). Both
// lists are by size.
func (c *Checker) Verify(inc *leakdesk.Incident, events []*leakdesk.Event, stored, witnessed []*leakdesk.Checkpoint, witness string) *Report {
	r := &Report{Incident: inc.PublicID(), Events: int64(len(events)), OK: true, KeyID: KeyID(c.PublicKey), Witness: witness}
	chain := leakdesk.VerifyChain(inc, events)
	if !chain.OK {
		return r.fail(chain.FirstBadSeq, "%s", chain.Problem)
	}
	tree := NewTree(events)
	if !c.checkList(r, tree, stored, "stored") {
		return r
	}
	r.Checkpoints = len(stored)
	if witness != "" {
		if len(witnessed) == 0 {
			return r.fail(1, "the witness %s holds no checkpoint of %s", witness, r.Incident)
		}
		if !c.checkList(r, tree, witnessed, "witnessed") {
			return r
		}
		if missing := missingFrom(stored, witnessed, tree.Size()); missing != nil {
			return r.fail(missing.Size, "the checkpoint at %d events, which the witness holds, is missing from the store: checkpoints were deleted", missing.Size)
		}
	}
	if r.SignedSize < r.Events {
		r.Warnings = append(r.Warnings, fmt.Sprintf("events %d to %d are not yet covered by a signed checkpoint", r.SignedSize+1, r.Events))
	}
	return r
}

// checkList checks each checkpoint in order against the tree, and each
// against the one before it for consistency. On a mismatch it names the
// first event after the last checkpoint that still matched.
func (c *Checker) checkList(r *Report, tree *Tree, list []*leakdesk.Checkpoint, what string) bool {
	var good *leakdesk.Checkpoint
	for _, cp := range list {
		after := int64(0)
		if good != nil {
			after = good.Size
		}
		if err := VerifySignature(cp, c.PublicKey); err != nil {
			r.fail(after+1, "a %s checkpoint at %d events is not signed by key %s: it was forged or swapped", what, cp.Size, r.KeyID)
			return false
		}
		if cp.Incident != r.Incident {
			r.fail(after+1, "a %s checkpoint belongs to %s, not %s", what, cp.Incident, r.Incident)
			return false
		}
		if cp.Size > tree.Size() && c.Snapshot && what == "witnessed" {
			r.Warnings = append(r.Warnings, fmt.Sprintf("the witness holds a checkpoint at %d events and these end at %d: they are a copy taken earlier, or the log lost events since",
				list[len(list)-1].Size, tree.Size()))
			return true
		}
		if cp.Size > tree.Size() {
			latest := list[len(list)-1].Size
			r.fail(tree.Size()+1, "a %s checkpoint is signed at %d events, but the timeline holds %d: events %d to %d were removed",
				what, latest, tree.Size(), tree.Size()+1, latest)
			return false
		}
		if root, err := tree.Root(cp.Size); err != nil || root != cp.Root {
			r.fail(after+1, "the events after event %d no longer match the %s checkpoint signed at %d events: one of events %d to %d was altered",
				after, what, cp.Size, after+1, cp.Size)
			return false
		}
		if good != nil {
			if err := c.consistent(tree, good, cp); err != nil {
				r.fail(after+1, "the %s checkpoints at %d and %d events are not consistent: %v", what, good.Size, cp.Size, err)
				return false
			}
		}
		if cp.Timestamp != nil {
			at, err := CheckToken(cp.Timestamp, SignedMessage(cp), c.TSACert)
			if err != nil {
				r.fail(after+1, "the %s checkpoint at %d events: %s", what, cp.Size, leakdesk.ErrorMessage(err))
				return false
			}
			if at.After(r.TrustedTime) {
				r.TrustedTime, r.TrustedSize = at, cp.Size
			}
		}
		r.SignedSize = max(r.SignedSize, cp.Size)
		if what == "witnessed" {
			r.WitnessedSize = cp.Size
		}
		good = cp
	}
	return true
}

// consistent proves that older is a prefix of newer, as an auditor holding
// only the two checkpoints would check it.
func (c *Checker) consistent(tree *Tree, older, newer *leakdesk.Checkpoint) error {
	proof, err := tree.ConsistencyProof(older.Size, newer.Size)
	if err != nil {
		return err
	}
	return VerifyConsistency(older.Size, newer.Size, proof, older.Root, newer.Root)
}

// missingFrom returns the first witnessed checkpoint, of the log's first
// size events, not in stored.
func missingFrom(stored, witnessed []*leakdesk.Checkpoint, size int64) *leakdesk.Checkpoint {
	have := map[string]bool{}
	for _, cp := range stored {
		have[cp.Root] = true
	}
	for _, cp := range witnessed {
		if cp.Size <= size && !have[cp.Root] {
			return cp
		}
	}
	return nil
}

func (r *Report) fail(seq int64, format string, args ...any) *Report {
	r.OK, r.FirstBadSeq, r.Problem = false, seq, fmt.Sprintf(format, args...)
	return r
}
