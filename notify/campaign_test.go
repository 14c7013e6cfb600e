package notify_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/mail"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/notify/notifytest"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/store/storetest"
)

// desk is an incident store with everything a campaign needs, on SQLite
// or PostgreSQL.
type desk struct {
	t         *testing.T
	db        *store.DB
	incidents *store.IncidentService
	notices   *store.NoticeService
	tokens    *notify.Tokens
	incident  *leakdesk.Incident
}

func eachDesk(t *testing.T, fn func(t *testing.T, d *desk)) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			dsn := filepath.Join(t.TempDir(), "leakdesk.db")
			if backend == "postgres" {
				dsn = storetest.PostgresURL(t)
			}
			db, err := store.Open(context.Background(), dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			tokens, _ := notify.NewTokens(bytes.Repeat([]byte{1}, 32))
			d := &desk{t: t, db: db, incidents: store.NewIncidentService(db, testRules(t)), notices: store.NewNoticeService(db), tokens: tokens}
			d.incident = &leakdesk.Incident{Title: "campaign", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}, Country: "FR", TimeZone: "Europe/Paris"}
			if err := d.incidents.CreateIncident(context.Background(), d.incident, "alice"); err != nil {
				t.Fatal(err)
			}
			for key, value := range map[string]string{"circumstances": "A contact list was posted on a forum.", "circumstances.fr": "Une liste de contacts a été publiée.",
				"consequences": "Phishing.", "measures": "Access closed.", "dpo": "dpo@acme.example"} {
				ev := leakdesk.NewEvent(d.incident.ID, "alice", leakdesk.EventFact, time.Now(), map[string]string{"key": key, "value": value})
				if err := d.incidents.AppendEvent(context.Background(), ev); err != nil {
					t.Fatal(err)
				}
			}
			fn(t, d)
		})
	}
}

// audience adds n recipients whose addresses are prefix-N@customer.example.
func (d *desk) audience(prefix string, n int) {
	d.t.Helper()
	var rs []*leakdesk.Recipient
	for i := range n {
		lang := "en"
		if i%2 == 0 {
			lang = "fr"
		}
		key := fmt.Sprintf("%s-%d", prefix, i)
		rs = append(rs, &leakdesk.Recipient{Key: key, Kind: leakdesk.RecipientAffected, ContactID: key, Name: "Person " + key,
			Organisation: "Customer SA", Email: key + "@customer.example", Language: lang, Fields: []string{"email", "phone"}, Rows: []int64{int64(i + 1)}})
	}
	if _, err := d.notices.AddRecipients(context.Background(), d.incident.ID, "alice", rs); err != nil {
		d.t.Fatal(err)
	}
}

// worker makes a worker over the builtin templates, with a quiet log.
func (d *desk) worker(dialer notify.Dialer, connections int, lease time.Duration) *notify.Worker {
	d.t.Helper()
	tmpl, err := notify.LoadTemplates("")
	if err != nil {
		d.t.Fatal(err)
	}
	composer := &notify.Composer{Templates: tmpl, From: notify.From{Name: "Acme", Address: "dpo@acme.example"}, Tokens: d.tokens,
		BaseURL: "https://desk.acme.example", Incidents: d.incidents, Notices: d.notices}
	worker, err := notify.NewWorker(context.Background(), d.notices, composer, dialer, connections, lease, quietLog())
	if err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(func() { worker.Close() })
	return worker
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// deps are what the campaign service needs of the desk, with the builtin
// templates and a quiet log.
func (d *desk) deps() notify.Deps {
	d.t.Helper()
	tmpl, err := notify.LoadTemplates("")
	if err != nil {
		d.t.Fatal(err)
	}
	return notify.Deps{Incidents: d.incidents, Notices: d.notices, Findings: store.NewFindingsService(d.db),
		DB: d.db.SQL(), Dialect: d.db.Dialect(), Templates: tmpl, From: notify.From{Name: "Acme", Address: "dpo@acme.example"},
		Tokens: d.tokens, BaseURL: "https://desk.acme.example", Logger: quietLog()}
}

func (d *desk) campaigns() *notify.Campaigns { return notify.NewCampaigns(d.deps()) }

// send runs a campaign to its end through the campaign service.
func (d *desk) send(dialer notify.Dialer, n *leakdesk.Notice, connections int, timeout time.Duration) *notify.CampaignResult {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	res, err := d.campaigns().Send(ctx, notify.SendRequest{AudienceRequest: notify.AudienceRequest{Incident: d.incident.ID}, Notice: n, Actor: "alice",
		Dialer: dialer, Connections: connections, Batch: 10, Lease: 10 * time.Second})
	if err != nil {
		d.t.Fatalf("campaign %q: %v", n.Campaign, err)
	}
	return res
}

// sentMessageIDs reads, from the timeline, the Message-ID of every delivery
// recorded as sent, by recipient key and notice.
func (d *desk) sentMessageIDs() map[string]string {
	d.t.Helper()
	events, err := d.incidents.FindEvents(context.Background(), d.incident.ID)
	if err != nil {
		d.t.Fatal(err)
	}
	out := map[string]string{}
	for _, ev := range events {
		if ev.Kind != leakdesk.EventDeliveryChanged {
			continue
		}
		var raw struct {
			Change    string `json:"change"`
			MessageID string `json:"message_id"`
			Recipient string `json:"recipient"`
			Notice    int64  `json:"notice"`
		}
		if err := json.Unmarshal(ev.Details, &raw); err != nil {
			d.t.Fatal(err)
		}
		if raw.Change == leakdesk.DeliverySent {
			out[fmt.Sprintf("%s/%d", raw.Recipient, raw.Notice)] = strings.Trim(raw.MessageID, "<>")
		}
	}
	return out
}

// arrivals counts what mailpit holds by Message-ID.
func arrivals(mp *notifytest.Mailpit) map[string]int {
	out := map[string]int{}
	for _, m := range mp.Messages() {
		out[m.MessageID]++
	}
	return out
}

func TestCampaignReachesEveryoneOnce(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		mp := notifytest.Start(t)
		cfg, err := notify.ParseSMTPURL("smtp://" + mp.SMTP + "?tls=none&timeout=3s")
		if err != nil {
			t.Fatal(err)
		}
		dialer := notify.NewSMTPDialer(cfg)
		d.audience("c", 40)
		first := d.send(dialer, &leakdesk.Notice{Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first"}, 3, time.Minute)

		sent := d.sentMessageIDs()
		got := arrivals(mp)
		if len(sent) != 40 || len(got) != 40 {
			t.Fatalf("%d deliveries recorded sent, %d distinct messages arrived; want 40 and 40", len(sent), len(got))
		}
		for key, id := range sent {
			if got[id] != 1 {
				t.Errorf("%s: message %s arrived %d times", key, id, got[id])
			}
		}

		// One message, read as its recipient's mail program would.
		var sample notifytest.Message
		for _, m := range mp.Messages() {
			if m.To[0].Address == "c-2@customer.example" {
				sample = m
			}
		}
		msg, err := mail.ReadMessage(bytes.NewReader(mp.Raw(sample.ID)))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if msg.Header.Get("Content-Language") != "fr" || msg.Header.Get("X-Leakdesk-Incident") != d.incident.PublicID() ||
			!strings.HasPrefix(msg.Header.Get("Content-Type"), "multipart/alternative") || !strings.Contains(subject, "Vos données") {
			t.Fatalf("headers: %v; subject %q", msg.Header, subject)
		}
		body, _ := io.ReadAll(msg.Body)
		token := regexp.MustCompile(`https://desk\.acme\.example/ack/([A-Za-z0-9_.=\-]+)`).FindSubmatch(decodeQP(body))
		if token == nil {
			t.Fatalf("no acknowledgement link in the message")
		}
		ack, err := d.tokens.Check(string(token[1]))
		if err != nil || ack.Incident != d.incident.ID || ack.Notice != first.Notice {
			t.Fatalf("acknowledgement token: %+v, %v", ack, err)
		}

		// An update reaches everyone once more; restarting a finished
		// campaign sends nothing.
		d.send(dialer, &leakdesk.Notice{Campaign: "u1", Kind: leakdesk.NoticeUpdate, Template: "update", Message: "The source is found."}, 3, time.Minute)
		d.send(dialer, &leakdesk.Notice{Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first"}, 3, time.Minute)
		if n := len(mp.Messages()); n != 80 {
			t.Fatalf("mailpit holds %d messages after an update and a rerun; want 80", n)
		}
		if rep, err := d.incidents.VerifyTimeline(context.Background(), d.incident.ID); err != nil || !rep.OK {
			t.Fatalf("timeline: %+v, %v", rep, err)
		}
	})
}

// TestCampaignSurvivesRefusalsAndDroppedConnections: the server refuses
// some addresses for good, and dies mid-campaign. The campaign retries,
// completes, reports the refused, and sends nobody a second notice.
func TestCampaignSurvivesRefusalsAndDroppedConnections(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		mp := notifytest.Start(t, "--smtp-allowed-recipients", "^ok-")
		cfg, err := notify.ParseSMTPURL("smtp://" + mp.SMTP + "?tls=none&timeout=2s&rate=150")
		if err != nil {
			t.Fatal(err)
		}
		d.audience("ok", 110)
		d.audience("refused", 10)
		// Kill the server once a third of the notices arrived, and bring it
		// back a moment later.
		killed := make(chan struct{})
		go func() {
			defer close(killed)
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if len(mp.Messages()) >= 35 {
					mp.Kill()
					time.Sleep(1500 * time.Millisecond)
					mp.Restart()
					return
				}
			}
		}()
		d.send(notify.NewSMTPDialer(cfg), &leakdesk.Notice{Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first"}, 4, 2*time.Minute)
		<-killed

		got := arrivals(mp)
		sent := d.sentMessageIDs()
		extra := 0
		for i := range 110 {
			id := sent[fmt.Sprintf("ok-%d/1", i)]
			if id == "" || got[id] == 0 {
				t.Errorf("ok-%d was not delivered (message %q)", i, id)
			}
			extra += max(got[id]-1, 0)
		}
		// A message the server stored just before it died, without saying
		// so, is sent again under the same Message-ID: at most one per
		// connection, and mail programs show it once.
		if extra > 4 {
			t.Errorf("%d copies beyond the first; at most one per connection is possible", extra)
		}
		if len(got) != 110 {
			t.Errorf("%d distinct messages arrived, want 110", len(got))
		}
		cov, err := d.notices.Coverage(context.Background(), d.incident.ID)
		if err != nil {
			t.Fatal(err)
		}
		bounced := 0
		for _, e := range cov {
			if strings.HasPrefix(e.Recipient.Key, "refused") {
				if e.State != leakdesk.CoverageBounced || !strings.Contains(e.LastError, "5") {
					t.Errorf("%s: %s (%s), want bounced with the server's reply", e.Recipient.Key, e.State, e.LastError)
				}
				bounced++
			} else if e.State != leakdesk.CoverageSent {
				t.Errorf("%s: %s, want sent", e.Recipient.Key, e.State)
			}
		}
		if bounced != 10 {
			t.Errorf("%d refused recipients reported, want 10", bounced)
		}
		// The kill must have landed mid-campaign, or this test proves nothing.
		events, err := d.incidents.FindEvents(context.Background(), d.incident.ID)
		if err != nil {
			t.Fatal(err)
		}
		retries := 0
		for _, ev := range events {
			if ev.Kind == leakdesk.EventDeliveryChanged && strings.Contains(string(ev.Details), `"change":"retry"`) {
				retries++
			}
		}
		if retries == 0 {
			t.Errorf("no delivery was retried: the server died after the campaign, not during it")
		}
		t.Logf("retried deliveries: %d; copies beyond the first after the server died: %d", retries, extra)
	})
}

// TestMessageWhoseClaimRunsOutIsNotKept: a delivery is claimed while the
// message before it is sent, and here its claim runs out while it waits
// its turn under the rate. Its message is abandoned before the server
// keeps it, the delivery goes back to the queue without counting an
// attempt, and the batch is to be retried.
func TestMessageWhoseClaimRunsOutIsNotKept(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		ctx := context.Background()
		mp := notifytest.Start(t)
		// A message every 400 ms, over one connection, and claims of 300 ms.
		cfg, err := notify.ParseSMTPURL("smtp://" + mp.SMTP + "?tls=none&timeout=3s&rate=2.5")
		if err != nil {
			t.Fatal(err)
		}
		worker := d.worker(notify.NewSMTPDialer(cfg), 1, 300*time.Millisecond)
		d.audience("c", 3)
		var ids []int64
		enqueue := func(ctx context.Context, tx *sql.Tx, noticeID int64, deliveries []int64) error {
			ids = append(ids, deliveries...)
			return nil
		}
		n, _, err := d.notices.CreateNotice(ctx, &leakdesk.Notice{IncidentID: d.incident.ID, Campaign: "first", Kind: leakdesk.NoticeFirst,
			Template: "first", Actor: "alice", Domain: "acme.example"}, enqueue)
		if err != nil {
			t.Fatal(err)
		}
		job := &river.Job[notify.DeliverArgs]{JobRow: &rivertype.JobRow{}, Args: notify.DeliverArgs{Incident: d.incident.ID, Notice: n.ID, Deliveries: ids}}
		if err := worker.Work(ctx, job); err == nil || !strings.Contains(err.Error(), "claim was about to run out") {
			t.Fatalf("work = %v, want the batch stopped for a claim running out", err)
		}
		time.Sleep(300 * time.Millisecond) // what mailpit accepted, it has stored by now
		if got := len(mp.Messages()); got != 1 {
			t.Fatalf("mailpit holds %d messages, want only the first", got)
		}
		progress, err := d.notices.Progress(ctx, n.ID)
		if err != nil || progress[leakdesk.DeliverySent] != 1 || progress[leakdesk.DeliveryQueued] != 2 {
			t.Fatalf("progress = %v, %v; want 1 sent and 2 queued again", progress, err)
		}
		again, err := d.notices.Advance(ctx, nil, ids[1], time.Minute)
		if err != nil || again.Resent || again.Delivery.Attempts != 1 {
			t.Fatalf("claim of the abandoned delivery = %+v, %v; want a first attempt", again.Delivery, err)
		}
	})
}

// decodeQP undoes quoted-printable soft line breaks and =3D, enough to
// find a link in a message body.
func decodeQP(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("=\r\n"), nil)
	b = bytes.ReplaceAll(b, []byte("=\n"), nil)
	return bytes.ReplaceAll(b, []byte("=3D"), []byte("="))
}

// testRules are the embedded regimes, whose clocks the incident service
// checks filings and closings against.
func testRules(t testing.TB) *rules.Rules {
	t.Helper()
	r, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	return r
}
