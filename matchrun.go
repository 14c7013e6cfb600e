package leakdesk

import (
	"context"
	"database/sql"
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

// MatchProgress is how far a run is, at a moment.
type MatchProgress struct {
	PiecesDone, Pieces int
	BytesDone, Bytes   int64
	BytesPerSecond     float64
	// End is when the run should end at the rate so far; zero before any
	// piece is done.
	End    time.Time
	Merged bool
}

// Progress returns how far r is at now, its rate measured since it was
// created.
func (r *MatchRun) Progress(now time.Time) MatchProgress {
	p := MatchProgress{PiecesDone: r.PiecesDone, Pieces: r.Pieces, BytesDone: r.BytesDone, Bytes: r.Bytes, Merged: !r.MergedAt.IsZero()}
	if elapsed := now.Sub(r.CreatedAt).Seconds(); elapsed > 0 && r.BytesDone > 0 {
		p.BytesPerSecond = float64(r.BytesDone) / elapsed
		p.End = now.Add(time.Duration(float64(r.Bytes-r.BytesDone) / p.BytesPerSecond * float64(time.Second)))
	}
	return p
}

// MatchEnqueueFunc enqueues a run's job (a piece's, or the merge) in the
// transaction that records what makes it due, so that no piece is
// recorded without its job, and the merge is enqueued exactly once.
type MatchEnqueueFunc func(ctx context.Context, tx *sql.Tx, runID int64, seq int) error

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
	// the same transaction: exactly one does.
	CompleteMatchPiece(ctx context.Context, runID int64, seq int, partial []byte, merge MatchEnqueueFunc) (bool, error)
	// MatchPartials returns every piece's partial findings, in order;
	// ECONFLICT while a piece is not done.
	MatchPartials(ctx context.Context, runID int64) ([][]byte, error)
	// CompleteMatchRun stores the merged findings unless they are stored
	// already, and reports whether it did. A run with an incident records
	// them in it, in the same transaction, unless nothing was read.
	CompleteMatchRun(ctx context.Context, runID int64, f *Findings) (bool, error)
}
