package store_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/fixture"
	"github.com/leakdesk/leakdesk/store"
)

// loadOldTimeline writes ../testdata/timeline-v1.json, a timeline an
// earlier release wrote, into a fresh store as incident 1 (its hashes name
// that ID), with the side tables its events say that release wrote. Rows
// take their IDs from the fresh store's sequences, in the order the events
// name them.
func loadOldTimeline(t *testing.T, h *harness) *leakdesk.Record {
	t.Helper()
	inc, events := fixture.OldTimeline(t, "../testdata/timeline-v1.json")
	rec, err := leakdesk.RecordOf(events)
	if err != nil {
		t.Fatal(err)
	}
	var opened leakdesk.IncidentOpenedPayload
	if err := json.Unmarshal(events[0].Details, &opened); err != nil {
		t.Fatal(err)
	}
	postgres := h.db.Dialect() == "postgres"
	insert := func(table, columns string, args ...any) {
		t.Helper()
		marks := strings.Repeat("?, ", len(args))
		query := "INSERT INTO " + table + " (" + columns + ") VALUES (" + marks[:len(marks)-2] + ")"
		for i, a := range args {
			if postgres {
				query = strings.Replace(query, "?", "$"+strconv.Itoa(i+1), 1)
			}
			if at, ok := a.(time.Time); ok {
				args[i] = storedTime(at, postgres)
			}
		}
		if _, err := h.raw.Exec(query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	created := events[0].RecordedAt
	insert("incidents", "title, status, aware_at, discovered_by, role, regimes, country, time_zone, created_at, closed_at, event_count, head_hash",
		opened.Title, rec.Status, rec.AwareAt, opened.DiscoveredBy, opened.Role, strings.Join(opened.Regimes, ","), opened.Country, opened.TimeZone,
		created, rec.ClosedAt, inc.EventCount, inc.HeadHash)
	for _, ev := range events {
		insert("events", "incident_id, seq, actor, kind, details, occurred_at, recorded_at, prev_hash, hash",
			1, ev.Seq, ev.Actor, ev.Kind, string(ev.Details), ev.OccurredAt, ev.RecordedAt, ev.PrevHash, ev.Hash)
	}
	for _, id := range slices.Sorted(maps.Keys(rec.Filings)) {
		f := rec.Filings[id]
		insert("filings", "incident_id, obligation, filed_at, ref, delay_reason, actor, recorded_at", 1, f.Obligation, f.FiledAt, f.Ref, f.DelayReason, f.Actor, f.FiledAt)
	}
	if rec.Findings != 1 {
		t.Fatalf("the old timeline records findings %d, want 1", rec.Findings)
	}
	insert("findings", "incident_id, document, actor, created_at", 1, "{}", "alice", created)
	for i := range rec.AffectedContacts {
		insert("affected_contacts", "findings_id, incident_id, contact_id, org_id, class, confidence, fields", 1, 1, "C-"+strconv.Itoa(i), "", "", 1.0, "")
	}
	recipients := map[string]int{}
	recipient := func(key string) int {
		if recipients[key] == 0 {
			recipients[key] = len(recipients) + 1
			insert("recipients", "incident_id, recipient_key, kind, contact_id, name, organisation, org_id, role, email, phone, language, fields, leak_rows, added_at",
				1, key, leakdesk.RecipientAffected, key, key, "", "", "", "", "", "en", "null", "null", created)
		}
		return recipients[key]
	}
	deliveries := slices.Sorted(maps.Keys(rec.Deliveries))
	for _, id := range deliveries {
		recipient(rec.Deliveries[id].RecipientKey)
	}
	for notice := int64(1); notice <= rec.Deliveries[deliveries[len(deliveries)-1]].Notice; notice++ {
		insert("notices", "incident_id, campaign, kind, template, message, translations, actor, created_at",
			1, "campaign "+strconv.FormatInt(notice, 10), leakdesk.NoticeFirst, "first", "", "", "dave", created)
	}
	for _, id := range deliveries {
		d := rec.Deliveries[id]
		insert("deliveries", "notice_id, recipient_id, message_id, address, state, updated_at", d.Notice, recipient(d.RecipientKey), d.MessageID, "", d.State, created)
	}
	for _, c := range rec.Contacts {
		insert("contact_attempts", "incident_id, recipient_id, channel, outcome, note, actor, at", 1, recipient(c.RecipientKey), c.Channel, c.Outcome, c.Note.Value, c.Actor, c.At)
	}
	if len(recipients) != rec.Recipients {
		t.Fatalf("the events name %d recipients and count %d", len(recipients), rec.Recipients)
	}
	return rec
}

// storedTime is a time as the store writes it: text in SQLite, a value
// in PostgreSQL; NULL when zero.
func storedTime(at time.Time, postgres bool) any {
	switch {
	case at.IsZero():
		return nil
	case postgres:
		return at
	}
	return leakdesk.CanonicalTime(at)
}

// TestOldTimelineAndItsTablesVerify: the previous release's timeline, with
// side tables that agree with it, passes verify on both databases; and
// the check can fail on it.
func TestOldTimelineAndItsTablesVerify(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		loadOldTimeline(t, h)
		incidents := store.NewIncidentService(h.db, nil)
		report, err := incidents.VerifyTimeline(context.Background(), 1)
		if err != nil || !report.OK || report.Events != 49 {
			t.Fatalf("the old timeline with its tables: %+v, %v", report, err)
		}
		// Its notes were written inline, before references: they verify,
		// and are counted as values that cannot be erased.
		if p := report.Personal; p == nil || p.NotErasable == 0 || p.Held != 0 || p.Erased != 0 {
			t.Fatalf("the old timeline's personal values: %+v", p)
		}
		h.exec(t, `UPDATE deliveries SET state = 'delivered' WHERE id = 6`)
		h.exec(t, `DELETE FROM affected_contacts WHERE contact_id = 'C-0'`)
		report, err = incidents.VerifyTimeline(context.Background(), 1)
		if err != nil || report.OK || len(report.Disagreements) != 2 || report.Disagreements[0].Table != "affected_contacts" || report.Disagreements[1].Row != "id 6" {
			t.Fatalf("an affected contact deleted and a bounce flipped to delivered in the old incident: %+v, %v", report, err)
		}
	})
}
