package watch

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/leakdesk/leakdesk/internal/riverdb"
)

// QueueName is the River queue of triage and alert jobs, apart from
// notify's so that a campaign never holds back an alert.
const QueueName = "watch"

// TriageArgs is the job that reads and matches one file. It is inserted
// in the transaction that records the file, so a file is never lost
// between the two, and its result is recorded once (CompleteTriage).
type TriageArgs struct {
	File int64 `json:"file"`
}

// Kind names the job for River.
func (TriageArgs) Kind() string { return "watch.triage" }

// InsertOpts puts the job on the watch queue.
func (TriageArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueName, MaxAttempts: 10}
}

// Alert channels.
const (
	ChannelMail    = "mail"
	ChannelWebhook = "webhook"
)

// AlertArgs is the job that sends one alert about one file on one
// channel, retried until it is delivered.
type AlertArgs struct {
	File    int64  `json:"file"`
	Channel string `json:"channel"`
}

// Kind names the job for River.
func (AlertArgs) Kind() string { return "watch.alert" }

// InsertOpts puts the job on the watch queue, unique per file and channel.
func (AlertArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueName, MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Queue is the River client of the watch queue, over the store's database.
type Queue struct {
	client *river.Client[*sql.Tx]
	order  *finishOrder // the order of the triage jobs this process queues
}

// NewQueue opens the watch queues on db ("sqlite" or "postgres"), creating
// River's tables if needed. With nil workers it can only enqueue; with
// them, it works the queues named.
func NewQueue(ctx context.Context, db *sql.DB, dialect string, workers *river.Workers, queues []string, maxWorkers int, rescueAfter time.Duration, log *slog.Logger) (*Queue, error) {
	driver, err := riverdb.Open(ctx, db, dialect, log)
	if err != nil {
		return nil, fmt.Errorf("watch queue: %w", err)
	}
	rc := &river.Config{
		Logger:        log,
		PollOnly:      true, // database/sql drivers cannot LISTEN
		FetchCooldown: 20 * time.Millisecond,
		// Each poll of each queue prepares River's fetch statement again:
		// at 100 ms an idle watch spent 2.5 % of a core polling on SQLite.
		// A job that finishes fetches the next at once, so the interval
		// only delays the first file of a drop.
		FetchPollInterval: 250 * time.Millisecond,
		// A job still running after rescueAfter was cut short by a crash:
		// it is worked again. Its steps are idempotent (CompleteTriage,
		// unique alert jobs), so a slow job worked twice alerts once.
		JobTimeout:           cmp.Or(rescueAfter, time.Hour),
		RescueStuckJobsAfter: cmp.Or(rescueAfter, time.Hour),
	}
	if workers != nil {
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{}
		for _, q := range queues {
			rc.Queues[q] = river.QueueConfig{MaxWorkers: max(maxWorkers, 1)}
		}
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("watch queue: %w", err)
	}
	return &Queue{client: client}, nil
}

// EnqueueTriage is a leakdesk.TriageEnqueueFunc.
func (q *Queue) EnqueueTriage(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := q.client.InsertTx(ctx, tx, TriageArgs{File: id}, nil); err != nil {
		return err
	}
	if q.order != nil {
		q.order.queue(id)
	}
	return nil
}

// Start works jobs until Stop.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop lets running jobs finish, then stops.
func (q *Queue) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

// AddRescues lets the client of workers, which does not work the watch
// queues, rescue their jobs when it is River's leader
// (riverdb.RescueOnly), once they have run for longer than after: a
// leakdesk worker beside a watch that was killed.
func AddRescues(workers *river.Workers, after time.Duration) {
	river.AddWorker(workers, &riverdb.RescueOnly[TriageArgs]{After: after})
	river.AddWorker(workers, &riverdb.RescueOnly[AlertArgs]{After: after})
	river.AddWorker(workers, &riverdb.RescueOnly[AlarmArgs]{After: after})
	river.AddWorker(workers, &riverdb.RescueOnly[ProposeArgs]{After: after})
}
