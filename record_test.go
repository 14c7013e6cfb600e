package leakdesk_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// sideTablesOf builds the side tables the store would hold had it written
// rec, recipients numbered from 1 in the order the events name them.
func sideTablesOf(inc *leakdesk.Incident, rec *leakdesk.Record) *leakdesk.SideTables {
	side := &leakdesk.SideTables{Incident: inc}
	inc.Status, inc.AwareAt, inc.ClosedAt = rec.Status, rec.AwareAt, rec.ClosedAt
	side.Findings, side.AffectedContacts = rec.Findings, rec.AffectedContacts
	ids := map[string]int64{}
	recipient := func(key string) int64 {
		if ids[key] == 0 {
			ids[key] = int64(len(ids) + 1)
			side.Recipients = append(side.Recipients, &leakdesk.Recipient{ID: ids[key], Key: key})
		}
		return ids[key]
	}
	for _, id := range slices.Sorted(maps.Keys(rec.Filings)) {
		side.Filings = append(side.Filings, rec.Filings[id])
	}
	for _, id := range slices.Sorted(maps.Keys(rec.Deliveries)) {
		d := rec.Deliveries[id]
		side.Deliveries = append(side.Deliveries, &leakdesk.Delivery{ID: d.ID, NoticeID: d.Notice, RecipientID: recipient(d.RecipientKey),
			MessageID: d.MessageID, State: d.State})
	}
	for i, c := range rec.Contacts {
		side.Contacts = append(side.Contacts, &leakdesk.ContactAttempt{ID: int64(i + 1), RecipientID: recipient(c.RecipientKey),
			Channel: c.Channel, Outcome: c.Outcome, Note: c.Note.Value, Actor: c.Actor, At: c.At})
	}
	for len(side.Recipients) < rec.Recipients {
		recipient("never-named-" + string(rune('a'+len(side.Recipients))))
	}
	return side
}

func TestRecordOfOldTimeline(t *testing.T) {
	t.Parallel()
	_, events := readOldTimeline(t)
	rec, err := leakdesk.RecordOf(events)
	if err != nil {
		t.Fatal(err)
	}
	awareAt := time.Date(2026, 12, 4, 7, 30, 0, 0, time.UTC)
	switch {
	case rec.Status != leakdesk.StatusOpen || !rec.ClosedAt.IsZero() || rec.Waived != nil:
		t.Errorf("closed then reopened: status %q closed at %v waived %v", rec.Status, rec.ClosedAt, rec.Waived)
	case !rec.AwareAt.Equal(awareAt):
		t.Errorf("aware at %v, want the time set later, %v", rec.AwareAt, awareAt)
	case len(rec.Filings) != 3 || rec.Filings[2].Obligation != "nis2.early-warning" || rec.Filings[2].Actor != "carol":
		t.Errorf("filings %+v", rec.Filings)
	case rec.Findings != 1 || rec.AffectedContacts != 8:
		t.Errorf("findings %d with %d affected contacts, want 1 with 8", rec.Findings, rec.AffectedContacts)
	case rec.Recipients != 8 || len(rec.Deliveries) != 16:
		t.Errorf("%d recipients and %d deliveries, want 8 and 16", rec.Recipients, len(rec.Deliveries))
	case rec.Deliveries[6].State != leakdesk.DeliveryBounced || rec.Deliveries[8].State != leakdesk.DeliveryDone || rec.Deliveries[1].State != leakdesk.DeliverySent:
		t.Errorf("the latest state of each delivery: 6 %+v, 8 %+v, 1 %+v", rec.Deliveries[6], rec.Deliveries[8], rec.Deliveries[1])
	case len(rec.Contacts) != 5 || rec.Contacts[3].Outcome != "acknowledged" || rec.Contacts[2].Outcome != "waived" || rec.Contacts[2].RecipientKey != "C-00055":
		t.Errorf("contacts %+v", rec.Contacts)
	}
}

func TestRecordKeepsWaiversOfTheLatestClosing(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	events := []*leakdesk.Event{
		leakdesk.NewEvent(1, "a", leakdesk.EventIncidentOpened, at, leakdesk.IncidentOpenedPayload{}),
		leakdesk.NewEvent(1, "a", leakdesk.EventIncidentClosed, at.Add(time.Hour), leakdesk.IncidentClosedPayload{Waived: map[string]string{"x": "why"}}),
	}
	rec, err := leakdesk.RecordOf(events)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != leakdesk.StatusClosed || !rec.ClosedAt.Equal(at.Add(time.Hour)) || rec.Waived["x"] != "why" || !rec.AwareAt.IsZero() {
		t.Errorf("record %+v", rec)
	}
	events[1].Details = json.RawMessage(`{"reason":"x","extra":1}`)
	if _, err := leakdesk.RecordOf(events); leakdesk.ErrorCode(err) != leakdesk.EINTEGRITY {
		t.Errorf("an unreadable closing: %v, want EINTEGRITY", err)
	}
}

// TestDisagreements: side tables built from the old timeline agree with
// it, and each edit of a row is named, with its table, row and field.
func TestDisagreements(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(*leakdesk.SideTables)
		want leakdesk.Disagreement
		also int // disagreements that follow from the first
	}{
		{"mark someone reached", func(s *leakdesk.SideTables) { s.Contacts[1].Outcome = "reached" },
			leakdesk.Disagreement{Table: "contact_attempts", Row: "id 2", Field: "outcome", Stored: "reached", Recorded: "no-answer"}, 0},
		{"move awareness", func(s *leakdesk.SideTables) { s.Incident.AwareAt = s.Incident.AwareAt.Add(24 * time.Hour) },
			leakdesk.Disagreement{Table: "incidents", Row: "id 1", Field: "aware_at", Stored: "2026-12-05T07:30:00.000000Z", Recorded: "2026-12-04T07:30:00.000000Z"}, 0},
		{"delete a filing", func(s *leakdesk.SideTables) {
			s.Filings = slices.DeleteFunc(s.Filings, func(f *leakdesk.Filing) bool { return f.ID == 2 })
		}, leakdesk.Disagreement{Table: "filings", Row: "id 2", Field: "row", Stored: "(no row)", Recorded: "nis2.early-warning"}, 0},
		{"flip a bounce to delivered", func(s *leakdesk.SideTables) {
			s.Deliveries[slices.IndexFunc(s.Deliveries, func(d *leakdesk.Delivery) bool { return d.ID == 6 })].State = leakdesk.DeliveryDone
		}, leakdesk.Disagreement{Table: "deliveries", Row: "id 6", Field: "state", Stored: "delivered", Recorded: "bounced"}, 0},
		{"close directly", func(s *leakdesk.SideTables) { s.Incident.Status = leakdesk.StatusClosed },
			leakdesk.Disagreement{Table: "incidents", Row: "id 1", Field: "status", Stored: "closed", Recorded: "open"}, 0},
		{"drop affected contacts", func(s *leakdesk.SideTables) { s.AffectedContacts = 0 },
			leakdesk.Disagreement{Table: "affected_contacts", Row: "of findings 1", Field: "count", Stored: "0", Recorded: "8"}, 0},
		{"drop a recipient", func(s *leakdesk.SideTables) { s.Recipients = s.Recipients[:7] },
			// and the two deliveries of the recipient dropped (C-00066, the last named) lose their key
			leakdesk.Disagreement{Table: "recipients", Row: "of the incident", Field: "count", Stored: "7", Recorded: "8"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inc, events := readOldTimeline(t)
			rec, err := leakdesk.RecordOf(events)
			if err != nil {
				t.Fatal(err)
			}
			side := sideTablesOf(inc, rec)
			if got := rec.Disagreements(side); len(got) != 0 {
				t.Fatalf("tables built from the timeline disagree with it: %v", got)
			}
			tc.edit(side)
			if got := rec.Disagreements(side); len(got) != 1+tc.also || got[0] != tc.want {
				t.Errorf("got %v, want %v first, and %d more", got, tc.want, tc.also)
			}
		})
	}
}

// A delivery claimed or released changes without an event: queued and
// sending are one state for the check, and never a settled one.
func TestDisagreementsOfUnrecordedDeliveries(t *testing.T) {
	t.Parallel()
	inc := &leakdesk.Incident{ID: 1}
	rec := &leakdesk.Record{Deliveries: map[int64]*leakdesk.RecordedDelivery{}}
	side := &leakdesk.SideTables{Incident: inc, Deliveries: []*leakdesk.Delivery{{ID: 1, State: leakdesk.DeliverySending}}}
	if got := rec.Disagreements(side); len(got) != 0 {
		t.Errorf("a delivery in flight: %v", got)
	}
	side.Deliveries[0].State = leakdesk.DeliverySent
	if got := rec.Disagreements(side); len(got) != 1 || got[0].Field != "state" {
		t.Errorf("a delivery sent without an event: %v", got)
	}
}
