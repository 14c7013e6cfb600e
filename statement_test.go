package leakdesk_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/store"
)

// TestRecordFact: a fact is on the timeline as the actor, at when it
// became true; a fact that cannot be recorded changes nothing.
func TestRecordFact(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		ctx := context.Background()
		incidents, inc := openIncident(t, d)
		at := time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)
		fact := leakdesk.FactPayload{Key: "measures.fr", Public: true, Value: "mots de passe changés"}
		ev, err := leakdesk.RecordFact(ctx, incidents, inc.ID, "bob", at, fact, []string{"fr", "en"})
		if err != nil {
			t.Fatal(err)
		}
		events, err := incidents.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := events[len(events)-1]
		var got leakdesk.FactPayload
		if err := json.Unmarshal(last.Details, &got); err != nil {
			t.Fatal(err)
		}
		if last.Seq != ev.Seq || last.Kind != leakdesk.EventFact || last.Actor != "bob" || !last.OccurredAt.Equal(at) || got != fact {
			t.Fatalf("recorded %+v %+v, want %+v by bob at %s", last, got, fact, at)
		}
		for _, bad := range []leakdesk.FactPayload{{Key: "no_such_key", Value: "x"}, {Key: "measures.de", Value: "x"}, {Key: "measures", Value: ""}} {
			if _, err := leakdesk.RecordFact(ctx, incidents, inc.ID, "bob", at, bad, []string{"fr", "en"}); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
				t.Errorf("%+v: %v, want EINVALID", bad, err)
			}
		}
		if after, err := incidents.FindEvents(ctx, inc.ID); err != nil || len(after) != len(events) {
			t.Fatalf("refused facts changed the timeline: %d events, then %d (%v)", len(events), len(after), err)
		}
	})
}

// TestRecordNote: a note is on the timeline as the actor; an empty one is
// refused and changes nothing.
func TestRecordNote(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		ctx := context.Background()
		incidents, inc := openIncident(t, d)
		at := time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)
		if _, err := leakdesk.RecordNote(ctx, incidents, inc.ID, "bob", at, " \n"); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Fatalf("empty note: %v, want EINVALID", err)
		}
		before, err := incidents.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := leakdesk.RecordNote(ctx, incidents, inc.ID, "bob", at, "the seller wrote again")
		if err != nil {
			t.Fatal(err)
		}
		after, err := incidents.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got leakdesk.NotePayload
		last := after[len(after)-1]
		if err := json.Unmarshal(last.Details, &got); err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before)+1 || last.Seq != ev.Seq || last.Kind != leakdesk.EventNote || last.Actor != "bob" || !last.OccurredAt.Equal(at) || got.Text != "the seller wrote again" {
			t.Fatalf("recorded %+v %+v", last, got)
		}
	})
}

// openIncident opens an incident on the desk.
func openIncident(t *testing.T, d *testbackends.Desk) (leakdesk.IncidentService, *leakdesk.Incident) {
	t.Helper()
	incidents := store.NewIncidentService(d.DB, d.Rules)
	inc := &leakdesk.Incident{Title: "leak", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
	if err := incidents.CreateIncident(context.Background(), inc, "alice"); err != nil {
		t.Fatal(err)
	}
	return incidents, inc
}
