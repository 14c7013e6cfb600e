package proof

import (
	"context"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/store"
)

// TestCheckpointerSignsWhenDue: a long run signs a timeline at a filing,
// every Every events, after MaxWait, and at its end; not before.
func TestCheckpointerSignsWhenDue(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		ctx := context.Background()
		incidents := store.NewIncidentService(d.DB, d.Rules)
		checkpoints := store.NewCheckpointService(d.DB)
		inc := &leakdesk.Incident{Title: "a paste", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
		if err := incidents.CreateIncident(ctx, inc, "alice"); err != nil {
			t.Fatal(err)
		}
		_, key, err := ed25519.GenerateKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		clock := inc.AwareAt.Add(time.Hour)
		svc := NewService(incidents, checkpoints, key, Options{Now: func() time.Time { return clock }})
		c := NewCheckpointer(svc, checkpoints.FindUnsignedTails)
		c.Every, c.MaxWait = 4, 10*time.Minute

		note := func() {
			t.Helper()
			if err := incidents.AppendEvent(ctx, &leakdesk.Event{IncidentID: inc.ID, Actor: "alice", Kind: leakdesk.EventNote,
				Details: []byte(`{"text":"a call"}`), OccurredAt: clock}); err != nil {
				t.Fatal(err)
			}
		}
		signedAt := func(want int64, when string) {
			t.Helper()
			cps, err := checkpoints.FindCheckpoints(ctx, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got int64
			if len(cps) > 0 {
				got = cps[len(cps)-1].Size
			}
			if got != want {
				t.Fatalf("%s: the latest checkpoint covers %d events, want %d", when, got, want)
			}
		}
		events := func() int64 {
			t.Helper()
			evs, err := incidents.FindEvents(ctx, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			return int64(len(evs))
		}

		if _, err := svc.Checkpoint(ctx, inc.ID); err != nil {
			t.Fatal(err)
		}
		start := events()
		for range 3 {
			note()
		}
		c.pass(ctx, false)
		signedAt(start, "three events")
		note()
		c.pass(ctx, false)
		signedAt(start+4, "four events")

		if err := incidents.RecordFiling(ctx, &leakdesk.Filing{IncidentID: inc.ID, Obligation: "gdpr.art33.authority",
			FiledAt: clock, Ref: "CNIL-1", Actor: "alice"}); err != nil {
			t.Fatal(err)
		}
		c.pass(ctx, false)
		signedAt(events(), "a filing")

		note()
		c.pass(ctx, false)
		signedAt(events()-1, "a note just added")
		clock = clock.Add(10 * time.Minute)
		c.pass(ctx, false)
		signedAt(events(), "a note that waited")

		note()
		stopped, stop := context.WithCancel(ctx)
		stop()
		c.Run(stopped)
		signedAt(events(), "the end of the run")
	})
}
