package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/leakdesk/leakdesk"
)

// DefaultLease is how long a claimed delivery is held before another sender
// may take it as dead. It must exceed the longest a message can take to
// send, or two senders could both send it.
const DefaultLease = 2 * time.Minute

// maxMessageAttempts is how many times one message is tried before it is
// reported failed, for failures that looked temporary each time.
const maxMessageAttempts = 8

// Worker sends the deliveries of a DeliverArgs job. Each delivery is
// claimed in the store before its message leaves and marked after, so a
// crash at any point leaves either a queued row (sent later), a sent row
// (never sent again), or a row in flight whose lease runs out and whose
// message goes again under the same Message-ID.
type Worker struct {
	river.WorkerDefaults[DeliverArgs]

	notices  leakdesk.NoticeService
	composer *Composer
	senders  chan Sender
	lease    time.Duration
	log      *slog.Logger
}

// NewWorker returns a worker that sends through connections made by dialer,
// at most connections at once.
func NewWorker(ctx context.Context, notices leakdesk.NoticeService, composer *Composer, dialer Dialer, connections int, lease time.Duration, log *slog.Logger) (*Worker, error) {
	connections = max(connections, 1)
	w := &Worker{notices: notices, composer: composer, senders: make(chan Sender, connections), lease: lease, log: log}
	if w.lease <= 0 {
		w.lease = DefaultLease
	}
	for range connections {
		s, err := dialer.Dial(ctx)
		if err != nil {
			w.Close()
			return nil, err
		}
		w.senders <- s
	}
	return w, nil
}

// Close closes the worker's connections. Call it after the queue stopped.
func (w *Worker) Close() error {
	var errs []error
	for {
		select {
		case s := <-w.senders:
			errs = append(errs, s.Close())
		default:
			return errors.Join(errs...)
		}
	}
}

// Timeout lets a batch take as long as its messages need; the lease, not
// the job's timeout, guards each message.
func (w *Worker) Timeout(*river.Job[DeliverArgs]) time.Duration { return -1 }

// Work sends the job's deliveries in order. Each outcome is recorded in
// the transaction that claims the next delivery. A temporary failure stops
// the batch, and River retries it later; what was sent is not sent again.
func (w *Worker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	var sender Sender
	select {
	case sender = <-w.senders:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { w.senders <- sender }()

	// An outcome is recorded even when the job is being stopped: the
	// message has left, and forgetting it would send it twice.
	record := context.WithoutCancel(ctx)
	var done *leakdesk.Outcome
	var wait time.Duration
	var retry error
	for _, id := range job.Args.Deliveries {
		if ctx.Err() != nil || retry != nil {
			break
		}
		claim, err := w.notices.Advance(record, done, id, w.lease)
		done = nil
		if err != nil {
			return fmt.Errorf("claim delivery %d: %w", id, err)
		}
		if claim.Wait > 0 {
			wait = max(wait, claim.Wait)
			continue
		}
		if claim.Delivery.State != leakdesk.DeliverySending {
			continue // sent or given up before: never again
		}
		done, retry = w.deliver(ctx, sender, claim)
	}
	if done != nil {
		if _, err := w.notices.Advance(record, done, 0, w.lease); err != nil {
			return fmt.Errorf("record delivery %d: %w", done.Claim.Delivery.ID, err)
		}
	}
	switch {
	case retry != nil:
		return retry
	case ctx.Err() != nil:
		return ctx.Err()
	case wait > 0:
		return river.JobSnooze(wait)
	}
	return nil
}

// deliver sends one claimed delivery and says what became of it, with an
// error when the rest of the batch is better retried later.
func (w *Worker) deliver(ctx context.Context, sender Sender, claim *leakdesk.Claim) (*leakdesk.Outcome, error) {
	del := claim.Delivery
	log := w.log.With("incident", claim.Notice.IncidentID, "delivery", del.ID, "message_id", del.MessageID)
	outcome := func(state, detail string) *leakdesk.Outcome {
		return &leakdesk.Outcome{Claim: claim, State: state, Detail: detail}
	}
	msg, err := w.composer.Compose(ctx, claim)
	if err != nil {
		// Templates and facts are checked before a campaign starts; this is
		// a change made since, and retrying will not help.
		log.Error("notice cannot be composed", "error", err)
		return outcome(leakdesk.DeliveryFailed, "cannot compose: "+leakdesk.ErrorMessage(err)), nil
	}
	err = sender.Send(ctx, msg)
	switch {
	case err == nil:
		return outcome(leakdesk.DeliverySent, ""), nil
	case IsPermanent(err):
		log.Warn("notice refused", "error", err)
		return outcome(leakdesk.DeliveryBounced, err.Error()), nil
	case del.Attempts >= maxMessageAttempts:
		log.Warn("notice given up", "attempts", del.Attempts, "error", err)
		return outcome(leakdesk.DeliveryFailed, fmt.Sprintf("gave up after %d attempts: %v", del.Attempts, err)), nil
	default:
		log.Warn("notice will be retried", "attempt", del.Attempts, "error", err)
		return outcome(leakdesk.DeliveryQueued, err.Error()), err
	}
}
