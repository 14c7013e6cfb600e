package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
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

// TestEraseFromReviewItems: the rows to review of the stored findings lose
// what they held about an erased subject, as a candidate or as the leaked
// row, and keep what they held about others. The values are searched in
// the SQLite file's bytes and in every PostgreSQL table.
func TestEraseFromReviewItems(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		inc, _ := contactIncident(t, h, "C-1", "C-2")
		candidate := func(id, name string) leakdesk.Candidate {
			return leakdesk.Candidate{ID: id, Confidence: 0.5, Contact: &leakdesk.AffectedContact{ID: id, Name: name, Email: name + "@mail.example",
				Evidence: []leakdesk.Agreement{{Field: "name", How: "similar: " + name}}}}
		}
		f := &leakdesk.Findings{IncidentID: inc.ID, Actor: "alice", Review: []leakdesk.ReviewItem{
			{Row: 1, Candidates: []leakdesk.Candidate{candidate("C-1", "reviewmarkerone"), candidate("C-3", "reviewmarkerthree")},
				Past: "e-mail held by C-1 pastmarkerone", Leaked: &leakdesk.LeakedPerson{Name: "leakedmarkerone", Email: "leakedmarkerone@mail.example"}},
			{Row: 2, Candidates: []leakdesk.Candidate{candidate("C-2", "reviewmarkertwo")},
				Leaked: &leakdesk.LeakedPerson{Name: "leakedmarkertwo"}},
		}}
		if err := store.NewFindingsService(h.db).RecordFindings(ctx, f); err != nil {
			t.Fatal(err)
		}
		if where := storeHolds(t, h, "reviewmarkerone"); where == "" {
			t.Fatal("the search finds nothing before the erasure: it proves nothing")
		}
		incidents := newIncidents(t, h.db)
		if _, err := incidents.ErasePersonal(ctx, inc.ID, "C-1", "local:dpo"); err != nil {
			t.Fatal(err)
		}
		// C-3 shares row 1 with C-1: what the row says may be C-1's, so
		// the row goes; C-3's own record does not.
		for _, gone := range []string{"reviewmarkerone", "pastmarkerone", "leakedmarkerone"} {
			if where := storeHolds(t, h, gone); where != "" {
				t.Errorf("%q is still in the store: %s", gone, where)
			}
		}
		for _, kept := range []string{"reviewmarkertwo", "leakedmarkertwo", "reviewmarkerthree"} {
			if where := storeHolds(t, h, kept); where == "" {
				t.Errorf("%q, not about the subject, is gone", kept)
			}
		}
		if report, err := incidents.VerifyTimeline(ctx, inc.ID); err != nil || !report.OK {
			t.Fatalf("verify after erasure: %+v, %v", report, err)
		}
	})
}

// storeHolds says where the store still holds s: the SQLite database
// file, or a PostgreSQL table; "" when nowhere.
func storeHolds(t *testing.T, h *harness, s string) string {
	t.Helper()
	var seq int
	var name, file string
	if err := h.raw.QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &file); err == nil {
		for _, f := range []string{file, file + "-wal"} {
			data, err := os.ReadFile(f)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if bytes.Contains(data, []byte(s)) {
				return f
			}
		}
		return ""
	}
	rows, err := h.raw.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, table)
	}
	rows.Close()
	for _, table := range tables {
		var n int
		if err := h.raw.QueryRow(`SELECT count(*) FROM "`+strings.ReplaceAll(table, `"`, `""`)+`" t WHERE strpos(t::text, $1) > 0`, s).Scan(&n); err != nil {
			t.Fatalf("search %s: %v", table, err)
		}
		if n > 0 {
			return table
		}
	}
	return ""
}

// TestOtherRecipientKeysArePseudonyms: a recipient outside the registry
// is keyed by a pseudonym, not their address, found again by address
// whatever the caller gave as key; erasure deletes the incident's salt,
// and no event ever held the address.
func TestOtherRecipientKeysArePseudonyms(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		inc := mustCreate(t, newIncidents(t, h.db), newIncident("pseudonyms"))
		notices := store.NewNoticeService(h.db)
		add := func(key, email string) (*leakdesk.Recipient, int) {
			r := &leakdesk.Recipient{Key: key, Kind: leakdesk.RecipientOther, Name: "Jo Pseudo", Email: email, Language: "en"}
			added, err := notices.AddRecipients(ctx, inc.ID, "alice", []*leakdesk.Recipient{r})
			if err != nil {
				t.Fatal(err)
			}
			return r, added
		}
		first, added := add("", "jo.pseudo@client.example")
		hex, ok := strings.CutPrefix(first.Key, leakdesk.OtherKeyPrefix)
		if !ok || len(hex) != 16 || strings.Contains(first.Key, "pseudo") || added != 1 {
			t.Fatalf("key %q (added %d): want other: and 16 hex digits", first.Key, added)
		}
		again, added := add("other:jo.pseudo@client.example", "jo.pseudo@client.example")
		if again.Key != first.Key || added != 0 {
			t.Fatalf("the same address again: key %q, added %d; want %q, 0", again.Key, added, first.Key)
		}
		other, _ := add("", "ann.pseudo@client.example")
		if other.Key == first.Key {
			t.Fatal("two addresses share a key")
		}
		if _, err := notices.Acknowledge(ctx, inc.ID, first.ID, 1, leakdesk.AckActor); err != nil {
			t.Fatal(err)
		}
		if where := storeHolds(t, h, "jo.pseudo@client.example"); where == "" {
			t.Fatal("the search finds nothing before the erasure: it proves nothing")
		}
		if _, err := newIncidents(t, h.db).ErasePersonal(ctx, inc.ID, first.Key, "local:dpo"); err != nil {
			t.Fatal(err)
		}
		var salts int
		if err := h.raw.QueryRow(`SELECT count(*) FROM recipient_salts`).Scan(&salts); err != nil || salts != 0 {
			t.Fatalf("%d salts left after the erasure, %v", salts, err)
		}
		if where := storeHolds(t, h, "jo.pseudo@client.example"); where != "" {
			t.Fatalf("the address is still in the store: %s", where)
		}
		events, err := newIncidents(t, h.db).FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			if strings.Contains(strings.ToLower(string(ev.Details)), "pseudo@") {
				t.Fatalf("event %d (%s) holds an address: %s", ev.Seq, ev.Kind, ev.Details)
			}
		}
		// A later recipient gets a key under a new salt, and the old
		// recipient keeps theirs.
		later, _ := add("", "lea.pseudo@client.example")
		if !strings.HasPrefix(later.Key, leakdesk.OtherKeyPrefix) || later.Key == first.Key {
			t.Fatalf("a recipient added after the erasure: key %q", later.Key)
		}
		if report, err := newIncidents(t, h.db).VerifyTimeline(ctx, inc.ID); err != nil || !report.OK {
			t.Fatalf("verify: %+v, %v", report, err)
		}
	})
}

// TestErasureReachesCachedFindings: a server that cached an incident's
// findings before an erasure, made by another process, shows them erased.
func TestErasureReachesCachedFindings(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		inc, _ := contactIncident(t, h, "C-1", "C-2")
		server := store.NewFindingsService(h.db)
		f := &leakdesk.Findings{IncidentID: inc.ID, Actor: "alice", Contacts: []leakdesk.AffectedContact{
			{ID: "C-1", Name: "Cachedmarker One", Email: "cachedmarker@mail.example"},
			{ID: "C-2", Name: "Kept Two", Email: "kept@mail.example"},
		}}
		if err := server.RecordFindings(ctx, f); err != nil {
			t.Fatal(err)
		}
		shown := func() string {
			t.Helper()
			page, _, err := server.FindAffected(ctx, inc.ID, leakdesk.AffectedQuery{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			data, _ := json.Marshal(page.Contacts)
			return string(data)
		}
		if !strings.Contains(shown(), "cachedmarker@mail.example") {
			t.Fatal("the findings do not show the value before the erasure: the test proves nothing")
		}
		if _, err := newIncidents(t, h.db).ErasePersonal(ctx, inc.ID, "C-1", "local:dpo"); err != nil {
			t.Fatal(err)
		}
		if got := shown(); strings.Contains(got, "cachedmarker") || !strings.Contains(got, "kept@mail.example") {
			t.Errorf("after the erasure the cached findings show %s", got)
		}
	})
}
