package notify

import (
	"context"

	"github.com/leakdesk/leakdesk"
)

// AnswerRequest answers a question an organisation asked through its
// portal, and says how the answer leaves when the asker chose who gets
// it: through SMTP, or into Outbox, as a campaign's messages do.
type AnswerRequest struct {
	Incident, Question int64
	Text, Actor        string
	SMTP, Outbox       string
	Dialer             Dialer // when set, the answer leaves through it instead
}

// Answer records the answer and, when the asker chose who gets it, mails
// it to them as the console does: queued in the transaction that records
// the answer, then sent once before Answer returns. Interrupted, the
// answer stays in the outbox's queue, and the next queue to run (serve's,
// or a campaign's) sends it.
func (c *Campaigns) Answer(ctx context.Context, req AnswerRequest) (*leakdesk.PortalQuestion, error) {
	if c.deps.Portal == nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this desk has no portal to answer through")
	}
	dialer, lease, err := dialerFor(SendRequest{SMTP: req.SMTP, Outbox: req.Outbox, Dialer: req.Dialer})
	if err != nil {
		return nil, err
	}
	if err := dialer.Check(ctx); err != nil {
		return nil, err
	}
	composer := c.composer()
	worker, err := NewWorker(ctx, c.deps.Notices, composer, dialer, 1, lease, c.deps.Logger)
	if err != nil {
		return nil, err
	}
	defer worker.Close()
	queue, err := c.newQueue(ctx, worker, 1, 1)
	if err != nil {
		return nil, err
	}
	mail := &leakdesk.AnswerMail{Domain: domainOf(composer.From.Address), Enqueue: queue.Enqueuer(req.Incident)}
	q, err := c.deps.Portal.AnswerQuestion(ctx, req.Incident, req.Question, req.Text, req.Actor, mail)
	if err != nil || q.AnswerNotice == 0 {
		return q, err
	}
	return q, c.drain(ctx, queue, q.AnswerNotice, nil)
}
