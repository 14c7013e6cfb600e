package match

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// Distributor spreads a match over workers: Start cuts the leaks into
// pieces and records each as a job; any number of workers, on any
// machines that share the database and the files, match pieces
// (WorkPiece); the last piece done enqueues the merge (Merge), which
// stores the findings of one scan of the whole leak, once.
type Distributor struct {
	runs   leakdesk.MatchRunService
	vault  Vault
	read   dump.Options // this process's own: its workers, spool, archive password
	actor  string       // who this process acts as, when it reads evidence
	svc    *Service
	logger *slog.Logger

	mu      sync.Mutex
	spec    string // the run spec the scanner was made for
	scanner *Scanner
	matched *Matched
	access  *VaultAccess // once the vault is opened

	summaries map[string]SummaryFunc // by name, set before the queue starts
}

// NewDistributor returns a distributor over runs; read gives this
// process's own reading options (Workers, SpoolDir, Password), which a
// run's spec does not carry. vault opens the evidence that runs of an
// incident's evidence read (nil: this process reads none), as actor.
func NewDistributor(runs leakdesk.MatchRunService, vault Vault, read dump.Options, actor string, logger *slog.Logger) *Distributor {
	return &Distributor{runs: runs, vault: vault, read: read, actor: actor, svc: NewService(nil, logger), logger: logger}
}

// runSpec is what every worker needs to match a run's pieces as one
// process would: the registry and the past, and the reading limits that
// change what is read. The archive password stays with each process.
type runSpec struct {
	Registry        string          `json:"registry"`
	RegistryOptions RegistryOptions `json:"registry_options"`
	PastExports     []string        `json:"past_exports,omitempty"`
	History         string          `json:"history,omitempty"`
	Leaks           []string        `json:"leaks"`
	Limits          readLimits      `json:"limits"`
	// FromVault says that the leaks are an incident's evidence, read
	// through the vault, which workers then open.
	FromVault bool `json:"from_vault,omitempty"`
	// Summary names what each piece carries beside its findings
	// (Distributor.Summarise); empty: nothing.
	Summary string `json:"summary,omitempty"`
}

type readLimits struct {
	MaxExpandedBytes int64  `json:"max_expanded_bytes"`
	MaxRatio         int64  `json:"max_ratio"`
	MaxDepth         int    `json:"max_depth"`
	MaxRecordBytes   int    `json:"max_record_bytes"`
	MaxJSONDepth     int    `json:"max_json_depth"`
	MaxCellLines     int    `json:"max_cell_lines"`
	Region           string `json:"region"`
}

// request is the match request of the spec, read with own's workers,
// spool and password.
func (s runSpec) request(own dump.Options) Request {
	read := own
	l := s.Limits
	read.MaxExpandedBytes, read.MaxRatio, read.MaxDepth, read.MaxRecordBytes = l.MaxExpandedBytes, l.MaxRatio, l.MaxDepth, l.MaxRecordBytes
	read.MaxJSONDepth, read.MaxCellLines, read.Region, read.Progress = l.MaxJSONDepth, l.MaxCellLines, l.Region, nil
	return Request{Registry: s.Registry, RegistryOptions: s.RegistryOptions, PastExports: s.PastExports, History: s.History,
		Leaks: Files(s.Leaks...), Read: read}
}

// Start cuts r's leaks into pieces of about pieceSize bytes and records
// the run, each piece enqueued (enqueue) in the same transaction.
func (d *Distributor) Start(ctx context.Context, r Request, pieceSize int64, enqueue leakdesk.MatchEnqueueFunc) (*leakdesk.MatchRun, error) {
	return d.StartWith(ctx, r, RunOptions{PieceSize: pieceSize}, enqueue)
}

// RunOptions say how a run is cut, what names it, and what its pieces
// carry beside their findings.
type RunOptions struct {
	PieceSize int64
	// Key names the run: a run of a key recorded already is not started
	// again, and Start returns it as recorded.
	Key string
	// Summary names the PieceSummary each piece carries, which every
	// worker must know (Summarise).
	Summary string
}

// StartWith is Start with a key and a summary (o).
func (d *Distributor) StartWith(ctx context.Context, r Request, o RunOptions, enqueue leakdesk.MatchEnqueueFunc) (*leakdesk.MatchRun, error) {
	spec, err := specOf(r)
	if err != nil {
		return nil, err
	}
	spec.Summary = o.Summary
	for _, src := range r.Leaks {
		if src.Open != nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s is read from a stream (evidence in the vault): only files that every worker can open are matched in pieces", src.Name)
		}
		spec.Leaks = append(spec.Leaks, src.Path)
	}
	reader, err := dump.NewReader(r.Read)
	if err != nil {
		return nil, err
	}
	pieces, err := Split(reader, spec.Leaks, o.PieceSize)
	if err != nil {
		return nil, err
	}
	return d.start(ctx, r, o.Key, spec, pieces, enqueue)
}

// specOf is what the workers need of r.
func specOf(r Request) (runSpec, error) {
	if r.EstimateWeights {
		return runSpec{}, leakdesk.Errorf(leakdesk.EINVALID, "weights cannot be estimated when the leak is matched in pieces; match it in one process")
	}
	o := r.Read
	return runSpec{Registry: r.Registry, RegistryOptions: r.RegistryOptions, PastExports: r.PastExports, History: r.History,
		Limits: readLimits{o.MaxExpandedBytes, o.MaxRatio, o.MaxDepth, o.MaxRecordBytes, o.MaxJSONDepth, o.MaxCellLines, o.Region}}, nil
}

// start records the run of spec cut into pieces, each piece enqueued in
// the same transaction.
func (d *Distributor) start(ctx context.Context, r Request, key string, spec runSpec, pieces []Piece, enqueue leakdesk.MatchEnqueueFunc) (*leakdesk.MatchRun, error) {
	run := &leakdesk.MatchRun{IncidentID: r.Incident, Actor: r.Actor, Key: key}
	var err error
	if run.Spec, err = json.Marshal(spec); err != nil {
		return nil, fmt.Errorf("encode match run: %w", err)
	}
	records := make([]leakdesk.MatchPiece, len(pieces))
	for i, p := range pieces {
		b, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("encode piece: %w", err)
		}
		records[i] = leakdesk.MatchPiece{Spec: b, Bytes: p.End - p.Start}
	}
	if err := d.runs.CreateMatchRun(ctx, run, records, enqueue); err != nil {
		return nil, err
	}
	d.logger.Info("match run started", "run", run.ID, "incident", run.IncidentID, "pieces", run.Pieces, "bytes", run.Bytes)
	return run, nil
}

// WorkPiece matches piece seq of run and stores its partial findings,
// unless an earlier run of the job did; the last piece done enqueues the
// merge (merge). A worker killed here leaves the piece unstored, and its
// job is worked again.
func (d *Distributor) WorkPiece(ctx context.Context, runID int64, seq int, merge leakdesk.MatchEnqueueFunc) error {
	piece, err := d.runs.FindMatchPiece(ctx, runID, seq)
	if err != nil {
		return err
	}
	if piece.Partial != nil {
		return nil
	}
	var p Piece
	if err := json.Unmarshal(piece.Spec, &p); err != nil {
		return fmt.Errorf("decode piece %d of match run %d: %w", seq, runID, err)
	}
	run, err := d.runs.FindMatchRun(ctx, runID)
	if err != nil {
		return err
	}
	if run.Failure != nil {
		// Its findings are unknown whatever this piece holds.
		d.logger.Info("piece skipped: its run failed", "run", runID, "piece", seq)
		return nil
	}
	scanner, _, err := d.scannerOf(ctx, run)
	if err != nil {
		return err
	}
	spec, err := specOfRun(run)
	if err != nil {
		return err
	}
	summary, err := d.summaryOf(spec, scanner.n)
	if err != nil {
		return err
	}
	if p.Evidence != nil {
		d.openEvidence(ctx, run, seq, &p)
	}
	d.logger.Info("matching piece", "run", runID, "piece", seq, "bytes", piece.Bytes)
	began := time.Now()
	partial, err := scanner.ScanPieceVisiting(ctx, p, visitorOf(summary))
	if err != nil {
		return err
	}
	if summary != nil {
		if partial.Summary, err = summary.Summary(); err != nil {
			return fmt.Errorf("summary of piece %d of match run %d: %w", seq, runID, err)
		}
	}
	b, err := json.Marshal(partial)
	if err != nil {
		return fmt.Errorf("encode partial findings: %w", err)
	}
	stored, err := d.runs.CompleteMatchPiece(ctx, runID, seq, b, merge)
	if stored {
		d.logger.Info("piece matched", "run", runID, "piece", seq, "rows", partial.Rows, "partial_bytes", len(b), "seconds", time.Since(began).Seconds())
	}
	return err
}

// Merge merges a run's partial findings into the findings of one scan of
// the whole leak and stores them, once: in the run, and in its incident
// when it has one.
func (d *Distributor) Merge(ctx context.Context, runID int64) error {
	run, err := d.runs.FindMatchRun(ctx, runID)
	if err != nil {
		return err
	}
	if !run.MergedAt.IsZero() {
		return nil
	}
	if run.Failure != nil {
		// Never merged: the store refuses it too (CompleteMatchRun).
		d.logger.Info("merge skipped: the run failed", "run", runID)
		return nil
	}
	began := time.Now()
	raw, err := d.runs.MatchPartials(ctx, runID)
	if err != nil {
		return err
	}
	partials := make([]*Partial, len(raw))
	for i, b := range raw {
		partials[i] = new(Partial)
		if err := json.Unmarshal(b, partials[i]); err != nil {
			return fmt.Errorf("decode partial findings of piece %d of match run %d: %w", i, runID, err)
		}
		raw[i] = nil // the merge holds every piece at once: not twice
	}
	scanner, matched, err := d.scannerOf(ctx, run)
	if err != nil {
		return err
	}
	spec, err := specOfRun(run)
	if err != nil {
		return err
	}
	out := &Matched{Registry: matched.Registry, PastUnread: matched.PastUnread}
	if out.Findings, err = scanner.Merge(partials, spec.Leaks); err != nil {
		return err
	}
	// The run, not Conclude, stores the findings: with the mark that they
	// are merged, in one transaction.
	if err := d.svc.Conclude(ctx, spec.request(d.read), out); err != nil && leakdesk.ErrorCode(err) != leakdesk.EUNREAD {
		return err
	}
	if run.IncidentID != 0 && d.svc.findings != nil {
		if out.Findings, err = d.svc.withDecisions(ctx, run.IncidentID, out.Findings); err != nil {
			return err
		}
	}
	done, err := d.runs.CompleteMatchRun(ctx, runID, out.Findings)
	if done {
		d.logger.Info("match run merged", "run", runID, "incident", run.IncidentID, "pieces", len(partials), "rows", out.Findings.Rows,
			"contacts", len(out.Findings.Contacts), "seconds", time.Since(began).Seconds())
	}
	return err
}

// Fail records that piece seq of run (leakdesk.MergePiece: its merge)
// failed for good with err, which fails the run, once: it is never
// merged, and whoever waits for it is told why.
func (d *Distributor) Fail(ctx context.Context, runID int64, seq int, err error) error {
	failed, ferr := d.runs.FailMatchRun(ctx, runID, seq, leakdesk.ErrorCode(err), err.Error())
	if failed {
		// The reason may name files: it stays in the store.
		d.logger.Warn("match run failed", "run", runID, "piece", seq, "code", leakdesk.ErrorCode(err))
	}
	return ferr
}

// FailAbandoned fails run when the job of a piece not done, or of its
// merge, will never run again with no worker having recorded why
// (leakdesk.MatchRunService.FailAbandonedMatchRun), and reports whether
// it did. Whoever waits on a run calls it now and then, so that the wait
// ends.
func (d *Distributor) FailAbandoned(ctx context.Context, runID int64) (bool, error) {
	failed, err := d.runs.FailAbandonedMatchRun(ctx, runID)
	if failed {
		d.logger.Warn("match run failed: a job of it was abandoned", "run", runID)
	}
	return failed, err
}

// AbandonedCheck is how often whoever waits on a run looks for its
// abandoned jobs (FailAbandoned): seldom beside the wait's own poll, as a
// job is abandoned only after a crash on its last attempt or by an
// operator.
const AbandonedCheck = 5 * time.Second

// scannerOf returns the scanner for a run's spec: a worker serves runs
// against the same registry without loading it again. This is where the
// registry is loaded, and where a prebuilt index would be opened.
func (d *Distributor) scannerOf(ctx context.Context, run *leakdesk.MatchRun) (*Scanner, *Matched, error) {
	spec, err := specOfRun(run)
	if err != nil {
		return nil, nil, err
	}
	spec.Leaks, spec.Summary = nil, "" // the registry depends on neither
	key, _ := json.Marshal(spec)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.spec == string(key) {
		return d.scanner, d.matched, nil
	}
	read := d.read
	if spec.FromVault {
		// Decrypted evidence spools in the vault, as when one process reads it.
		spool, err := d.openVault(ctx)
		if err != nil {
			return nil, nil, err
		}
		read.SpoolDir = spool
	}
	began := time.Now()
	scanner, matched, err := d.svc.ScannerFor(ctx, spec.request(read))
	if err != nil {
		return nil, nil, err
	}
	d.logger.Info("scanner ready", "run", run.ID, "seconds", time.Since(began).Seconds())
	d.spec, d.scanner, d.matched = string(key), scanner, matched
	return scanner, matched, nil
}

// specOfRun is what run's workers need.
func specOfRun(run *leakdesk.MatchRun) (runSpec, error) {
	var spec runSpec
	if err := json.Unmarshal(run.Spec, &spec); err != nil {
		return spec, fmt.Errorf("decode match run %d: %w", run.ID, err)
	}
	return spec, nil
}
