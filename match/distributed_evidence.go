package match

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// Vault opens the evidence vault for a worker, when it first takes a
// piece read from it.
type Vault func(ctx context.Context) (VaultAccess, error)

// VaultAccess is what a worker reads from the vault through.
type VaultAccess struct {
	// Evidence is the evidence service, which logs every read.
	Evidence leakdesk.EvidenceService
	// Kept holds the files the watch keeps, triaged in pieces.
	Kept leakdesk.RangedBlobStore
	// SpoolDir is where decrypted evidence spools when a format needs
	// random access.
	SpoolDir string
}

// EvidencePiece names the content a piece reads from the vault: by its
// SHA-256, in its incident's evidence or in the watch's keeping.
type EvidencePiece struct {
	// Incident holds the evidence; 0 for a file the watch keeps.
	Incident int64  `json:"incident"`
	SHA256   string `json:"sha256"`
	// Seal, for a byte range, is the seal of the blob checked in full
	// when the run started: every range is read from that blob only.
	Seal string `json:"seal,omitempty"`
}

// StartEvidence cuts an incident's evidence (r.Incident) into pieces of
// about pieceSize bytes that workers read through the vault, and records
// the run as Start does: files of a line format by byte ranges, as Split
// cuts files, the others whole. A file that is cut is checked in full
// first, through svc, the read logged as this process's actor.
func (d *Distributor) StartEvidence(ctx context.Context, r Request, svc leakdesk.EvidenceService, evidence []*leakdesk.Evidence, pieceSize int64, enqueue leakdesk.MatchEnqueueFunc) (*leakdesk.MatchRun, error) {
	if r.Incident == 0 || len(evidence) == 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "a match of evidence needs an incident that holds some")
	}
	spec, err := specOf(r)
	if err != nil {
		return nil, err
	}
	spec.FromVault = true
	reader, err := dump.NewReader(r.Read)
	if err != nil {
		return nil, err
	}
	purpose := fmt.Sprintf("check in full and sniff before it is cut into pieces for a match run started by %s", r.Actor)
	var pieces []Piece
	for _, e := range evidence {
		spec.Leaks = append(spec.Leaks, e.Label())
		whole := Piece{File: e.Label(), Evidence: &EvidencePiece{Incident: r.Incident, SHA256: e.SHA256}, End: e.Size}
		cut, err := cutVault(reader, whole, pieceSize, func() (leakdesk.RangedBlob, error) {
			_, b, err := svc.OpenEvidenceRange(ctx, r.Incident, strconv.FormatInt(e.ID, 10), d.actor, purpose, "")
			return b, err
		})
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, cut...)
	}
	return d.start(ctx, r, "", spec, pieces, enqueue)
}

// StartKept cuts a file the watch keeps, named name, of content sum,
// into pieces read from kept, as StartEvidence cuts evidence, and
// records the run as StartWith does.
func (d *Distributor) StartKept(ctx context.Context, r Request, name, sum string, kept leakdesk.RangedBlobStore, o RunOptions, enqueue leakdesk.MatchEnqueueFunc) (*leakdesk.MatchRun, error) {
	spec, err := specOf(r)
	if err != nil {
		return nil, err
	}
	spec.FromVault, spec.Summary, spec.Leaks = true, o.Summary, []string{name}
	reader, err := dump.NewReader(r.Read)
	if err != nil {
		return nil, err
	}
	checked, err := kept.OpenRanged(ctx, sum, "")
	if err != nil {
		return nil, err
	}
	defer checked.Close()
	whole := Piece{File: name, Evidence: &EvidencePiece{SHA256: sum}, End: checked.Size()}
	pieces, err := cutVault(reader, whole, o.PieceSize, func() (leakdesk.RangedBlob, error) { return nopClose{checked}, nil })
	if err != nil {
		return nil, err
	}
	return d.start(ctx, r, o.Key, spec, pieces, enqueue)
}

// nopClose leaves a blob open for its owner to close.
type nopClose struct{ leakdesk.RangedBlob }

func (nopClose) Close() error { return nil }

// cutVault cuts whole, a whole file in the vault, as Split cuts files:
// its layout sniffed from the blob that open checks in full, whose seal
// every range then carries.
func cutVault(r *dump.Reader, whole Piece, pieceSize int64, open func() (leakdesk.RangedBlob, error)) ([]Piece, error) {
	var seal string
	pieces, err := cutPieces(whole, max(pieceSize, dump.MinSplit), func() (dump.Layout, bool, error) {
		b, err := open()
		if err != nil {
			return dump.Layout{}, false, err
		}
		defer b.Close()
		seal = b.Seal()
		return r.SplitLayoutAt(whole.File, b)
	})
	if err != nil || len(pieces) < 2 {
		return pieces, err
	}
	for i := range pieces {
		e := *whole.Evidence
		e.Seal = seal
		pieces[i].Evidence = &e
	}
	return pieces, nil
}

// openVault opens the vault, once, and returns the spool directory. The
// caller holds d.mu.
func (d *Distributor) openVault(ctx context.Context) (string, error) {
	if d.vault == nil {
		return "", leakdesk.Errorf(leakdesk.EINVALID, "this run reads evidence from the vault, which this worker cannot open")
	}
	access, err := d.vault(ctx)
	if err != nil {
		return "", fmt.Errorf("open the evidence vault: %w", err)
	}
	d.access = &access
	return access.SpoolDir, nil
}

// openEvidence sets how piece p reads its content from the vault, as
// this process's actor, for run: evidence through the evidence service,
// each read logged on the incident's timeline; a file the watch keeps
// from the keeping, each read logged here.
func (d *Distributor) openEvidence(ctx context.Context, run *leakdesk.MatchRun, seq int, p *Piece) {
	d.mu.Lock()
	access := d.access
	d.mu.Unlock()
	if access == nil {
		return // ScanPiece refuses the piece
	}
	e := *p.Evidence
	purpose := fmt.Sprintf("match against the registry: piece of match run %d, started by %s", run.ID, run.Actor)
	if p.Layout != nil {
		purpose += fmt.Sprintf(", bytes %d to %d", p.Start, p.End)
	}
	if e.Incident == 0 {
		// No incident's timeline holds it: the read is logged here, without
		// who acts, a name being personal data.
		logRead := func() {
			d.logger.Info("kept file read", "run", run.ID, "piece", seq, "sha256", e.SHA256, "start", p.Start, "end", p.End)
		}
		p.open = func() (io.ReadCloser, error) { logRead(); return access.Kept.Open(ctx, e.SHA256) }
		p.openAt = func() (leakdesk.RangedBlob, error) { logRead(); return access.Kept.OpenRanged(ctx, e.SHA256, e.Seal) }
		return
	}
	if access.Evidence == nil {
		return
	}
	p.open = func() (io.ReadCloser, error) {
		_, rc, err := access.Evidence.OpenEvidence(ctx, e.Incident, e.SHA256, d.actor, purpose)
		return rc, err
	}
	p.openAt = func() (leakdesk.RangedBlob, error) {
		_, b, err := access.Evidence.OpenEvidenceRange(ctx, e.Incident, e.SHA256, d.actor, purpose, e.Seal)
		return b, err
	}
}
