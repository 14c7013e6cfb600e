package match

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/riverdb"
)

// QueueName is the River queue of distributed matching, apart from
// notify's and watch's so that a long match never holds back a notice.
const QueueName = "match"

// PieceArgs is the job that matches one piece of a run.
type PieceArgs struct {
	Run int64 `json:"run"`
	Seq int   `json:"seq"`
}

// Kind names the job for River.
func (PieceArgs) Kind() string { return "match.piece" }

// InsertOpts puts the job on the match queue.
func (PieceArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueName, MaxAttempts: 10}
}

// MergeArgs is the job that merges a run's partial findings.
type MergeArgs struct {
	Run int64 `json:"run"`
}

// Kind names the job for River.
func (MergeArgs) Kind() string { return "match.merge" }

// InsertOpts puts the job on the match queue, once per run.
func (MergeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueName, MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// pieceWorker works piece jobs; the last piece enqueues the merge through
// the client that works it.
type pieceWorker struct {
	river.WorkerDefaults[PieceArgs]
	d *Distributor
}

func (w *pieceWorker) Work(ctx context.Context, job *river.Job[PieceArgs]) error {
	err := unpanicked(func() error {
		return w.d.WorkPiece(ctx, job.Args.Run, job.Args.Seq, func(ctx context.Context, tx *sql.Tx, run int64, _ int) (int64, error) {
			return insertedID(river.ClientFromContext[*sql.Tx](ctx).InsertTx(ctx, tx, MergeArgs{Run: run}, nil))
		})
	})
	return w.d.failOrRetry(ctx, job.JobRow, job.Args.Run, job.Args.Seq, err)
}

// unpanicked is fn's error, or its panic as an error: River would count a
// panic as a failed attempt too, but discard the job after the last one
// without the run being told.
func unpanicked(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return fn()
}

type mergeWorker struct {
	river.WorkerDefaults[MergeArgs]
	d *Distributor
}

func (w *mergeWorker) Work(ctx context.Context, job *river.Job[MergeArgs]) error {
	err := unpanicked(func() error { return w.d.Merge(ctx, job.Args.Run) })
	return w.d.failOrRetry(ctx, job.JobRow, job.Args.Run, leakdesk.MergePiece, err)
}

// permanent reports whether err is one that no retry fixes: what the run
// reads is no longer what it cut and checked (evidence refused by its
// seal, a file shorter than when it was split or laid out otherwise). A
// file or registry this worker cannot find, or a vault it cannot open,
// may be found by another worker: those are retried, and fail the run on
// the job's last attempt.
func permanent(err error) bool {
	return leakdesk.ErrorCode(err) == leakdesk.EINTEGRITY
}

// failRecordRetry is how soon a job whose run's failure could not be
// recorded comes back to record it; snoozing spends no attempt.
const failRecordRetry = 5 * time.Second

// failOrRetry hands err, the error of piece seq of run (MergePiece: its
// merge), back to River to retry, unless no retry can help: an error that
// is permanent, or that of the job's last attempt, fails the run, and a
// permanent one cancels the job. A run whose failure cannot be recorded
// now (the database busy) has its job come back to record it.
func (d *Distributor) failOrRetry(ctx context.Context, job *rivertype.JobRow, run int64, seq int, err error) error {
	if err == nil {
		return nil
	}
	lasting := permanent(err)
	if !lasting && job.Attempt < job.MaxAttempts {
		return err
	}
	// The job's own context may be what ended it (its timeout).
	recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if ferr := d.Fail(recordCtx, run, seq, err); ferr != nil {
		if leakdesk.ErrorCode(ferr) == leakdesk.ENOTFOUND {
			return river.JobCancel(errors.Join(err, ferr))
		}
		d.logger.Error("match run failure not recorded", "run", run, "piece", seq, "error", ferr)
		return river.JobSnooze(failRecordRetry)
	}
	if lasting {
		return river.JobCancel(err)
	}
	return err
}

// Queue is the River client of the match queue, over the store's
// database.
type Queue struct {
	client *river.Client[*sql.Tx]
}

// QueueConfig says how a process takes part in distributed matching.
type QueueConfig struct {
	// Distributor, when set, makes the process a worker: it takes pieces
	// and merges. Without it, the queue only enqueues.
	Distributor *Distributor
	// Jobs is how many pieces the worker matches at once; each piece uses
	// the reader's Workers goroutines.
	Jobs int
	// RescueAfter is how long a piece may run before it is taken to have
	// been cut short by a crash and is worked again; longer than any
	// piece takes.
	RescueAfter time.Duration
	// Rescues adds the kinds of the other processes that share River's
	// tables (riverdb.RescueOnly), so that this worker, when it is River's
	// leader, rescues their jobs rather than discarding them.
	Rescues func(*river.Workers)
	Logger  *slog.Logger
}

// NewQueue opens the match queue on db ("sqlite" or "postgres"), creating
// River's tables if needed.
func NewQueue(ctx context.Context, db *sql.DB, dialect string, cfg QueueConfig) (*Queue, error) {
	driver, err := riverdb.Open(ctx, db, dialect, cfg.Logger)
	if err != nil {
		return nil, fmt.Errorf("match queue: %w", err)
	}
	rescue := cmp.Or(cfg.RescueAfter, time.Hour)
	rc := &river.Config{
		Logger:            cfg.Logger,
		PollOnly:          true, // database/sql drivers cannot LISTEN
		FetchCooldown:     20 * time.Millisecond,
		FetchPollInterval: 100 * time.Millisecond,
		// A piece still running after rescue was cut short by a crash: it
		// is worked again. Storing its partial findings is idempotent, so
		// a piece worked twice counts once. River rescues only jobs that
		// have a timeout, and a live piece is stopped at it: both are the
		// same bound.
		JobTimeout:           rescue,
		RescueStuckJobsAfter: rescue,
	}
	if cfg.Distributor != nil {
		workers := river.NewWorkers()
		river.AddWorker(workers, &pieceWorker{d: cfg.Distributor})
		river.AddWorker(workers, &mergeWorker{d: cfg.Distributor})
		if cfg.Rescues != nil {
			cfg.Rescues(workers)
		}
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{QueueName: {MaxWorkers: max(cfg.Jobs, 1)}}
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("match queue: %w", err)
	}
	return &Queue{client: client}, nil
}

// EnqueuePiece is a leakdesk.MatchEnqueueFunc for piece jobs.
func (q *Queue) EnqueuePiece(ctx context.Context, tx *sql.Tx, run int64, seq int) (int64, error) {
	return insertedID(q.client.InsertTx(ctx, tx, PieceArgs{Run: run, Seq: seq}, nil))
}

// insertedID is the id of the job an insert made, or found already there
// (a unique job).
func insertedID(res *rivertype.JobInsertResult, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}

// Start works jobs until Stop.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop lets running jobs finish, then stops.
func (q *Queue) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

// AddRescues lets the client of workers, which does not work the match
// queue, rescue its jobs when it is River's leader (riverdb.RescueOnly),
// once they have run for longer than after.
func AddRescues(workers *river.Workers, after time.Duration) {
	river.AddWorker(workers, &riverdb.RescueOnly[PieceArgs]{After: after})
	river.AddWorker(workers, &riverdb.RescueOnly[MergeArgs]{After: after})
}
