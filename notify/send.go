package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
)

// SendRequest is a notice to send to an incident's audience, and how.
type SendRequest struct {
	AudienceRequest
	Notice *leakdesk.Notice // its Campaign names the run: the same name joins it
	Actor  string

	// SMTP is the server's URL (see ParseSMTPURL); without it, messages are
	// written as .eml files to Outbox.
	SMTP        string
	Outbox      string
	Dialer      Dialer        // when set, messages leave through it instead
	Connections int           // messages sent at once
	Batch       int           // deliveries per queued job; 0 sizes jobs by campaign
	Lease       time.Duration // 0: DefaultLease, or what the SMTP settings need
	// InsecureLinks allows acknowledgement links on plain http:// to a host
	// other than this machine.
	InsecureLinks bool

	// Progress, if set, is called while the campaign runs with how many of
	// its deliveries are done.
	Progress func(done, total int)
}

// CampaignResult is how a campaign run ended: what "notify send" and
// "notify update" print.
type CampaignResult struct {
	Incident  string            `json:"incident"`
	Campaign  string            `json:"campaign"`
	Notice    int64             `json:"notice"`
	Kind      string            `json:"kind"`
	Joined    bool              `json:"joined"` // the campaign existed: this run resumed it
	Via       string            `json:"via"`
	States    leakdesk.Progress `json:"states"`
	Uncertain int               `json:"uncertain"` // resent after a sender died in flight
	Problems  []string          `json:"problems"`
	Seconds   float64           `json:"seconds"`
}

// Update sends a follow-up: to everyone notified, and the first notice then
// the update to anyone added since. Without a campaign name, the update is
// named by its content, so that the same request resumes the same update,
// and a different text is a new one.
func (c *Campaigns) Update(ctx context.Context, req SendRequest) (*CampaignResult, error) {
	if err := asUpdate(req.Notice); err != nil {
		return nil, err
	}
	return c.Send(ctx, req)
}

// asUpdate makes n an update, named by its content unless named.
func asUpdate(n *leakdesk.Notice) error {
	if strings.TrimSpace(n.Message) == "" {
		return leakdesk.Errorf(leakdesk.EINVALID, "an update needs its text")
	}
	n.Kind = leakdesk.NoticeUpdate
	if n.Campaign == "" {
		n.Campaign = "update-" + contentID(n.Template, n.Message, n.Translations)
	}
	return nil
}

// contentID digests a template name and texts, in a stable order.
func contentID(template, message string, translations map[string]string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s", template, message)
	for _, lang := range slices.Sorted(maps.Keys(translations)) {
		fmt.Fprintf(h, "\x00%s\x00%s", lang, translations[lang])
	}
	return hex.EncodeToString(h.Sum(nil))[:10]
}

// Send checks everything a notice needs, queues it (or joins the campaign
// of the same name), and sends until nothing is left in flight. Cancelling
// ctx stops the run, leaving nothing unrecorded: the same request resumes it.
func (c *Campaigns) Send(ctx context.Context, req SendRequest) (*CampaignResult, error) {
	if err := CheckLinkBase(c.deps.BaseURL, req.InsecureLinks); err != nil {
		return nil, err
	}
	dialer, lease, err := dialerFor(req)
	if err != nil {
		return nil, err
	}
	if err := c.prepare(ctx, req, dialer); err != nil {
		return nil, err
	}
	composer := c.composer()
	worker, err := NewWorker(ctx, c.deps.Notices, composer, dialer, req.Connections, lease, c.deps.Logger)
	if err != nil {
		return nil, err
	}
	defer worker.Close()
	queue, err := c.newQueue(ctx, worker, req.Connections, req.Batch)
	if err != nil {
		return nil, err
	}
	started := time.Now()
	res, err := c.queueNotice(ctx, req, composer, queue, dialer)
	if err != nil {
		return nil, err
	}
	if err := c.drain(ctx, queue, res.Notice, req.Progress); err != nil {
		return nil, err
	}
	res.Seconds = time.Since(started).Seconds()
	return res, c.outcome(ctx, req.Incident, res)
}

// drain works queue until the notice has nothing in flight, then stops it.
// The queue is stopped explicitly, which waits for running jobs to record
// their outcomes. Cancelling Start's context would stop it too, but
// without waiting: a message in flight would then be left unrecorded and
// sent again after its lease.
func (c *Campaigns) drain(ctx context.Context, queue *Queue, noticeID int64, progress func(done, total int)) error {
	if err := queue.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	waitErr := c.wait(ctx, noticeID, progress)
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	stop := queue.Stop
	if ctx.Err() != nil {
		stop = queue.StopAndCancel // interrupted: no new message, not even in this batch
	}
	if err := stop(stopCtx); err != nil && waitErr == nil {
		waitErr = err
	}
	return waitErr
}

// prepare checks everything a notice needs before anything is written:
// the audience as it would be, its template and facts in every language,
// and the server. Then it stores the audience.
func (c *Campaigns) prepare(ctx context.Context, req SendRequest, dialer Dialer) error {
	au, err := c.plannedAudience(ctx, req.AudienceRequest)
	if err != nil {
		return err
	}
	if err := c.check(ctx, req.Incident, req.Notice.Template, au.all); err != nil {
		return err
	}
	if err := dialer.Check(ctx); err != nil {
		return err
	}
	if err := c.keep(ctx, req.Incident, req.Actor, au); err != nil {
		return err
	}
	return c.ensurePortalLinks(ctx, req.Incident, req.Actor)
}

// ensurePortalLinks gives every organisation of the audience a live portal
// link before its notices are composed, issued in the name of whoever
// sends them.
func (c *Campaigns) ensurePortalLinks(ctx context.Context, incidentID int64, actor string) error {
	if c.deps.Portal == nil || c.deps.BaseURL == "" {
		return nil
	}
	_, err := c.deps.Portal.EnsurePortalLinks(ctx, incidentID, leakdesk.DefaultPortalLifetime, actor)
	return err
}

// newQueue opens the campaign queue, whose jobs worker sends.
func (c *Campaigns) newQueue(ctx context.Context, worker *Worker, connections, batch int) (*Queue, error) {
	return NewQueue(ctx, c.deps.DB, worker, QueueConfig{Dialect: c.deps.Dialect, Connections: connections, BatchSize: batch, Logger: c.deps.Logger,
		AfterBatch: syncOf(c.deps.Notices), Rescues: c.deps.Rescues})
}

// queueNotice creates the notice with its deliveries and their jobs, in
// one transaction, or joins the campaign of the same name and queues
// again what it left unfinished.
func (c *Campaigns) queueNotice(ctx context.Context, req SendRequest, composer *Composer, queue *Queue, dialer Dialer) (*CampaignResult, error) {
	id, notice := req.Incident, req.Notice
	notice.IncidentID, notice.Actor, notice.Domain = id, req.Actor, domainOf(composer.From.Address)
	notice, created, err := c.deps.Notices.CreateNotice(ctx, notice, queue.Enqueuer(id))
	if err != nil {
		return nil, err
	}
	res := &CampaignResult{Incident: leakdesk.FormatIncidentID(id), Campaign: notice.Campaign, Notice: notice.ID, Kind: notice.Kind, Joined: !created, Via: dialer.String()}
	if !created {
		// Joining: whatever a dead or stopped sender left is queued again.
		// Jobs still queued from before are harmless: a sent delivery is
		// never claimed twice.
		ids, err := c.deps.Notices.Unfinished(ctx, notice.ID)
		if err != nil {
			return nil, err
		}
		if err := queue.Enqueue(ctx, id, notice.ID, ids); err != nil {
			return nil, err
		}
		c.deps.Logger.Info("campaign joined", "incident", id, "campaign", notice.Campaign, "unfinished", len(ids))
	}
	return res, nil
}

// syncOf returns the notice store's durability barrier, if it has one.
func syncOf(notices leakdesk.NoticeService) func(context.Context) error {
	if s, ok := notices.(interface{ Sync(context.Context) error }); ok {
		return s.Sync
	}
	return nil
}

// outcome fills in what a finished campaign left: its deliveries by state,
// who is not reached, and what was sent twice.
func (c *Campaigns) outcome(ctx context.Context, id int64, res *CampaignResult) error {
	var err error
	if res.States, err = c.deps.Notices.Progress(ctx, res.Notice); err != nil {
		return err
	}
	coverage, err := c.deps.Notices.Coverage(ctx, id)
	if err != nil {
		return err
	}
	for _, e := range coverage {
		if e.State == leakdesk.CoverageBounced || e.State == leakdesk.CoverageFailed || e.State == leakdesk.CoverageNoAddress {
			res.Problems = append(res.Problems, fmt.Sprintf("%s %s <%s>: %s; %s", e.Recipient.Key, e.Recipient.Name, e.Recipient.Email, e.State, e.Next))
		}
	}
	res.Uncertain, err = c.deps.Notices.Resent(ctx, res.Notice)
	return err
}

// dialerFor is how req's messages leave: through its SMTP server, or into
// its outbox directory, with the lease that suits it.
func dialerFor(req SendRequest) (Dialer, time.Duration, error) {
	if req.Dialer != nil {
		return req.Dialer, req.Lease, nil
	}
	if req.SMTP == "" {
		if req.Outbox == "" {
			return nil, 0, leakdesk.Errorf(leakdesk.EINVALID, "no SMTP server and no outbox directory: messages have nowhere to go")
		}
		return &OutboxDialer{Dir: req.Outbox}, req.Lease, nil // the worker takes 0 as DefaultLease
	}
	cfg, err := ParseSMTPURL(req.SMTP)
	if err != nil {
		return nil, 0, err
	}
	least := MinLease(cfg, req.Connections)
	switch {
	case req.Lease == 0:
		return NewSMTPDialer(cfg), max(DefaultLease, least), nil
	case req.Lease < least:
		return nil, 0, leakdesk.Errorf(leakdesk.EINVALID, "--lease %s is shorter than two messages can take at these SMTP settings (%s: six timeouts, and two turns under the rate): a slow message must not be taken for dead", req.Lease, least)
	}
	return NewSMTPDialer(cfg), req.Lease, nil
}

func domainOf(address string) string {
	_, domain, _ := strings.Cut(address, "@")
	return domain
}

// wait returns once none of the notice's deliveries is queued or in
// flight, telling progress how far it is.
func (c *Campaigns) wait(ctx context.Context, noticeID int64, progress func(done, total int)) error {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	total := -1
	for {
		pending, err := c.deps.Notices.Pending(ctx, noticeID)
		if ctx.Err() != nil {
			return ctx.Err() // interrupted, perhaps in the middle of the query
		}
		if err != nil {
			return err
		}
		if total < 0 {
			total = pending
		}
		if progress != nil {
			progress(total-pending, total)
		}
		if pending == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
