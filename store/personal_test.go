package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// contactIncident opens an incident with the recipients keys, and returns
// it with their IDs by key.
func contactIncident(t testing.TB, h *harness, keys ...string) (*leakdesk.Incident, map[string]int64) {
	t.Helper()
	inc := mustCreate(t, newIncidents(t, h.db), newIncident("erasure"))
	var rs []*leakdesk.Recipient
	for _, k := range keys {
		rs = append(rs, &leakdesk.Recipient{Key: k, Kind: leakdesk.RecipientAffected, ContactID: k, Name: "Name of " + k, Email: k + "@example.org", Language: "en"})
	}
	svc := store.NewNoticeService(h.db)
	if _, err := svc.AddRecipients(context.Background(), inc.ID, "alice", rs); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, r := range rs {
		ids[r.Key] = r.ID
	}
	return inc, ids
}

func recordContact(t testing.TB, h *harness, inc *leakdesk.Incident, recipient int64, note string) {
	t.Helper()
	err := store.NewNoticeService(h.db).RecordContact(context.Background(), &leakdesk.ContactAttempt{IncidentID: inc.ID, RecipientID: recipient,
		Channel: "phone", Outcome: "reached", Note: note, Actor: "alice", At: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
}

// TestErasePersonalKeepsOthers: erasing one subject erases their values
// and only theirs, and the record still verifies.
func TestErasePersonalKeepsOthers(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		inc, ids := contactIncident(t, h, "C-1", "C-2")
		recordContact(t, h, inc, ids["C-1"], "first note about C-1")
		recordContact(t, h, inc, ids["C-2"], "note about C-2")
		recordContact(t, h, inc, ids["C-1"], "")
		incidents := newIncidents(t, h.db)
		if _, err := incidents.ErasePersonal(ctx, inc.ID, "C-9", "local:dpo"); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("erase an unknown subject: %v", err)
		}
		erased, err := incidents.ErasePersonal(ctx, inc.ID, "C-1", "local:dpo")
		if err != nil || len(erased.Refs) != 1 {
			t.Fatalf("erase C-1: %+v, %v", erased, err)
		}
		values, err := incidents.PersonalValues(ctx, inc.ID)
		if err != nil || len(values) != 1 {
			t.Fatalf("values left: %v, %v", values, err)
		}
		for _, v := range values {
			if v != "note about C-2" {
				t.Fatalf("the value kept is %q", v)
			}
		}
		report, err := incidents.VerifyTimeline(ctx, inc.ID)
		if err != nil || !report.OK || report.Personal.Held != 1 || report.Personal.Erased != 1 || report.Personal.Erasures[0].Actor != "local:dpo" {
			t.Fatalf("verify after erasure: %+v %+v, %v", report, report.Personal, err)
		}
		if _, err := incidents.ExpirePersonal(ctx, inc.ID, time.Now().Add(-time.Hour), "local:dpo"); leakdesk.ErrorCode(err) != leakdesk.ECONFLICT {
			t.Fatalf("retention on an open incident: %v", err)
		}
	})
}

// BenchmarkRecordContact is the cost of holding a note by reference: a
// contact with a note (a salted hash on the timeline, a row in
// personal_values) beside one without, in the same run.
func BenchmarkRecordContact(b *testing.B) {
	for _, backend := range []struct {
		name string
		open func(testing.TB) *harness
	}{
		{"sqlite", func(t testing.TB) *harness { return openSQLite(t, store.Options{}) }},
		{"postgres", openPostgres},
	} {
		for _, note := range []string{"", "reached by phone, asked to be called back"} {
			name := backend.name + "/without-note"
			if note != "" {
				name = backend.name + "/with-note"
			}
			b.Run(name, func(b *testing.B) {
				h := backend.open(b)
				inc, ids := contactIncident(b, h, "C-1")
				b.ResetTimer()
				for range b.N {
					recordContact(b, h, inc, ids["C-1"], note)
				}
			})
		}
	}
}

// TestAcknowledgeAfterErasure: a link followed again after the person's
// erasure (their acknowledgement note became "erased") records nothing,
// while the same person acknowledging another notice is recorded.
func TestAcknowledgeAfterErasure(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		inc, ids := contactIncident(t, h, "C-1")
		notices := store.NewNoticeService(h.db)
		if recorded, err := notices.Acknowledge(ctx, inc.ID, ids["C-1"], 7, leakdesk.AckActor); err != nil || !recorded {
			t.Fatalf("first acknowledgement: %v, %v", recorded, err)
		}
		if _, err := newIncidents(t, h.db).ErasePersonal(ctx, inc.ID, "C-1", "local:dpo"); err != nil {
			t.Fatal(err)
		}
		if recorded, err := notices.Acknowledge(ctx, inc.ID, ids["C-1"], 7, leakdesk.AckActor); err != nil || recorded {
			t.Fatalf("the same link after erasure: recorded %v, %v", recorded, err)
		}
		if recorded, err := notices.Acknowledge(ctx, inc.ID, ids["C-1"], 8, leakdesk.AckActor); err != nil || !recorded {
			t.Fatalf("another notice: recorded %v, %v", recorded, err)
		}
		events, err := newIncidents(t, h.db).FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		acks := 0
		for _, e := range events {
			if e.Kind == leakdesk.EventAcknowledged {
				acks++
			}
		}
		if acks != 2 {
			t.Fatalf("%d acknowledgements on the timeline, want 2", acks)
		}
	})
}
