package http

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/internal/browsertest"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/sample"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/trace"
	"github.com/leakdesk/leakdesk/verdict"
)

// The Source page in a real Chromium, over a real SQLite store holding a
// ranking and a verdict on the leak drawn by the engines from a generated
// incident, and a fingerprint verdict: what it shows, that a viewer sees
// no leaked value in it, and its accessibility basics.
func TestConsoleSourceBrowser(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	desk := newConsoleDesk(t, dir, deskSize{contacts: 20, organisations: 4, notices: 1})
	lead := desk.serve(t, account("lea", leakdesk.RoleLead)).URL
	viewer := desk.serve(t, account("vic", leakdesk.RoleViewer)).URL
	page := "/console/incidents/" + desk.incident.PublicID() + "/source"

	// The store the console reads, opened again to record as the commands do.
	r, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "leakdesk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	incidents := store.NewIncidentService(db, r)

	s, err := sample.Generate(sample.Config{Seed: 61, LeakStyle: sample.LeakCSV, Organisations: 40})
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	if err := s.Write(data); err != nil {
		t.Fatal(err)
	}
	leak := match.Files(filepath.Join(data, s.LeakPath()))[0]
	exports, registry, history := filepath.Join(data, "exports"), filepath.Join(data, "registry", "contacts.csv"), filepath.Join(data, "registry", "history.csv")
	ranking, err := trace.NewService(nil, incidents, nil, time.Now).Rank(ctx, trace.RankRequest{Leak: leak, Candidates: []string{exports},
		Log: filepath.Join(exports, "export_log.csv"), Registry: registry, History: history, Read: dump.Options{Region: "FR"},
		Incident: desk.incident.ID, Actor: "local:lea"})
	if err != nil {
		t.Fatal(err)
	}
	report, err := verdict.Run(ctx, verdict.Request{Leak: leak, Registry: registry, History: history, Read: dump.Options{Region: "FR"}})
	if err != nil {
		t.Fatal(err)
	}
	accused := leakdesk.FingerprintTraced{Leak: "leak.csv", Verdict: "accused", Note: "partner (export FX-1) is accused",
		Accused: []leakdesk.AccusedRecipient{{Export: "FX-1", Recipient: "partner", Score: 40.2, Bound: 3.5e-12, Positions: 90, Decoys: 2}}}
	for kind, payload := range map[string]any{leakdesk.EventLeakVerified: report.Payload(), leakdesk.EventFingerprintTraced: accused} {
		if err := incidents.AppendEvent(ctx, leakdesk.NewEvent(desk.incident.ID, "local:lea", kind, time.Now(), payload)); err != nil {
			t.Fatal(err)
		}
	}

	// Decoy alarms: one naming the export the verdict accuses, one naming
	// an export no trace of this incident names, and one that proposed an
	// incident of its own.
	alarms := store.NewDecoyAlarmService(db)
	raise := func(key, export string) *leakdesk.DecoyAlarm {
		a := &leakdesk.DecoyAlarm{Key: key, Kind: leakdesk.AlarmByCall, Decoys: []string{"+33422991234"}, Evidence: strings.Repeat(key[len(key)-1:], 64),
			EvidenceSize: 40, At: time.Now(), Actor: "local:desk", Exports: []leakdesk.AlarmExport{{ID: export, Recipient: "partner of " + export, Score: 7.25}}}
		if _, err := alarms.RecordDecoyAlarm(ctx, a, func(context.Context, *sql.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		return a
	}
	traced, elsewhere, proposing := raise("decoy-a", "FX-1"), raise("decoy-b", "FX-77"), raise("decoy-c", "FX-5")
	proposed := &leakdesk.Incident{Title: "decoy called", AwareAt: proposing.At, Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
	if _, err := incidents.ProposeIncident(ctx, leakdesk.IncidentProposal{Key: proposing.Key, Evidence: proposing.EvidenceFile()}, proposed, "local:desk"); err != nil {
		t.Fatal(err)
	}

	top := ranking.Candidates[0]
	shows := []string{"Latest ranking", "Verdict: source", filepath.Base(top.File), top.Export.ID, top.Evidence[0],
		ranking.Dating.Note, "FX-1", "3.5e-12", "holds 2 decoys of export FX-1",
		"Latest verdict on " + report.Leak, "authentic", "current", "complete", "new or recycled", report.Authentic.Evidence[0],
		"whether it is new is unknown", "Decoys contacted", traced.Evidence, "FX-1 (given to partner of FX-1, score 7.25)", "none proposed"}
	leaked, err := os.ReadFile(leak.Path)
	if err != nil {
		t.Fatal(err)
	}
	addresses := regexp.MustCompile(`[\w.+-]+@[\w-]+(\.[\w-]+)+`).FindAllString(string(leaked), -1)
	if len(addresses) == 0 {
		t.Fatal("the generated leak holds no e-mail address: the check below proves nothing")
	}
	browser := browsertest.Start(t)
	for _, who := range []struct{ name, url string }{{"lead", lead}, {"viewer", viewer}} {
		t.Run(who.name, func(t *testing.T) {
			b := browser.For(t)
			b.Visit(who.url + page)
			b.ShowsText(shows...)
			// The unknown is marked as such, not left as a bare word.
			if n := b.Count(`td.unknown`); n == 0 {
				b.Failf("no finding is marked unknown")
			}
			// Neither the ranking nor the verdict holds a leaked value.
			text := b.Text()
			for _, v := range addresses {
				if strings.Contains(text, v) {
					b.Failf("the page shows the leaked address %s", v)
				}
			}
			if strings.Contains(text, elsewhere.Evidence) {
				b.Failf("the page lists alarm %s, which names no export of this incident's trace", elsewhere.Key)
			}
			b.CheckAccessibility()
		})
	}
	t.Run("proposed by an alarm", func(t *testing.T) {
		b := browser.For(t)
		b.Visit(lead + "/console/incidents/" + proposed.PublicID() + "/source")
		b.ShowsText("Decoys contacted", proposing.Evidence, "FX-5 (given to partner of FX-5", proposed.PublicID())
		if text := b.Text(); strings.Contains(text, traced.Evidence) || strings.Contains(text, elsewhere.Evidence) {
			b.Failf("the page of %s lists alarms that concern other incidents", proposed.PublicID())
		}
	})
}
