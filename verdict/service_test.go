package verdict_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/verdict"
)

// TestServiceRecordsTheVerdictOnTheEvidence: the verdict on a piece of
// evidence, read through the vault with the read logged, is recorded on
// the timeline as the actor at the service's time; a verdict that cannot
// be drawn records nothing.
func TestServiceRecordsTheVerdictOnTheEvidence(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 5)
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		ctx := context.Background()
		incidents := store.NewIncidentService(d.DB, d.Rules)
		evidence := store.NewEvidenceService(d.DB, d.Vault)
		inc := &leakdesk.Incident{Title: "leak", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
		if err := incidents.CreateIncident(ctx, inc, "alice"); err != nil {
			t.Fatal(err)
		}
		leak, err := os.Open(filepath.Join(f.dir, f.s.LeakPath()))
		if err != nil {
			t.Fatal(err)
		}
		defer leak.Close()
		if err := evidence.AddEvidence(ctx, &leakdesk.Evidence{IncidentID: inc.ID, Filename: "leak.csv", Source: "forum", AddedBy: "alice"}, leak); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		svc := verdict.NewService(evidence, incidents, func() time.Time { return at })
		req := verdict.Request{Registry: filepath.Join(f.dir, "registry", "contacts.csv"), History: filepath.Join(f.dir, "registry", "history.csv")}

		rep, err := svc.VerifyEvidence(ctx, inc.ID, "", "bob", req)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows == 0 || rep.Authentic.Verdict != "authentic" {
			t.Fatalf("verdict on the evidence: %d rows, %s", rep.Rows, rep.Authentic.Verdict)
		}
		events, err := incidents.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var verified, reads int
		for _, ev := range events {
			switch ev.Kind {
			case leakdesk.EventLeakVerified:
				verified++
				var p leakdesk.LeakVerifiedPayload
				if err := json.Unmarshal(ev.Details, &p); err != nil {
					t.Fatal(err)
				}
				if ev.Actor != "bob" || !ev.OccurredAt.Equal(at) || p.Rows != rep.Rows || p.Leak != rep.Leak {
					t.Errorf("recorded %s at %s: %+v; drew %d rows of %s", ev.Actor, ev.OccurredAt, p, rep.Rows, rep.Leak)
				}
			case leakdesk.EventEvidenceRead:
				if ev.Actor == "bob" {
					reads++
				}
			}
		}
		if verified != 1 || reads == 0 {
			t.Fatalf("%d verdicts and %d reads by bob on the timeline, want 1 and some", verified, reads)
		}

		req.Registry = filepath.Join(f.dir, "none.csv")
		if _, err := svc.VerifyEvidence(ctx, inc.ID, "", "bob", req); err == nil {
			t.Fatal("a verdict against a missing registry was drawn")
		}
		if _, err := svc.VerifyEvidence(ctx, inc.ID, "99", "bob", req); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("missing evidence: %v, want ENOTFOUND", err)
		}
		after, err := incidents.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range after[len(events):] {
			if ev.Kind == leakdesk.EventLeakVerified {
				t.Fatalf("a failed verdict was recorded: %+v", ev)
			}
		}
	})
}
