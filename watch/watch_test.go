package watch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/notify/notifytest"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/watch"
)

// people makes CSV rows of synthetic people numbered from first.
func people(first, n int) []string {
	rows := make([]string, n)
	for i := range rows {
		id := first + i
		rows[i] = fmt.Sprintf("Person%d,Family%d,person%d@example.org,+33 6 %02d %02d %02d %02d", id, id, id, id/1000000%100, id/10000%100, id/100%100, id%100)
	}
	return rows
}

func csv(header string, rows []string) string { return header + "\n" + strings.Join(rows, "\n") + "\n" }

// WebhookCounter is an httptest server that counts alerts by file.
type webhookCounter struct {
	*httptest.Server
	mu    sync.Mutex
	calls map[int64]int
}

func newWebhookCounter(t *testing.T) *webhookCounter {
	w := &webhookCounter{calls: map[int64]int{}}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var a watch.Alert
		if err := json.NewDecoder(r.Body).Decode(&a); err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		w.mu.Lock()
		w.calls[a.File]++
		w.mu.Unlock()
	}))
	t.Cleanup(w.Close)
	return w
}

func (w *webhookCounter) total() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, c := range w.calls {
		n += c
	}
	return n
}

func TestTriageAlertsOnceAndRecognisesRepostsAndRecycling(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		ctx := context.Background()
		mp := notifytest.Start(t)
		hook := newWebhookCounter(t)
		dir := t.TempDir()
		registry := dir + "/registry.csv"
		writeFile(t, registry, csv("first_name,last_name,email,phone", people(1, 400)))
		smtp, err := notify.ParseSMTPURL("smtp://" + mp.SMTP)
		if err != nil {
			t.Fatal(err)
		}
		triage := store.NewTriageService(d.DB)
		incidents := store.NewIncidentService(d.DB, d.Rules)
		cfg := watch.Config{
			Proposals: watch.Proposals{Incidents: incidents, Template: leakdesk.Incident{Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}, Actor: "local:watcher"},
			Alarms:    store.NewDecoyAlarmService(d.DB),
			Triage:    watch.TriageConfig{Registry: registry, AlertMin: 10},
			Alerts:    watch.AlertConfig{Mail: notify.NewSMTPDialer(smtp), From: notify.From{Name: "leakdesk", Address: "desk@example.org"}, To: "dpo@example.org", Webhook: hook.URL},
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		desk, err := watch.NewDesk(ctx, d.DB.SQL(), d.DB.Dialect(), triage, d.Vault, cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		if err := desk.Queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { desk.Queue.Stop(context.Background()) })

		leak := people(1, 300) // 300 registry contacts
		rng := rand.New(rand.NewPCG(3, 4))
		var recut []string
		for _, i := range rng.Perm(len(leak)) {
			if rng.IntN(5) > 0 {
				f := strings.Split(leak[i], ",")
				recut = append(recut, strings.Join([]string{f[3], f[2], f[0]}, ";"))
			}
		}
		p := leakdesk.LocalPrincipal("tester")
		take := func(content, url string) *watch.Received {
			t.Helper()
			r, err := desk.Intake.Take(ctx, strings.NewReader(content), "feed", url, p)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		first := take(csv("first,last,email,phone", leak), "https://paste.example/leak.csv")
		if first.Seen {
			t.Fatal("a new file is reported as seen")
		}
		waitDone(t, triage, first.File.ID)
		again := take(csv("first,last,email,phone", leak), "https://mirror.example/same.csv")
		if !again.Seen || again.File.ID != first.File.ID || !strings.Contains(again.String(), "seen on") {
			t.Errorf("a file posted again is not recognised: %s", again)
		}
		recycled := waitDone(t, triage, take(csv("tel;mail;name", recut), "https://forum.example/fresh.csv").File.ID)
		stranger := waitDone(t, triage, take(csv("first,last,email,phone", people(900000, 200)), "https://paste.example/other.csv").File.ID)

		if recycled.RecycledOf != first.File.ID || recycled.RecycledShare < 0.9 || !recycled.AlertedAt.IsZero() {
			t.Errorf("re-cut leak: recycled of %d (%.2f), alerted %v; want recycled of %d, no alert", recycled.RecycledOf, recycled.RecycledShare, recycled.AlertedAt, first.File.ID)
		}
		if stranger.Contacts != 0 || !stranger.AlertedAt.IsZero() || stranger.RecycledOf != 0 {
			t.Errorf("file of strangers: %d contacts, alerted %v, recycled of %d", stranger.Contacts, stranger.AlertedAt, stranger.RecycledOf)
		}
		done, err := triage.FindTriage(ctx, first.File.ID)
		if err != nil {
			t.Fatal(err)
		}
		if done.Contacts != 300 || done.AlertedAt.IsZero() {
			t.Errorf("first leak: %d contacts, alerted at %v; want 300 and an alert", done.Contacts, done.AlertedAt)
		}
		waitFor(t, func() bool { return len(mp.Messages()) >= 1 && hook.total() >= 1 })
		time.Sleep(500 * time.Millisecond) // a second alert would have come by now
		if n, h := len(mp.Messages()), hook.total(); n != 1 || h != 1 {
			t.Errorf("%d mails and %d webhook calls, want one of each", n, h)
		}
		if done, _ = triage.FindTriage(ctx, first.File.ID); done.MailAttempts != 1 || done.WebhookAttempts != 1 || done.MailSentAt.IsZero() || done.WebhookSentAt.IsZero() {
			t.Errorf("alert claims: %d by mail, %d by webhook, sent at %v and %v; want one each, recorded", done.MailAttempts, done.WebhookAttempts, done.MailSentAt, done.WebhookSentAt)
		}

		// The alert proposed one incident, aware at the alert's time; a
		// decoy alarm proposes another, raised twice as a mail delivered
		// again would be: it is recorded, sent and proposed once.
		message, err := d.Vault.Put(ctx, strings.NewReader("Subject: your data\r\n\r\nwe have your list\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			alarm := &leakdesk.DecoyAlarm{Key: "decoy-" + message.SHA256[:16], Kind: leakdesk.AlarmByMail, Decoys: []string{"j.doe@decoy.example"},
				Evidence: message.SHA256, EvidenceSize: message.Size, At: done.AlertedAt.Add(time.Duration(i+1) * time.Second), Actor: "local:watcher",
				Exports: []leakdesk.AlarmExport{{ID: "FX-1", Recipient: "team-1", Score: 12}}}
			created, err := desk.RaiseAlarm(ctx, watch.Notice{Key: alarm.Key, Subject: "decoy contacted", Text: "x", At: alarm.At}, alarm)
			if err != nil || created != (i == 0) || !alarm.At.Equal(done.AlertedAt.Add(time.Second).UTC()) {
				t.Fatalf("alarm raised %d times: created %v, at %v (%v)", i+1, created, alarm.At, err)
			}
		}
		var proposed []*leakdesk.Incident
		waitFor(t, func() bool {
			proposed, err = incidents.FindIncidents(ctx, leakdesk.IncidentFilter{Status: leakdesk.StatusProposed})
			return err == nil && len(proposed) >= 2 && len(mp.Messages()) >= 2 && hook.total() >= 2
		})
		time.Sleep(300 * time.Millisecond) // a second proposal or alarm would have come by now
		if n, h := len(mp.Messages()), hook.total(); n != 2 || h != 2 {
			t.Errorf("after the alarm, %d mails and %d webhook calls, want two of each", n, h)
		}
		proposed, _ = incidents.FindIncidents(ctx, leakdesk.IncidentFilter{})
		if len(proposed) != 2 {
			t.Fatalf("%d incidents proposed, want one for the alert and one for the alarm", len(proposed))
		}
		alertIncident, alarmIncident := proposed[1], proposed[0] // newest first
		if !alertIncident.AwareAt.Equal(done.AlertedAt) || !strings.Contains(alertIncident.Title, "300 registry contacts") || alertIncident.Status != leakdesk.StatusProposed {
			t.Errorf("proposed incident %q, %s, aware at %v; want the alert's, aware at %v", alertIncident.Title, alertIncident.Status, alertIncident.AwareAt, done.AlertedAt)
		}

		// Each proposed incident holds the file it rests on as evidence,
		// the same content read through the incident, the read logged.
		evidence := store.NewEvidenceService(d.DB, d.Vault)
		for _, tc := range []struct {
			incident *leakdesk.Incident
			sha256   string
			content  string
		}{{alertIncident, done.SHA256, csv("first,last,email,phone", leak)}, {alarmIncident, message.SHA256, "Subject: your data\r\n\r\nwe have your list\r\n"}} {
			if held, err := evidence.FindEvidence(ctx, tc.incident.ID); err != nil || len(held) != 1 {
				t.Fatalf("%s holds %d pieces of evidence (%v), want the alert's file", tc.incident.PublicID(), len(held), err)
			}
			e, rc, err := evidence.OpenEvidence(ctx, tc.incident.ID, tc.sha256[:12], "local:analyst", "read the alert's file")
			if err != nil {
				t.Fatalf("%s: %v", tc.incident.PublicID(), err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || e.SHA256 != tc.sha256 || string(got) != tc.content {
				t.Errorf("%s holds evidence %s (%d bytes, %v), want %s", tc.incident.PublicID(), e.SHA256, len(got), err, tc.sha256)
			}
			events, err := incidents.FindEvents(ctx, tc.incident.ID)
			if err != nil {
				t.Fatal(err)
			}
			if last := events[len(events)-1]; last.Kind != leakdesk.EventEvidenceRead || last.Actor != "local:analyst" {
				t.Errorf("%s: reading the evidence logged %s by %s", tc.incident.PublicID(), last.Kind, last.Actor)
			}
		}

		// The alarm is on record once, tied to its incident, and on its
		// timeline without the decoy's value.
		alarms, err := store.NewDecoyAlarmService(d.DB).FindDecoyAlarms(ctx, leakdesk.DecoyAlarmFilter{Incident: alarmIncident.ID})
		if err != nil || len(alarms) != 1 || alarms[0].Incident != alarmIncident.ID || alarms[0].Evidence != message.SHA256 || alarms[0].Exports[0].ID != "FX-1" {
			t.Fatalf("alarms of %s: %+v (%v), want the one raised", alarmIncident.PublicID(), alarms, err)
		}
		events, err := incidents.FindEvents(ctx, alarmIncident.ID)
		if err != nil {
			t.Fatal(err)
		}
		raised := 0
		for _, ev := range events {
			if ev.Kind == leakdesk.EventDecoyAlarm {
				raised++
				p, err := leakdesk.DecodePayload(ev)
				if a, ok := p.(*leakdesk.DecoyAlarmPayload); err != nil || !ok || a.Alarm != alarms[0].Key || a.Evidence != message.SHA256 || strings.Contains(string(ev.Details), "j.doe") {
					t.Errorf("alarm event %s (%v)", ev.Details, err)
				}
			}
		}
		if raised != 1 {
			t.Errorf("%d alarm events on %s, want 1", raised, alarmIncident.PublicID())
		}
	})
}

func waitDone(t *testing.T, triage leakdesk.TriageService, id int64) *leakdesk.TriageFile {
	t.Helper()
	var f *leakdesk.TriageFile
	waitFor(t, func() bool {
		var err error
		f, err = triage.FindTriage(context.Background(), id)
		return err == nil && f.State != leakdesk.TriageQueued
	})
	return f
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("timed out")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
