package match

import (
	"context"
	"fmt"
	"io"

	"github.com/leakdesk/leakdesk"
)

// Vault opens the evidence vault for a worker, when it first takes a
// piece of an incident's evidence: the evidence service, which logs
// every read, and the directory where decrypted evidence spools when a
// format needs random access.
type Vault func(ctx context.Context) (evidence leakdesk.EvidenceService, spoolDir string, err error)

// EvidencePiece names the evidence a piece reads: by its content's
// SHA-256 in its incident's vault.
type EvidencePiece struct {
	Incident int64  `json:"incident"`
	SHA256   string `json:"sha256"`
}

// StartEvidence cuts an incident's evidence (r.Incident) into pieces,
// one per file, that workers read through the vault, and records the
// run as Start does. Each piece is a whole file: evidence is encrypted,
// and read as a stream.
func (d *Distributor) StartEvidence(ctx context.Context, r Request, evidence []*leakdesk.Evidence, enqueue leakdesk.MatchEnqueueFunc) (*leakdesk.MatchRun, error) {
	if r.Incident == 0 || len(evidence) == 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "a match of evidence needs an incident that holds some")
	}
	spec, err := specOf(r)
	if err != nil {
		return nil, err
	}
	spec.FromVault = true
	pieces := make([]Piece, len(evidence))
	for i, e := range evidence {
		spec.Leaks = append(spec.Leaks, e.Label())
		pieces[i] = Piece{File: e.Label(), Evidence: &EvidencePiece{Incident: r.Incident, SHA256: e.SHA256}, End: e.Size}
	}
	return d.start(ctx, r, "", spec, pieces, enqueue)
}

// openVault opens the vault, once, and returns the spool directory. The
// caller holds d.mu.
func (d *Distributor) openVault(ctx context.Context) (string, error) {
	if d.vault == nil {
		return "", leakdesk.Errorf(leakdesk.EINVALID, "this run reads evidence from the vault, which this worker cannot open")
	}
	evidence, spool, err := d.vault(ctx)
	if err != nil {
		return "", fmt.Errorf("open the evidence vault: %w", err)
	}
	d.evidence = evidence
	return spool, nil
}

// openEvidence opens piece p's evidence through the vault, the read
// logged on the incident's timeline as this process's actor, for run.
func (d *Distributor) openEvidence(ctx context.Context, run *leakdesk.MatchRun, p Piece) func() (io.ReadCloser, error) {
	d.mu.Lock()
	evidence := d.evidence
	d.mu.Unlock()
	if evidence == nil {
		return nil // ScanPiece refuses the piece
	}
	purpose := fmt.Sprintf("match against the registry: piece of match run %d, started by %s", run.ID, run.Actor)
	return func() (io.ReadCloser, error) {
		_, rc, err := evidence.OpenEvidence(ctx, p.Evidence.Incident, p.Evidence.SHA256, d.actor, purpose)
		return rc, err
	}
}
