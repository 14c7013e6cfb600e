package notify

import (
	"context"
	"errors"
	"time"

	"github.com/leakdesk/leakdesk"
)

// DispatchConfig says how a Dispatcher's messages leave, as the sending
// fields of SendRequest.
type DispatchConfig struct {
	SMTP          string
	Outbox        string
	Dialer        Dialer
	Connections   int
	Batch         int
	Lease         time.Duration
	InsecureLinks bool
}

// Dispatcher sends campaigns in the background for a server: one queue and
// one pool of connections for the server's whole life, started and stopped
// with it. Queueing a campaign is Send's first half, with the same checks
// and the same transaction; the queue then sends it, as Send's own would,
// so a campaign stopped with the server is resumed by the next one, or by
// "notify send" with the same name.
type Dispatcher struct {
	campaigns *Campaigns
	dialer    Dialer
	composer  *Composer
	worker    *Worker
	queue     *Queue
}

// NewDispatcher checks the sending settings and opens the queue; Start
// starts sending.
func (c *Campaigns) NewDispatcher(ctx context.Context, cfg DispatchConfig) (*Dispatcher, error) {
	if err := CheckLinkBase(c.deps.BaseURL, cfg.InsecureLinks); err != nil {
		return nil, err
	}
	dialer, lease, err := dialerFor(SendRequest{SMTP: cfg.SMTP, Outbox: cfg.Outbox, Dialer: cfg.Dialer, Connections: cfg.Connections, Lease: cfg.Lease})
	if err != nil {
		return nil, err
	}
	d := &Dispatcher{campaigns: c, dialer: dialer, composer: c.composer()}
	if d.worker, err = NewWorker(ctx, c.deps.Notices, d.composer, dialer, cfg.Connections, lease, c.deps.Logger); err != nil {
		return nil, err
	}
	if d.queue, err = c.newQueue(ctx, d.worker, cfg.Connections, cfg.Batch); err != nil {
		d.worker.Close()
		return nil, err
	}
	return d, nil
}

// Start starts sending what is queued, until Stop.
func (d *Dispatcher) Start(ctx context.Context) error {
	// Stop, not ctx, ends the queue: it waits for running jobs to record
	// their outcomes, so that no message in flight is left unrecorded.
	return d.queue.Start(context.WithoutCancel(ctx))
}

// Stop lets running jobs finish their batch, then closes the connections.
// What is still queued stays queued for the next start.
func (d *Dispatcher) Stop(ctx context.Context) error {
	return errors.Join(d.queue.Stop(ctx), d.worker.Close())
}

// Send checks and queues the notice of req, or joins its campaign, and
// returns at once: the result holds the deliveries' states as queued, and
// the coverage shows them move. An update is named by its content unless
// named, as Update names it.
func (d *Dispatcher) Send(ctx context.Context, req SendRequest) (*CampaignResult, error) {
	c := d.campaigns
	if req.Notice.Kind == leakdesk.NoticeUpdate {
		if err := asUpdate(req.Notice); err != nil {
			return nil, err
		}
	}
	if err := c.prepare(ctx, req, d.dialer); err != nil {
		return nil, err
	}
	// The incident's facts may have changed since the composer read them.
	d.composer.forget(req.Incident)
	res, err := c.queueNotice(ctx, req, d.composer, d.queue, d.dialer)
	if err != nil {
		return nil, err
	}
	if res.States, err = c.deps.Notices.Progress(ctx, res.Notice); err != nil {
		return nil, err
	}
	return res, nil
}

// AnswerMail is how this dispatcher mails an answer to a question asked
// through the portal of the incident: queued in the transaction that
// records the answer, then sent once by its outbox, as notices are.
func (d *Dispatcher) AnswerMail(incidentID int64) *leakdesk.AnswerMail {
	return &leakdesk.AnswerMail{Domain: domainOf(d.composer.From.Address), Enqueue: d.queue.Enqueuer(incidentID)}
}
