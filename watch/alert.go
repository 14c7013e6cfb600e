package watch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

// AlertConfig says where alerts go.
type AlertConfig struct {
	Mail    notify.Dialer // nil: no mail
	From    notify.From
	To      string
	Webhook string // URL a JSON alert is POSTed to; empty: none
	HTTP    *http.Client
}

// Alert is the JSON an alert carries, by webhook and in the mail's text.
// It proposes an incident: the awareness time is the alert's, for a person
// to confirm or correct, and the clock could have started at FileTime.
type Alert struct {
	File          int64     `json:"file"`
	Name          string    `json:"name"`
	SHA256        string    `json:"sha256"`
	Source        string    `json:"source"`
	URL           string    `json:"url,omitempty"`
	Rows          int64     `json:"rows"`
	Contacts      int       `json:"contacts"`
	ProposedAware time.Time `json:"proposed_aware_at"`
	CouldStart    time.Time `json:"could_have_started_at,omitzero"`
}

func newAlert(f *leakdesk.TriageFile) Alert {
	return Alert{File: f.ID, Name: f.Name, SHA256: f.SHA256, Source: f.Source, URL: f.URL, Rows: f.Rows,
		Contacts: f.Contacts, ProposedAware: f.AlertedAt, CouldStart: f.FileTime}
}

// AlertWorker sends an alert on one channel. River retries it until the
// channel takes it. As notify does, each attempt is claimed in the store
// before it leaves, and the outcome recorded the moment the channel's
// reply arrives, before anything else (closing the connection, River
// marking the job done), so a job worked again finds it sent. An alert
// can thus arrive twice only if leakdesk dies between that reply and
// that commit; the copy carries the same Message-ID or Idempotency-Key
// to deduplicate on, and the file's attempts count it.
type AlertWorker struct {
	river.WorkerDefaults[AlertArgs]

	triage leakdesk.TriageService
	cfg    AlertConfig
	log    *slog.Logger
}

// NewAlertWorker returns the worker that sends alerts as cfg says.
func NewAlertWorker(triage leakdesk.TriageService, cfg AlertConfig, log *slog.Logger) *AlertWorker {
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	return &AlertWorker{triage: triage, cfg: cfg, log: log}
}

// Channels lists the channels cfg configures.
func (cfg AlertConfig) Channels() []string {
	var out []string
	if cfg.Mail != nil && cfg.To != "" {
		out = append(out, ChannelMail)
	}
	if cfg.Webhook != "" {
		out = append(out, ChannelWebhook)
	}
	return out
}

// Work sends the alert.
func (w *AlertWorker) Work(ctx context.Context, job *river.Job[AlertArgs]) error {
	f, err := w.triage.FindTriage(ctx, job.Args.File)
	if err != nil {
		return err
	}
	sent := map[string]time.Time{ChannelMail: f.MailSentAt, ChannelWebhook: f.WebhookSentAt}[job.Args.Channel]
	if !sent.IsZero() {
		return nil // taken before the job could be marked done
	}
	attempt, err := w.triage.ClaimAlert(ctx, f.ID, job.Args.Channel)
	if err != nil {
		return err
	}
	if attempt > 1 {
		w.log.Warn("alert sent again: an earlier attempt ended without a recorded outcome", "file", f.ID, "channel", job.Args.Channel, "attempt", attempt)
	}
	a := newAlert(f)
	text := fmt.Sprintf("A file taken in from %s holds %d registry contacts in %d rows.\n"+
		"An incident is proposed with awareness at %s; confirm or correct it.\n",
		a.Source, a.Contacts, a.Rows, a.ProposedAware.Format(time.RFC3339))
	return w.send(ctx, job.Args.Channel, Notice{
		Key:     alertKey(f),
		Subject: fmt.Sprintf("leakdesk alert: %d registry contacts in %s", a.Contacts, a.Name),
		Text:    text,
		At:      a.ProposedAware,
	}, a, func() error {
		// Recorded even when the job is being stopped: the alert has left.
		return w.triage.AlertSent(context.WithoutCancel(ctx), f.ID, job.Args.Channel)
	})
}

// alertKey names the alert about f, the same on every attempt.
func alertKey(f *leakdesk.TriageFile) string {
	return fmt.Sprintf("alert-%s-%d", f.SHA256[:16], f.ID)
}

// alertFileID returns the file that alertKey named key, if it names one.
func alertFileID(key string) (int64, bool) {
	rest, ok := strings.CutPrefix(key, "alert-")
	i := strings.LastIndexByte(rest, '-')
	if !ok || i < 0 {
		return 0, false
	}
	id, err := strconv.ParseInt(rest[i+1:], 10, 64)
	return id, err == nil
}

// Notice is what an alert or alarm says, whatever its channel.
type Notice struct {
	Key     string // the same on every attempt, for receivers to deduplicate on
	Subject string
	Text    string // the mail's text, before the JSON payload
	At      time.Time
}

// send sends n, with payload as JSON, on channel, and calls taken as soon
// as the channel took it.
func (w *AlertWorker) send(ctx context.Context, channel string, n Notice, payload any, taken func() error) error {
	body, err := json.MarshalIndent(payload, "", "  ")
	if err != nil {
		return river.JobCancel(err)
	}
	switch channel {
	case ChannelMail:
		return w.mail(ctx, n, body, taken)
	case ChannelWebhook:
		return w.webhook(ctx, n, body, taken)
	}
	return river.JobCancel(fmt.Errorf("unknown alert channel %q", channel))
}

func (w *AlertWorker) mail(ctx context.Context, n Notice, body []byte, taken func() error) error {
	if w.cfg.Mail == nil {
		return river.JobCancel(fmt.Errorf("mail alerts are not configured"))
	}
	msg := &notify.Message{
		ID:       "<leakdesk-" + n.Key + "@leakdesk>",
		Key:      n.Key,
		From:     w.cfg.From,
		To:       w.cfg.To,
		Date:     n.At,
		Rendered: &notify.Rendered{Subject: n.Subject, Text: n.Text + "\n" + string(body) + "\n"},
	}
	sender, err := w.cfg.Mail.Dial(ctx)
	if err != nil {
		return fmt.Errorf("mail %s: %w", n.Key, err)
	}
	defer sender.Close()
	if err := sender.Send(ctx, msg, nil); err != nil {
		return fmt.Errorf("mail %s: %w", n.Key, err)
	}
	return taken()
}

func (w *AlertWorker) webhook(ctx context.Context, n Notice, body []byte, taken func() error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.Webhook, bytes.NewReader(body))
	if err != nil {
		return river.JobCancel(fmt.Errorf("webhook %s: %w", n.Key, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "leakdesk-"+n.Key)
	resp, err := w.cfg.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", n.Key, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook %s: %s", n.Key, resp.Status)
	}
	return taken()
}
