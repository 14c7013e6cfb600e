package notify

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/riverdb"
)

// QueueName is the River queue that notices go through.
const QueueName = "notify"

// DeliverArgs is the job that sends a batch of a notice's deliveries. A job
// carries many: River on SQLite fetches at most a few jobs per poll, and
// the outbox rows, not the job, say what is done.
type DeliverArgs struct {
	Incident   int64   `json:"incident"`
	Notice     int64   `json:"notice"`
	Deliveries []int64 `json:"deliveries"`
}

// Kind names the job for River.
func (DeliverArgs) Kind() string { return "notify.deliver" }

// InsertOpts puts the job on the notify queue.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueName, MaxAttempts: maxJobAttempts}
}

// jobTimeout bounds a batch: one still running after it was cut short by
// a crash, and is worked again.
const jobTimeout = time.Hour

// AddRescues lets the client of workers, which does not work the notify
// queue, rescue its jobs when it is River's leader (riverdb.RescueOnly),
// once they have run for longer than the notify queue allows them.
func AddRescues(workers *river.Workers) {
	river.AddWorker(workers, &riverdb.RescueOnly[DeliverArgs]{After: jobTimeout})
}

// maxJobAttempts bounds the retries of a batch; with the backoff below, a
// temporary failure is retried for about two hours before it is given up.
const maxJobAttempts = 30

// QueueConfig tunes the queue.
type QueueConfig struct {
	Dialect     string // "sqlite" or "postgres"
	Connections int    // messages sent at once, each over its own connection
	BatchSize   int    // deliveries per job; 0 sizes jobs by campaign (see batchSize)
	Logger      *slog.Logger
	// AfterBatch, when set, runs at the end of every batch, before the job
	// counts as done. The store's Sync goes here: messages are recorded
	// without waiting for the disk, and this bounds what a power cut can
	// forget to the batches still running.
	AfterBatch func(context.Context) error
	// Rescues registers the kinds of the other processes that share
	// River's tables (riverdb.RescueOnly), so that this queue, when it is
	// River's leader, rescues their jobs rather than discarding them.
	Rescues func(*river.Workers)
}

// Queue is the durable job queue (River) over the incident store's
// database, so that deliveries and their jobs are written in one
// transaction.
type Queue struct {
	client *river.Client[*sql.Tx]
	batch  int // 0: by campaign
	conns  int
}

// NewQueue opens the queue on db, creating River's tables if needed. With a
// nil worker it can only enqueue; with one it can also Start working.
func NewQueue(ctx context.Context, db *sql.DB, w *Worker, cfg QueueConfig) (*Queue, error) {
	driver, err := riverdb.Open(ctx, db, cfg.Dialect, quiet(cfg.Logger))
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	conns := max(cfg.Connections, 1)
	rc := &river.Config{
		Logger:      quiet(cfg.Logger),
		RetryPolicy: backoff{},
		// Drivers over database/sql cannot LISTEN, so the queue polls; a
		// short interval keeps a campaign moving between batches.
		PollOnly:          true,
		FetchCooldown:     20 * time.Millisecond,
		FetchPollInterval: 250 * time.Millisecond,
		JobTimeout:        jobTimeout,
	}
	if w != nil {
		workers := river.NewWorkers()
		river.AddWorker(workers, w)
		if cfg.Rescues != nil {
			cfg.Rescues(workers)
		}
		rc.Workers = workers
		// Twice as many jobs run as there are connections: the extra ones
		// wait in Work for a connection, so that one is taken up the moment
		// a batch ends, instead of after River's next fetch.
		rc.Queues = map[string]river.QueueConfig{QueueName: {MaxWorkers: 2 * conns}}
	}
	if cfg.AfterBatch != nil {
		rc.Hooks = []rivertype.Hook{&afterBatch{sync: cfg.AfterBatch}}
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return &Queue{client: client, batch: max(cfg.BatchSize, 0), conns: conns}, nil
}

// afterBatch runs a function when a job ends. A batch whose function fails
// fails too, and is retried: its sent deliveries are not sent again.
type afterBatch struct {
	river.HookDefaults
	sync func(context.Context) error
}

func (h *afterBatch) WorkEnd(ctx context.Context, _ *rivertype.JobRow, err error) error {
	// A stopped queue still makes its last outcomes durable.
	if syncErr := h.sync(context.WithoutCancel(ctx)); syncErr != nil && err == nil {
		return fmt.Errorf("make the batch durable: %w", syncErr)
	}
	return err
}

// QuietLogger is l for River: only its warnings and errors reach the log.
func QuietLogger(l *slog.Logger) *slog.Logger { return quiet(l) }

// quiet keeps River's routine logging out of a command's output: only its
// warnings and errors reach the log.
func quiet(l *slog.Logger) *slog.Logger {
	if l == nil {
		l = slog.Default()
	}
	return slog.New(levelFilter{l.Handler(), slog.LevelWarn})
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{f.Handler.WithAttrs(a), f.min}
}

func (f levelFilter) WithGroup(g string) slog.Handler {
	return levelFilter{f.Handler.WithGroup(g), f.min}
}

// EnqueueTx enqueues jobs for the deliveries in tx, in batches. It is a
// leakdesk.EnqueueFunc, for the transaction that creates the deliveries.
func (q *Queue) EnqueueTx(ctx context.Context, tx *sql.Tx, incidentID, noticeID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := q.client.InsertManyTx(ctx, tx, q.jobs(incidentID, noticeID, ids))
	return err
}

// Enqueue enqueues jobs for deliveries that already exist: those a dead
// sender left queued or in flight.
func (q *Queue) Enqueue(ctx context.Context, incidentID, noticeID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := q.client.InsertMany(ctx, q.jobs(incidentID, noticeID, ids))
	return err
}

// Jobs sized by campaign: about jobsPerConnection jobs per connection, so
// that every connection has work until the campaign's end, of at most
// maxAutoBatch deliveries, so that a batch held back by a temporary failure
// holds back few messages. Within that, jobs are as large as they can be:
// each costs the queue a fetch and a completion, which on SQLite take the
// same write lock as the messages' bookkeeping.
const (
	jobsPerConnection = 4
	maxAutoBatch      = 200
)

// batchSize is how many of n deliveries go in one job.
func (q *Queue) batchSize(n int) int {
	if q.batch > 0 {
		return q.batch
	}
	perJob := (n + jobsPerConnection*q.conns - 1) / (jobsPerConnection * q.conns)
	return min(max(perJob, 1), maxAutoBatch)
}

func (q *Queue) jobs(incidentID, noticeID int64, ids []int64) []river.InsertManyParams {
	var params []river.InsertManyParams
	size := q.batchSize(len(ids))
	for start := 0; start < len(ids); start += size {
		batch := ids[start:min(start+size, len(ids))]
		params = append(params, river.InsertManyParams{Args: DeliverArgs{Incident: incidentID, Notice: noticeID, Deliveries: batch}})
	}
	return params
}

// Enqueuer adapts the queue to the store's leakdesk.EnqueueFunc for one
// incident.
func (q *Queue) Enqueuer(incidentID int64) leakdesk.EnqueueFunc {
	return func(ctx context.Context, tx *sql.Tx, noticeID int64, ids []int64) error {
		return q.EnqueueTx(ctx, tx, incidentID, noticeID, ids)
	}
}

// Start starts working jobs until Stop or StopAndCancel. Cancelling ctx
// also stops the queue, but does not wait for running jobs: pass a context
// that is not cancelled, and call a Stop.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop lets running jobs finish their batch, then stops.
func (q *Queue) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

// StopAndCancel stops at once: each running job records the outcome of the
// message it is sending and leaves the rest of its batch queued.
func (q *Queue) StopAndCancel(ctx context.Context) error { return q.client.StopAndCancel(ctx) }

// backoff retries a batch after 2, 4, 8... seconds, up to five minutes,
// with jitter so that many failed batches do not return at once.
type backoff struct{}

func (backoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := min(time.Duration(1<<min(job.Attempt, 9))*time.Second, 5*time.Minute)
	d += time.Duration(rand.Int64N(int64(d / 4)))
	return time.Now().Add(d)
}
