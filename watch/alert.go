package watch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
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
// channel takes it. A crash after the channel took it and before River
// recorded the job done sends it again: mail then carries the same
// Message-ID, and the webhook the same file ID, to deduplicate on.
type AlertWorker struct {
	river.WorkerDefaults[AlertArgs]

	triage leakdesk.TriageService
	cfg    AlertConfig
}

// NewAlertWorker returns the worker that sends alerts as cfg says.
func NewAlertWorker(triage leakdesk.TriageService, cfg AlertConfig) *AlertWorker {
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	return &AlertWorker{triage: triage, cfg: cfg}
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
	a := newAlert(f)
	switch job.Args.Channel {
	case ChannelMail:
		return w.mail(ctx, a)
	case ChannelWebhook:
		return w.webhook(ctx, a)
	}
	return river.JobCancel(fmt.Errorf("unknown alert channel %q", job.Args.Channel))
}

func (w *AlertWorker) mail(ctx context.Context, a Alert) error {
	if w.cfg.Mail == nil {
		return river.JobCancel(fmt.Errorf("mail alerts are not configured"))
	}
	body, _ := json.MarshalIndent(a, "", "  ")
	msg := &notify.Message{
		ID:   fmt.Sprintf("<leakdesk-alert-%s-%d@leakdesk>", a.SHA256[:16], a.File),
		Key:  fmt.Sprintf("alert-%d", a.File),
		From: w.cfg.From,
		To:   w.cfg.To,
		Date: a.ProposedAware,
		Rendered: &notify.Rendered{
			Subject: fmt.Sprintf("leakdesk alert: %d registry contacts in %s", a.Contacts, a.Name),
			Text: fmt.Sprintf("A file taken in from %s holds %d registry contacts in %d rows.\n"+
				"An incident is proposed with awareness at %s; confirm or correct it.\n\n%s\n",
				a.Source, a.Contacts, a.Rows, a.ProposedAware.Format(time.RFC3339), body),
		},
	}
	sender, err := w.cfg.Mail.Dial(ctx)
	if err != nil {
		return fmt.Errorf("mail alert for file %d: %w", a.File, err)
	}
	defer sender.Close()
	if err := sender.Send(ctx, msg, nil); err != nil {
		return fmt.Errorf("mail alert for file %d: %w", a.File, err)
	}
	return nil
}

func (w *AlertWorker) webhook(ctx context.Context, a Alert) error {
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.Webhook, bytes.NewReader(body))
	if err != nil {
		return river.JobCancel(fmt.Errorf("webhook alert: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", fmt.Sprintf("leakdesk-alert-%d", a.File))
	resp, err := w.cfg.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("webhook alert for file %d: %w", a.File, err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook alert for file %d: %s", a.File, resp.Status)
	}
	return nil
}
