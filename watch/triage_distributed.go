package watch

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
)

// Distribution hands the intake's large files to the workers of
// distributed matching (leakdesk worker), as match --distribute does: a
// file is cut into pieces, each piece's partial findings carry its
// row-set sketch (RowSetSummary), and the triage is completed from the
// merged findings and the merged sketch, once the run is merged.
type Distribution struct {
	Distributor *match.Distributor
	Runs        leakdesk.MatchRunService
	// Enqueue enqueues a piece's job (match.Queue.EnqueuePiece) in the
	// transaction that records the run.
	Enqueue leakdesk.MatchEnqueueFunc
	// MinSize is the size from which a file is triaged in pieces;
	// smaller files are triaged in this process.
	MinSize   int64
	PieceSize int64
	// Poll is how often the triage job looks whether its run is merged (a
	// second if zero).
	Poll time.Duration

	mu      sync.Mutex
	checked map[int64]time.Time // when each run waited on was last looked at for abandoned jobs
}

// failAbandoned fails run if a job of it was abandoned with no worker
// told (match.Distributor.FailAbandoned), looking at most every
// match.AbandonedCheck, and reports whether it did.
func (d *Distribution) failAbandoned(ctx context.Context, run int64) (bool, error) {
	d.mu.Lock()
	if d.checked == nil {
		d.checked = make(map[int64]time.Time)
	}
	last, seen := d.checked[run]
	due := seen && time.Since(last) >= match.AbandonedCheck
	if !seen || due {
		d.checked[run] = time.Now()
	}
	d.mu.Unlock()
	if !due {
		return false, nil
	}
	return d.Distributor.FailAbandoned(ctx, run)
}

// done forgets run, merged or failed.
func (d *Distribution) done(run int64) {
	d.mu.Lock()
	delete(d.checked, run)
	d.mu.Unlock()
}

// runStartError is the error of a file's run that could not be started:
// no piece of it was cut or enqueued.
type runStartError struct{ err error }

func (e runStartError) Error() string { return e.err.Error() }
func (e runStartError) Unwrap() error { return e.err }

// takes reports whether f is triaged in pieces.
func (d *Distribution) takes(f *leakdesk.TriageFile) bool {
	return d != nil && f.Size >= d.MinSize
}

// triageDistributed triages f in pieces: it starts the run once (keyed
// by the file, so that the job worked again after a crash finds it),
// snoozes until the run is merged, then judges f from the merged
// findings and sketch as Triage does from one scan.
func (w *TriageWorker) triageDistributed(ctx context.Context, f *leakdesk.TriageFile) (alert bool, err error) {
	d := w.dist
	// Each retry of a failed file is a run of its own.
	key := fmt.Sprintf("triage-%d", f.ID)
	if f.Retries > 0 {
		key += fmt.Sprintf("-retry-%d", f.Retries)
	}
	run, err := d.Runs.FindMatchRunByKey(ctx, key)
	if leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND {
		if run, err = w.startRun(ctx, f, key); err != nil {
			return false, runStartError{err}
		}
	}
	if err != nil {
		return false, err
	}
	if run.MergedAt.IsZero() && run.Failure == nil {
		failed, err := d.failAbandoned(ctx, run.ID)
		if err != nil {
			return false, err
		}
		if failed {
			if run, err = d.Runs.FindMatchRun(ctx, run.ID); err != nil {
				return false, err
			}
		}
	}
	if run.Failure != nil || !run.MergedAt.IsZero() {
		d.done(run.ID)
	}
	if run.Failure != nil {
		// What the file holds is unknown: it is neither done nor unread,
		// and raises no alert.
		f.State = leakdesk.TriageFailed
		f.Detail = fmt.Sprintf("not triaged: its match run %d failed, %s; what it holds is unknown. Fix the cause, then take the file in again", run.ID, run.Failure)
		w.log.Warn("file not triaged: its match run failed", "file", f.ID, "run", run.ID, "piece", run.Failure.Piece, "code", run.Failure.Code)
		return false, nil
	}
	if run.MergedAt.IsZero() {
		return false, river.JobSnooze(cmp.Or(d.Poll, time.Second))
	}
	if run.Findings == nil {
		return false, fmt.Errorf("match run %d of file %d is merged without findings", run.ID, f.ID)
	}
	summaries, err := d.Distributor.Summaries(ctx, run.ID)
	if err != nil {
		return false, err
	}
	set, err := mergeSketchStates(w.n, summaries)
	if err != nil {
		return false, fmt.Errorf("file %d, match run %d: %w", f.ID, run.ID, err)
	}
	w.log.Info("file matched in pieces", "file", f.ID, "run", run.ID, "pieces", run.Pieces)
	return w.conclude(ctx, f, run.Findings, set)
}

// startRun starts f's run, cut into pieces that the workers read from
// the vault by range: no decrypted copy of f is written anywhere.
func (w *TriageWorker) startRun(ctx context.Context, f *leakdesk.TriageFile, key string) (*leakdesk.MatchRun, error) {
	d := w.dist
	kept, ok := w.blobs.(leakdesk.RangedBlobStore)
	if !ok {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "this store of kept files cannot be read by range: file %d cannot be triaged in pieces", f.ID)
	}
	registry, err := filepath.Abs(w.cfg.Registry)
	if err != nil {
		return nil, err
	}
	r := match.Request{Registry: registry, Read: w.cfg.Read, Actor: f.Actor}
	o := match.RunOptions{PieceSize: d.PieceSize, Key: key, Summary: RowSetSummary}
	run, err := d.Distributor.StartKept(ctx, r, f.Name, f.SHA256, kept, o, d.Enqueue)
	if err != nil {
		return nil, fmt.Errorf("match file %d in pieces: %w", f.ID, err)
	}
	return run, nil
}
