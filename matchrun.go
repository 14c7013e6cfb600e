package leakdesk

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// MatchRun is a match spread over workers: its leaks cut into pieces,
// each piece a job any worker may take, and the pieces' partial findings
// merged once, by the job that the last piece to finish enqueues.
type MatchRun struct {
	ID         int64  `json:"id"`
	IncidentID int64  `json:"incident_id,omitempty"` // where the findings are stored; 0: none
	Actor      string `json:"actor"`
	// Key, when set, names the run for the job that starts it: a run of
	// the same key is started once (see CreateMatchRun).
	Key string `json:"key,omitempty"`
	// Spec is what the workers need to match, as the engine writes it
	// (JSON): the registry, the leaks, how to read them.
	Spec       []byte    `json:"-"`
	Pieces     int       `json:"pieces"`
	PiecesDone int       `json:"pieces_done"`
	Bytes      int64     `json:"bytes"`
	BytesDone  int64     `json:"bytes_done"`
	CreatedAt  time.Time `json:"created_at"`
	MergedAt   time.Time `json:"merged_at,omitzero"`
	// Failure, when set, says why the run can never finish: it is not
	// merged, and its findings are unknown.
	Failure *MatchFailure `json:"failure,omitempty"`
	// Findings are the merged findings, once MergedAt is set.
	Findings *Findings `json:"-"`
}

// MatchPiece is one piece of a run: a byte range of a file, or a whole
// file, described by Spec (the engine's JSON). Partial holds what
// matching it found, once it is done.
type MatchPiece struct {
	RunID   int64
	Seq     int // 0-based, in reading order
	Spec    []byte
	Bytes   int64
	Partial []byte
	DoneAt  time.Time
}

// MergePiece names the merge where a MatchFailure names a piece.
const MergePiece = -1

// MatchFailure is why a run failed: a piece (or the merge, MergePiece)
// failed for good, with an error that no retry fixes or on its last
// attempt.
type MatchFailure struct {
	At     time.Time `json:"at"`
	Piece  int       `json:"piece"`
	Code   string    `json:"code"` // the error's code (EINVALID...)
	Reason string    `json:"reason"`
}

// String says what failed and why, for people.
func (f *MatchFailure) String() string {
	what := fmt.Sprintf("piece %d", f.Piece)
	if f.Piece == MergePiece {
		what = "the merge"
	}
	return fmt.Sprintf("%s failed (%s): %s", what, f.Code, f.Reason)
}

// EventMatchRunFailed records on an incident's timeline that a
// distributed run of its evidence or for it failed, so its findings are
// unknown. The event names who started the run.
const EventMatchRunFailed = "match.failed"

// MatchRunFailedPayload is the detail of EventMatchRunFailed.
type MatchRunFailedPayload struct {
	Code   string `json:"code"`
	Piece  int    `json:"piece"`
	Reason string `json:"reason"`
	Run    int64  `json:"run"`
}

// MatchProgress is how far a run is, at a moment.
type MatchProgress struct {
	PiecesDone, Pieces int
	BytesDone, Bytes   int64
	BytesPerSecond     float64
	// End is when the run should end at the rate so far; zero before any
	// piece is done.
	End    time.Time
	Merged bool
	Failed bool
}

// Progress returns how far r is at now, its rate measured since it was
// created.
func (r *MatchRun) Progress(now time.Time) MatchProgress {
	p := MatchProgress{PiecesDone: r.PiecesDone, Pieces: r.Pieces, BytesDone: r.BytesDone, Bytes: r.Bytes, Merged: !r.MergedAt.IsZero(), Failed: r.Failure != nil}
	if elapsed := now.Sub(r.CreatedAt).Seconds(); elapsed > 0 && r.BytesDone > 0 {
		p.BytesPerSecond = float64(r.BytesDone) / elapsed
		p.End = now.Add(time.Duration(float64(r.Bytes-r.BytesDone) / p.BytesPerSecond * float64(time.Second)))
	}
	return p
}

// MatchEnqueueFunc enqueues a run's job (a piece's, or the merge) in the
// transaction that records what makes it due, so that no piece is
// recorded without its job, and the merge is enqueued exactly once. It
// returns the job's id, kept with the piece (or the run, for the merge)
// so that a job that ends with nobody told is found
// (FailAbandonedMatchRun).
type MatchEnqueueFunc func(ctx context.Context, tx *sql.Tx, runID int64, seq int) (jobID int64, err error)

// MatchRunService keeps distributed match runs, their pieces and partial
// findings.
type MatchRunService interface {
	// CreateMatchRun records run and its pieces, and enqueues a job per
	// piece in the same transaction. EINVALID without pieces or actor.
	// A run whose Key names a run recorded already is not recorded
	// again: run is filled in with the recorded one, and nothing is
	// enqueued.
	CreateMatchRun(ctx context.Context, run *MatchRun, pieces []MatchPiece, enqueue MatchEnqueueFunc) error
	// FindMatchRun returns a run, its findings once merged; ENOTFOUND.
	FindMatchRun(ctx context.Context, id int64) (*MatchRun, error)
	// FindMatchRunByKey returns the run of a key; ENOTFOUND.
	FindMatchRunByKey(ctx context.Context, key string) (*MatchRun, error)
	// FindMatchPiece returns a piece; ENOTFOUND.
	FindMatchPiece(ctx context.Context, runID int64, seq int) (*MatchPiece, error)
	// CompleteMatchPiece stores a piece's partial findings unless a
	// earlier run of its job did, and reports whether it did. The call
	// that completes the run's last piece enqueues the merge (merge) in
	// the same transaction: exactly one does, unless the run failed.
	CompleteMatchPiece(ctx context.Context, runID int64, seq int, partial []byte, merge MatchEnqueueFunc) (bool, error)
	// MatchPartials returns every piece's partial findings, in order;
	// ECONFLICT while a piece is not done.
	MatchPartials(ctx context.Context, runID int64) ([][]byte, error)
	// CompleteMatchRun stores the merged findings unless they are stored
	// already, and reports whether it did. A run with an incident records
	// them in it, in the same transaction, unless nothing was read.
	// ECONFLICT for a failed run, which is never merged.
	CompleteMatchRun(ctx context.Context, runID int64, f *Findings) (bool, error)
	// FailMatchRun records that piece seq of a run (MergePiece: its
	// merge) failed for good with code and reason, and marks the run
	// failed, in one transaction, unless the piece is done or the run is
	// merged or failed already: it reports whether it did, so a run
	// fails once however many pieces fail. A run with an incident records
	// the failure on its timeline (EventMatchRunFailed), in the same
	// transaction, under the name of who started the run. ENOTFOUND.
	FailMatchRun(ctx context.Context, runID int64, seq int, code, reason string) (bool, error)
	// FailAbandonedMatchRun fails a run, as FailMatchRun does, when a
	// piece not done (or its merge, not done) has a job that will never
	// run again with no worker having recorded why: discarded (its last
	// attempt cut short by a crash), cancelled or deleted by an operator.
	// A job available, scheduled, retrying or running is waited on. It
	// reports whether it failed the run. ENOTFOUND.
	FailAbandonedMatchRun(ctx context.Context, runID int64) (bool, error)
}
