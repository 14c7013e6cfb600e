package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/riverqueue/river"

	"github.com/leakdesk/leakdesk"
)

// DefaultLease is how long a claimed delivery is held before another sender
// may take it as dead. It must exceed the longest a message can take to
// send, or two senders could both send it (see MinLease).
const DefaultLease = 2 * time.Minute

// MinLease is the shortest lease under which a campaign over cfg, with
// that many connections, can keep its messages: a delivery is claimed
// while the message before it is sent, and each of the two may wait its
// turn under the rate (up to connections ÷ rate) and take three timeouts
// (to connect, up to the final dot, and for the reply to it). A message
// whose claim would run out anyway is abandoned before the server keeps it
// (see Worker.Work), so a shorter lease never sends twice; it sends
// nothing.
func MinLease(cfg *SMTPConfig, connections int) time.Duration {
	var turn time.Duration
	if cfg.Rate > 0 {
		turn = time.Duration(float64(max(connections, 1)) / cfg.Rate * float64(time.Second))
	}
	return 2 * (turn + 3*cfg.Timeout)
}

// errClaimRunningOut abandons a message whose claim would run out before
// the server's reply to it could be recorded: another sender could take
// the delivery and send it again.
var errClaimRunningOut = errors.New("its claim was about to run out before the message was sent (see --lease); the batch is retried")

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

// Work sends the job's deliveries in order, over one connection. While a
// message is on the wire, a step beside it commits the outcome of the
// message before and claims and composes the one after, so the connection
// does not wait for the store. The message does wait, before the mail
// system is told to keep it, for that commit: so no more than one kept
// message per connection is ever unrecorded, as when the two took turns.
// The step starts as soon as the reply to the message before arrives; when
// the connection would wait anyway, for its turn under the rate or for a
// delivery to claim, the outcome is committed on its own before the claim,
// so that a crash finds it unrecorded for as short a time as can be.
// A temporary failure stops the batch, and River retries it later; what
// was sent is not sent again.
func (w *Worker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	var sender Sender
	select {
	case sender = <-w.senders:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { w.senders <- sender }()

	// Outcomes are recorded even when the job is being stopped: the
	// message has left, and forgetting it would send it twice.
	record := context.WithoutCancel(ctx)
	var (
		ready *prepared         // claimed and composed: the next to send
		done  *leakdesk.Outcome // sent or refused: to record in the next step
		wait  time.Duration     // until a delivery held elsewhere may be claimed
		retry error             // a temporary failure that ends the batch
		// claimed, then given up before they left: released at the end
		unsent []*leakdesk.Claim
	)
	ids := job.Args.Deliveries
	for ctx.Err() == nil && retry == nil && (len(ids) > 0 || ready != nil) {
		var next int64
		if len(ids) > 0 {
			next, ids = ids[0], ids[1:]
		}
		st := w.step(record, done, next, ready == nil || waitsForTurn(sender))
		done = nil
		if ready != nil {
			if done, retry = w.deliver(ctx, sender, ready, st); errors.Is(retry, errClaimRunningOut) {
				unsent = append(unsent, ready.claim)
			}
			ready = nil
		}
		<-st.finished
		if st.err != nil {
			// Nothing of the step was written. The message beside it was
			// abandoned before the mail system kept it, or refused: its
			// delivery, like the one whose outcome the step carried, is
			// tried again when its lease runs out.
			return fmt.Errorf("record and claim deliveries: %w", st.err)
		}
		switch c := st.claim; {
		case c == nil:
		case c.Wait > 0:
			wait = max(wait, c.Wait)
		case sendable(c):
			ready = &st.prepared
		}
	}
	if done != nil {
		if _, err := w.notices.Advance(record, done, 0, w.lease); err != nil {
			return fmt.Errorf("record delivery %d: %w", done.Claim.Delivery.ID, err)
		}
	}
	if ready != nil {
		unsent = append(unsent, ready.claim) // claimed while the batch was being stopped
	}
	for _, c := range unsent {
		if err := w.notices.Release(record, c); err != nil {
			return fmt.Errorf("release delivery %d: %w", c.Delivery.ID, err)
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

// sendable reports whether a claim is this sender's to send now: not held
// elsewhere, nor sent or given up before.
func sendable(c *leakdesk.Claim) bool {
	return c != nil && c.Wait == 0 && c.Delivery.State == leakdesk.DeliverySending
}

// prepared is a claimed delivery and its message, or why it has none.
type prepared struct {
	claim      *leakdesk.Claim
	msg        *Message
	composeErr error
}

// step is one transaction of a sender's bookkeeping, running beside the
// message on the wire.
type step struct {
	prepared
	err       error         // the transaction's, set before committed is closed
	committed chan struct{} // closed when the transaction has ended
	finished  chan struct{} // closed when the next message is composed too
}

// step records done and claims next (either may be missing), then
// composes next's message, in a goroutine of its own. With first, done is
// committed in a transaction of its own before next is claimed: a crash in
// between finds it recorded, at the cost of a commit. Both transactions
// end before committed is closed, so that the message beside the step is
// never kept by the mail system while an outcome may still be lost.
func (w *Worker) step(ctx context.Context, done *leakdesk.Outcome, next int64, first bool) *step {
	st := &step{committed: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		defer close(st.finished)
		if first && done != nil && next != 0 {
			_, st.err = w.notices.Advance(ctx, done, 0, w.lease)
			done = nil
		}
		if st.err == nil && (done != nil || next != 0) {
			st.claim, st.err = w.notices.Advance(ctx, done, next, w.lease)
		}
		close(st.committed)
		// Composing the next message takes a tenth of a millisecond, and it
		// is not needed before the current one is sent: connections whose
		// replies came in meanwhile go first. Go would not preempt the
		// composing for them, and on one core each reply would wait.
		runtime.Gosched()
		if st.err == nil && sendable(st.claim) {
			st.msg, st.composeErr = w.composer.Compose(ctx, st.claim)
		}
	}()
	return st
}

// deliver sends a claimed delivery and says what became of it, with an
// error when the rest of the batch is better retried later. Its message
// waits for st's commit before the mail system keeps it. If st failed, the
// message is abandoned and deliver returns neither outcome nor error; if
// the claim is running out, it is abandoned too, with errClaimRunningOut
// and no outcome: the delivery is to be released, not counted as tried.
func (w *Worker) deliver(ctx context.Context, sender Sender, p *prepared, st *step) (*leakdesk.Outcome, error) {
	claim := p.claim
	del := claim.Delivery
	log := w.log.With("incident", claim.Notice.IncidentID, "delivery", del.ID, "message_id", del.MessageID)
	outcome := func(state, detail string) *leakdesk.Outcome {
		return &leakdesk.Outcome{Claim: claim, State: state, Detail: detail}
	}
	if p.composeErr != nil {
		// Templates and facts are checked before a campaign starts; this is
		// a change made since, and retrying will not help.
		log.Error("notice cannot be composed", "error", p.composeErr)
		return outcome(leakdesk.DeliveryFailed, "cannot compose: "+leakdesk.ErrorMessage(p.composeErr)), nil
	}
	var abandoned error
	err := sender.Send(ctx, p.msg, func() error {
		<-st.committed
		switch {
		case st.err != nil:
			abandoned = st.err
		case time.Until(del.LeaseUntil) < w.lease/6:
			// By MinLease, a sixth of the lease is at least one timeout:
			// time for the reply to the final dot.
			abandoned = errClaimRunningOut
		}
		return abandoned
	})
	switch {
	case abandoned == errClaimRunningOut:
		log.Warn("notice not sent", "error", abandoned)
		return nil, abandoned
	case abandoned != nil:
		return nil, nil
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
