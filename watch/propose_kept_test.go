package watch_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/watch"
)

// TestProposalMovesTheFileUnderTheIncidentsKey: the watch keeps each file
// and alarm message under a key of its own, and the proposal an alert or
// alarm opens moves it under the incident's key, the triage area's copy
// destroyed and recorded.
func TestProposalMovesTheFileUnderTheIncidentsKey(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		ctx := context.Background()
		dir := t.TempDir()
		registry := dir + "/registry.csv"
		writeFile(t, registry, csv("first_name,last_name,email,phone", people(1, 50)))
		triage := store.NewTriageService(d.DB)
		incidents := store.NewIncidentService(d.DB, d.Rules)
		kept, err := store.NewKeptFileService(d.DB, d.Vault)
		if err != nil {
			t.Fatal(err)
		}
		hook := newWebhookCounter(t)
		cfg := watch.Config{
			Proposals: watch.Proposals{Incidents: incidents, Template: leakdesk.Incident{Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}, Actor: "local:watcher", Kept: kept},
			Alarms:    store.NewDecoyAlarmService(d.DB),
			Triage:    watch.TriageConfig{Registry: registry, AlertMin: 10},
			Alerts:    watch.AlertConfig{Webhook: hook.URL},
		}
		desk, err := watch.NewDesk(ctx, d.DB.SQL(), d.DB.Dialect(), triage, d.Vault.Cases(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if err := desk.Queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { desk.Queue.Stop(context.Background()) })

		leak := csv("first,last,email,phone", people(1, 40))
		r, err := desk.Intake.Take(ctx, strings.NewReader(leak), "feed", "https://paste.example/leak.csv", leakdesk.LocalPrincipal("tester"))
		if err != nil {
			t.Fatal(err)
		}
		if !d.Vault.CaseHolds(r.File.SHA256) {
			t.Fatal("the file taken in is not under a key of its own")
		}
		message, err := d.Vault.Cases().Put(ctx, strings.NewReader("Subject: your data\r\n\r\nwe have your list\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		alarm := &leakdesk.DecoyAlarm{Key: "decoy-" + message.SHA256[:16], Kind: leakdesk.AlarmByMail, Decoys: []string{"j.doe@decoy.example"},
			Evidence: message.SHA256, EvidenceSize: message.Size, At: time.Now(), Actor: "local:watcher", Exports: []leakdesk.AlarmExport{}}
		if _, err := desk.RaiseAlarm(ctx, watch.Notice{Key: alarm.Key, Subject: "decoy contacted", Text: "x", At: alarm.At}, alarm); err != nil {
			t.Fatal(err)
		}

		var proposed []*leakdesk.Incident
		waitFor(t, func() bool {
			proposed, err = incidents.FindIncidents(ctx, leakdesk.IncidentFilter{Status: leakdesk.StatusProposed})
			if err != nil || len(proposed) < 2 {
				return false
			}
			f, err := triage.FindTriage(ctx, r.File.ID)
			return err == nil && f.Shredded != nil && !d.Vault.CaseHolds(message.SHA256)
		})
		for _, inc := range proposed {
			list, err := store.NewEvidenceService(d.DB, d.Vault).FindEvidence(ctx, inc.ID)
			if err != nil || len(list) != 1 {
				t.Fatalf("%s: evidence %v, %v", inc.PublicID(), list, err)
			}
			sum := list[0].SHA256
			if !d.Vault.IncidentHolds(inc.ID, sum) || d.Vault.CaseHolds(sum) {
				t.Errorf("%s: its file is not under its key alone", inc.PublicID())
			}
		}
		f, err := triage.FindTriage(ctx, r.File.ID)
		if err != nil || f.Shredded.Actor != "local:tester" || f.Contacts != 40 || !strings.Contains(f.Shredded.Reason, "moved into the evidence of") {
			t.Errorf("triage file after its proposal: %+v, shredded %+v, %v", f, f.Shredded, err)
		}
	})
}
