package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// TestCachedFindingsFollowNewRows: the latest findings are cached by row;
// a caller that changes what it got does not change what the next one
// gets, and newer findings, recorded through another service on the same
// database (another instance), replace them at once.
func TestCachedFindingsFollowNewRows(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db)
		inc := mustCreate(t, newIncidents(t, h.db), newIncident("cached findings"))
		svc, other := store.NewFindingsService(h.db), store.NewFindingsService(h.db)
		record := func(svc *store.FindingsService, ids ...string) {
			t.Helper()
			f := &leakdesk.Findings{IncidentID: inc.ID, Actor: "alice", Organisations: []leakdesk.AffectedOrganisation{{ID: "O-1", Name: "Acme", Contacts: len(ids)}}}
			for _, id := range ids {
				f.Contacts = append(f.Contacts, leakdesk.AffectedContact{ID: id, OrgID: "O-1", Organisation: "Acme", Class: "certain", Confidence: 1})
			}
			if err := svc.RecordFindings(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		latest := func() []string {
			t.Helper()
			f, err := svc.LatestFindings(ctx, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range f.Contacts {
				ids = append(ids, c.ID)
			}
			// What a careless caller might do to its copy.
			f.Contacts[0].ID, f.Organisations[0].Name = "changed", "changed"
			f.Contacts = append(f.Contacts, leakdesk.AffectedContact{ID: "appended"})
			return ids
		}
		record(svc, "C-1", "C-2")
		for range 2 {
			if got := latest(); len(got) != 2 || got[0] != "C-1" || got[1] != "C-2" {
				t.Fatalf("latest contacts = %v, want [C-1 C-2]", got)
			}
		}
		record(other, "C-3")
		if got := latest(); len(got) != 1 || got[0] != "C-3" {
			t.Fatalf("after newer findings from another instance: %v, want [C-3]", got)
		}
		f, err := svc.LatestFindings(ctx, inc.ID)
		if err != nil || f.Organisations[0].Name != "Acme" || f.Organisations[0].Contacts != 1 {
			t.Fatalf("organisations = %+v, %v", f.Organisations, err)
		}
	})
}

// TestCachedCoverageFollowsEveryChange: coverage is cached by the
// incident's event count; a contact recorded through another service on
// the same database (another instance) and a delivery's outcome show at
// once, and a caller that changes its entries changes nobody else's.
func TestCachedCoverageFollowsEveryChange(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db)
		inc := mustCreate(t, newIncidents(t, h.db), newIncident("cached coverage"))
		svc, other := store.NewNoticeService(h.db), store.NewNoticeService(h.db)
		q := queueCampaign(t, svc, inc.ID, 3)
		cov := coverage(t, svc, inc.ID)
		if cov["C-00000"].State != leakdesk.CoverageQueued || cov["C-00000"].Pending != 1 {
			t.Fatalf("C-00000 before sending: %+v", cov["C-00000"])
		}
		cov["C-00000"].State = leakdesk.CoverageAcknowledged // a careless caller
		if cov = coverage(t, svc, inc.ID); cov["C-00000"].State != leakdesk.CoverageQueued {
			t.Fatalf("a caller's change reached the cache: %+v", cov["C-00000"])
		}
		// Claiming moves a delivery from queued to sending: the same rank.
		c := advance(t, svc, nil, q.ids[0])
		if cov = coverage(t, svc, inc.ID); cov["C-00000"].State != leakdesk.CoverageQueued || cov["C-00000"].Pending != 1 {
			t.Fatalf("C-00000 while sending: %+v", cov["C-00000"])
		}
		advance(t, other, sent(c), 0)
		if cov = coverage(t, svc, inc.ID); cov["C-00000"].State != leakdesk.CoverageSent || cov["C-00000"].Notices != 1 || cov["C-00000"].Pending != 0 {
			t.Fatalf("C-00000 after another instance sent it: %+v", cov["C-00000"])
		}
		if err := other.RecordContact(ctx, &leakdesk.ContactAttempt{IncidentID: inc.ID, RecipientID: cov["C-00001"].Recipient.ID,
			Channel: "phone", Outcome: "reached", Actor: "alice"}); err != nil {
			t.Fatal(err)
		}
		if cov = coverage(t, svc, inc.ID); cov["C-00001"].State != leakdesk.CoverageOther || cov["C-00001"].Channel != "phone" || cov["C-00000"].State != leakdesk.CoverageSent {
			t.Fatalf("after another instance recorded a call: C-00001 %+v, C-00000 %+v", cov["C-00001"], cov["C-00000"])
		}

		// The affected contacts outside the audience are cached the same
		// way: new findings and new recipients each append an event.
		outside := func() int {
			t.Helper()
			n, err := svc.AffectedOutsideAudience(ctx, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		findings := store.NewFindingsService(h.db)
		record := func(ids ...string) {
			t.Helper()
			f := &leakdesk.Findings{IncidentID: inc.ID, Actor: "alice"}
			for _, id := range ids {
				f.Contacts = append(f.Contacts, leakdesk.AffectedContact{ID: id, OrgID: "O-1", Class: "certain", Confidence: 1})
			}
			if err := findings.RecordFindings(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		record("X-1", "X-2")
		for range 2 {
			if n := outside(); n != 2 {
				t.Fatalf("outside the audience: %d, want 2", n)
			}
		}
		if _, err := other.AddRecipients(ctx, inc.ID, "alice", []*leakdesk.Recipient{{Key: "X-1", Kind: leakdesk.RecipientAffected, ContactID: "X-1", Name: "X", Email: "x@x.example"}}); err != nil {
			t.Fatal(err)
		}
		if n := outside(); n != 1 {
			t.Fatalf("outside the audience after another instance added X-1: %d, want 1", n)
		}
		record("X-1")
		if n := outside(); n != 0 {
			t.Fatalf("outside the audience after findings of X-1 alone: %d, want 0", n)
		}
		if n, err := svc.AffectedOutsideAudience(ctx, 999); err != nil || n != 0 {
			t.Fatalf("outside the audience of an unknown incident: %d, %v", n, err)
		}
	})
}

// TestFindAffected: a page of the latest findings' contacts, searched in
// their IDs and organisations, and in their names, addresses and numbers
// only for a role that sees personal data.
func TestFindAffected(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db)
		inc := mustCreate(t, newIncidents(t, h.db), newIncident("find affected"))
		svc := store.NewFindingsService(h.db)
		_, _, err := svc.FindAffected(ctx, inc.ID, leakdesk.AffectedQuery{Limit: 10})
		wantCode(t, err, leakdesk.ENOTFOUND)
		f := &leakdesk.Findings{IncidentID: inc.ID, Actor: "alice", Rows: 7, Organisations: []leakdesk.AffectedOrganisation{{ID: "O-1", Name: "Acme", Contacts: 5}}}
		for _, c := range []struct{ id, org, name, email string }{
			{"C-1", "Acme", "Ana Lima", "ana@acme.example"}, {"C-2", "Acme", "Bo Ek", "bo@acme.example"}, {"C-3", "Bolt", "Cy Ana", "cy@bolt.example"},
			{"C-4", "Bolt", "Di Ro", "di@bolt.example"}, {"C-5", "Acme", "Ed Po", "ed@acme.example"},
		} {
			f.Contacts = append(f.Contacts, leakdesk.AffectedContact{ID: c.id, Organisation: c.org, Name: c.name, Email: c.email, Class: "certain", Confidence: 1})
		}
		if err := svc.RecordFindings(ctx, f); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			q     leakdesk.AffectedQuery
			want  string
			total int
		}{
			{leakdesk.AffectedQuery{Limit: 2}, "C-1 C-2", 5},
			{leakdesk.AffectedQuery{Offset: 4, Limit: 2}, "C-5", 5},
			{leakdesk.AffectedQuery{Offset: 9, Limit: 2}, "", 5},
			{leakdesk.AffectedQuery{Limit: 0}, "", 5},
			{leakdesk.AffectedQuery{Text: "ACME", Offset: 1, Limit: 5}, "C-2 C-5", 3},
			{leakdesk.AffectedQuery{Text: "ana", Personal: true, Limit: 5}, "C-1 C-3", 2},
			{leakdesk.AffectedQuery{Text: "ana", Limit: 5}, "", 0}, // names are not searched for a masked role
			{leakdesk.AffectedQuery{Text: "bolt.example", Personal: true, Limit: 5}, "C-3 C-4", 2},
		} {
			got, total, err := svc.FindAffected(ctx, inc.ID, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range got.Contacts {
				ids = append(ids, c.ID)
			}
			if strings.Join(ids, " ") != tt.want || total != tt.total || got.Rows != 7 || len(got.Organisations) != 1 {
				t.Errorf("FindAffected(%+v) = %v of %d (rows %d), want [%s] of %d", tt.q, ids, total, got.Rows, tt.want, tt.total)
			}
		}
		// Every search agrees with AffectedQuery.Matches, the rule the
		// cached lowercased text stands in for; one that would span two
		// fields ("1" then "acme") matches nothing.
		all, err := svc.LatestFindings(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"c-", "C-3", "1acme", "-1\x00", "ANA", "a l", "example", "o@", "zz", "Ed Po"} {
			for _, personal := range []bool{false, true} {
				q := leakdesk.AffectedQuery{Text: text, Personal: personal, Limit: 10}
				want := 0
				for i := range all.Contacts {
					if q.Matches(&all.Contacts[i]) {
						want++
					}
				}
				if got, total, err := svc.FindAffected(ctx, inc.ID, q); err != nil || total != want || len(got.Contacts) != want {
					t.Errorf("FindAffected(%q, personal %v) = %d of %d, %v; Matches selects %d", text, personal, len(got.Contacts), total, err, want)
				}
			}
		}
		page, _, err := svc.FindAffected(ctx, inc.ID, leakdesk.AffectedQuery{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		page.Contacts[0].ID = "changed"
		if again, _, err := svc.FindAffected(ctx, inc.ID, leakdesk.AffectedQuery{Limit: 1}); err != nil || again.Contacts[0].ID != "C-1" {
			t.Fatalf("a caller's change to its page reached the cache: %+v, %v", again.Contacts, err)
		}
		_, _, err = svc.FindAffected(ctx, inc.ID, leakdesk.AffectedQuery{Offset: -1, Limit: 2})
		wantCode(t, err, leakdesk.EINVALID)
		if all, err := svc.LatestFindings(ctx, inc.ID); err != nil || len(all.Contacts) != 5 {
			t.Fatalf("latest findings after paging: %d contacts, %v", len(all.Contacts), err)
		}
	})
}
