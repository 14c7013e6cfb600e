package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

func newIncident(title string) *leakdesk.Incident {
	paris, _ := time.LoadLocation("Europe/Paris")
	return &leakdesk.Incident{
		Title: title, AwareAt: time.Date(2026, 3, 1, 21, 30, 0, 123456789, paris),
		DiscoveredBy: "threat intel", Role: leakdesk.RoleController, Regimes: []string{"gdpr", "nis2"},
		Country: "FR", TimeZone: "Europe/Paris",
	}
}

func mustCreate(t testing.TB, svc *store.IncidentService, inc *leakdesk.Incident) *leakdesk.Incident {
	t.Helper()
	if err := svc.CreateIncident(context.Background(), inc, "alice"); err != nil {
		t.Fatalf("create incident: %v", err)
	}
	return inc
}

// mustVerify fails the test unless the incident's timeline verifies.
func mustVerify(t *testing.T, svc *store.IncidentService, id int64) {
	t.Helper()
	if report, err := svc.VerifyTimeline(context.Background(), id); err != nil || !report.OK {
		t.Fatalf("timeline: %+v, %v", report, err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := leakdesk.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestIncidentLifecycle(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		svc := newIncidents(t, h.db)

		inc := mustCreate(t, svc, newIncident("contact list on a forum"))
		if inc.ID <= 0 || inc.Status != leakdesk.StatusOpen || inc.EventCount != 1 || len(inc.HeadHash) != 64 {
			t.Fatalf("created incident = %+v", inc)
		}
		got, err := svc.FindIncidentByID(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantAware := inc.AwareAt.Truncate(time.Microsecond)
		if !got.AwareAt.Equal(wantAware) || got.Title != inc.Title || !slices.Equal(got.Regimes, []string{"gdpr", "nis2"}) ||
			got.TimeZone != "Europe/Paris" || got.Country != "FR" || got.DiscoveredBy != "threat intel" || got.HeadHash != inc.HeadHash {
			t.Fatalf("read back %+v, want %+v", got, inc)
		}

		clk.advance(time.Hour)
		second := mustCreate(t, svc, &leakdesk.Incident{Title: "second", Role: leakdesk.RoleProcessor, Regimes: []string{"gdpr"}})
		if !second.AwareAt.IsZero() {
			t.Fatalf("an incident created without awareness time got %v", second.AwareAt)
		}
		list, err := svc.FindIncidents(ctx, leakdesk.IncidentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != second.ID || list[1].ID != inc.ID {
			t.Fatalf("list is not newest first: %v", list)
		}

		if err := svc.CloseIncident(ctx, inc.ID, "bob", "all notified", time.Time{}, waiveAll(t, h.db, svc, inc.ID)); err != nil {
			t.Fatal(err)
		}
		wantCode(t, svc.CloseIncident(ctx, inc.ID, "bob", "again", time.Time{}, nil), leakdesk.ECONFLICT)
		open, err := svc.FindIncidents(ctx, leakdesk.IncidentFilter{Status: leakdesk.StatusOpen})
		if err != nil {
			t.Fatal(err)
		}
		if len(open) != 1 || open[0].ID != second.ID {
			t.Fatalf("open incidents = %v, want only the second", open)
		}
		closed, _ := svc.FindIncidentByID(ctx, inc.ID)
		if closed.Status != leakdesk.StatusClosed || !closed.ClosedAt.Equal(clk.now().Truncate(time.Microsecond)) {
			t.Fatalf("closed incident = %+v", closed)
		}

		awareAt := clk.now().Add(-30 * time.Minute)
		if err := svc.SetAwareness(ctx, second.ID, "alice", awareAt, "confirmed by the SOC"); err != nil {
			t.Fatal(err)
		}
		second, _ = svc.FindIncidentByID(ctx, second.ID)
		if !second.AwareAt.Equal(awareAt) || second.EventCount != 2 {
			t.Fatalf("after SetAwareness: %+v", second)
		}
	})
}

func TestIncidentBadInput(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		svc := newIncidents(t, h.db)
		for name, mutate := range map[string]func(*leakdesk.Incident){
			"no title":        func(i *leakdesk.Incident) { i.Title = " " },
			"bad role":        func(i *leakdesk.Incident) { i.Role = "owner" },
			"bad country":     func(i *leakdesk.Incident) { i.Country = "France" },
			"bad time zone":   func(i *leakdesk.Incident) { i.TimeZone = "Mars/Olympus" },
			"no regime":       func(i *leakdesk.Incident) { i.Regimes = nil },
			"repeated regime": func(i *leakdesk.Incident) { i.Regimes = []string{"gdpr", "gdpr"} },
		} {
			inc := newIncident("x")
			mutate(inc)
			if err := svc.CreateIncident(ctx, inc, "alice"); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
				t.Errorf("%s: error = %v, want EINVALID", name, err)
			}
		}
		list, err := svc.FindIncidents(ctx, leakdesk.IncidentFilter{})
		if err != nil || len(list) != 0 {
			t.Fatalf("invalid incidents were stored: %v %v", list, err)
		}
		_, err = svc.FindIncidentByID(ctx, 42)
		wantCode(t, err, leakdesk.ENOTFOUND)
		wantCode(t, svc.AppendEvent(ctx, leakdesk.NewEvent(42, "alice", leakdesk.EventNote, time.Now(), nil)), leakdesk.ENOTFOUND)
		_, err = svc.FindEvents(ctx, 42)
		wantCode(t, err, leakdesk.ENOTFOUND)
		wantCode(t, svc.CloseIncident(ctx, 42, "alice", "x", time.Time{}, nil), leakdesk.ENOTFOUND)
	})
}

func TestTimelineChain(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		svc := newIncidents(t, h.db)
		inc := mustCreate(t, svc, newIncident("chain"))

		occurred := clk.now().Add(-48 * time.Hour) // learnt of two days later
		for i := range 5 {
			clk.advance(time.Minute)
			ev := leakdesk.NewEvent(inc.ID, "alice", leakdesk.EventNote, occurred.Add(time.Duration(i)*time.Hour), map[string]any{"text": fmt.Sprintf("note %d", i)})
			if err := svc.AppendEvent(ctx, ev); err != nil {
				t.Fatal(err)
			}
			if ev.Seq != int64(i+2) || !ev.RecordedAt.Equal(clk.now()) {
				t.Fatalf("appended event %+v", ev)
			}
		}
		wantCode(t, svc.AppendEvent(ctx, &leakdesk.Event{IncidentID: inc.ID, Kind: "note", OccurredAt: clk.now()}), leakdesk.EINVALID)

		events, err := svc.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 6 || events[0].Kind != leakdesk.EventIncidentOpened {
			t.Fatalf("timeline = %d events, first %q", len(events), events[0].Kind)
		}
		if !events[1].OccurredAt.Equal(occurred) || events[1].RecordedAt.Equal(events[1].OccurredAt) {
			t.Fatalf("occurred_at and recorded_at were not kept apart: %+v", events[1])
		}
		for i, ev := range events[1:] {
			if ev.PrevHash != events[i].Hash {
				t.Fatalf("event %d does not link to event %d", ev.Seq, events[i].Seq)
			}
		}
		report, err := svc.VerifyTimeline(ctx, inc.ID)
		if err != nil || !report.OK || report.Events != 6 {
			t.Fatalf("intact timeline verified as %+v, %v", report, err)
		}
	})
}

func TestTimelineTamperingIsCaught(t *testing.T) {
	cases := []struct {
		name    string
		tamper  string // %d is the incident ID
		wantSeq int64
	}{
		{"edited details", `UPDATE events SET details = '{"text":"nothing happened"}' WHERE incident_id = %d AND seq = 3`, 3},
		{"edited actor", `UPDATE events SET actor = 'mallory' WHERE incident_id = %d AND seq = 2`, 2},
		{"backdated", `UPDATE events SET occurred_at = occurred_at - interval_placeholder WHERE incident_id = %d AND seq = 4`, 4},
		{"deleted middle event", `DELETE FROM events WHERE incident_id = %d AND seq = 3`, 3},
		{"deleted last event", `DELETE FROM events WHERE incident_id = %d AND seq = 5`, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			eachStore(t, func(t *testing.T, h *harness) {
				ctx := context.Background()
				newClock(h.db)
				svc := newIncidents(t, h.db)
				inc := mustCreate(t, svc, newIncident("tamper"))
				for i := range 4 {
					if err := svc.AppendEvent(ctx, leakdesk.NewEvent(inc.ID, "alice", leakdesk.EventNote, h.db.Now(), map[string]any{"text": i})); err != nil {
						t.Fatal(err)
					}
				}
				query := fmt.Sprintf(tc.tamper, inc.ID)
				// Backdating rewrites a time column, whose type differs by dialect.
				if h.db.Dialect() == "postgres" {
					query = strings.ReplaceAll(query, "interval_placeholder", "interval '1 day'")
				} else {
					query = strings.ReplaceAll(query, "occurred_at - interval_placeholder", "'2026-01-01T00:00:00.000000Z'")
				}
				if n := h.exec(t, query); n != 1 {
					t.Fatalf("tampering touched %d rows", n)
				}
				report, err := svc.VerifyTimeline(ctx, inc.ID)
				if err != nil {
					t.Fatal(err)
				}
				if report.OK || report.FirstBadSeq != tc.wantSeq || report.Problem == "" {
					t.Fatalf("report = %+v, want first bad event %d", report, tc.wantSeq)
				}
			})
		})
	}
}

func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		svc := newIncidents(t, h.db)
		inc := mustCreate(t, svc, newIncident("busy"))
		const writers, each = 6, 8
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					errs <- svc.AppendEvent(ctx, leakdesk.NewEvent(inc.ID, fmt.Sprintf("writer-%d", w), leakdesk.EventNote, time.Now(), map[string]any{"i": i}))
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent append: %v", err)
			}
		}
		report, err := svc.VerifyTimeline(ctx, inc.ID)
		if err != nil || !report.OK || report.Events != 1+writers*each {
			t.Fatalf("after concurrent appends: %+v, %v", report, err)
		}
	})
}

func TestFilings(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		svc := newIncidents(t, h.db)
		inc := mustCreate(t, svc, newIncident("filings"))
		clk.advance(10 * 24 * time.Hour) // the filings below are in the past
		at := inc.AwareAt.Add(20 * time.Hour)
		f := &leakdesk.Filing{IncidentID: inc.ID, Obligation: "nis2.early-warning", FiledAt: at, Ref: "CSIRT-2026-001", Actor: "alice"}
		if err := svc.RecordFiling(ctx, f); err != nil {
			t.Fatal(err)
		}
		second := &leakdesk.Filing{IncidentID: inc.ID, Obligation: "gdpr.art33.authority", FiledAt: at.Add(80 * time.Hour), Ref: "CNIL-123", DelayReason: "scope unknown until the dump was read", Actor: "bob"}
		if err := svc.RecordFiling(ctx, second); err != nil {
			t.Fatal(err)
		}
		wantCode(t, svc.RecordFiling(ctx, &leakdesk.Filing{IncidentID: inc.ID, Obligation: "x", FiledAt: at, Actor: "a"}), leakdesk.EINVALID)
		wantCode(t, svc.RecordFiling(ctx, &leakdesk.Filing{IncidentID: 99, Obligation: "x", FiledAt: at, Ref: "r", Actor: "a"}), leakdesk.ENOTFOUND)
		list, err := svc.FindFilings(ctx, inc.ID)
		if err != nil || len(list) != 2 || list[0].Ref != "CSIRT-2026-001" || !list[0].FiledAt.Equal(at) || list[1].DelayReason == "" {
			t.Fatalf("filings = %+v, %v", list, err)
		}
		ev := lastEvent(t, svc, inc.ID)
		if ev.Kind != leakdesk.EventObligationFiled || !ev.OccurredAt.Equal(second.FiledAt) {
			t.Fatalf("last event = %+v", ev)
		}
		mustVerify(t, svc, inc.ID)
	})
}

func TestFindings(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db)
		incidents := newIncidents(t, h.db)
		svc := store.NewFindingsService(h.db)
		inc := mustCreate(t, incidents, newIncident("findings"))
		_, err := svc.LatestFindings(ctx, inc.ID)
		wantCode(t, err, leakdesk.ENOTFOUND)
		for run := range 2 {
			f := &leakdesk.Findings{IncidentID: inc.ID, Registry: "crm.csv", Leaks: []string{"dump.txt"}, Rows: 10, MatchedRows: int64(8 + run), Actor: "alice",
				Contacts: []leakdesk.AffectedContact{
					{ID: "C-1", OrgID: "O-1", Organisation: "Acme", Class: "certain", Confidence: 0.999, Fields: []string{"email", "name"}, Rows: []int64{1, 7},
						Evidence: []leakdesk.Agreement{{Field: "email", How: "equal", Weight: 18}}},
					{ID: "C-2", OrgID: "O-1", Organisation: "Acme", Class: "probable", Confidence: 0.94, Fields: []string{"phone"}, Rows: []int64{3}},
				},
				Organisations: []leakdesk.AffectedOrganisation{{ID: "O-1", Name: "Acme", Contacts: 2}},
				Review:        []leakdesk.ReviewItem{{Row: 5, Candidates: []leakdesk.Candidate{{ID: "C-3", Confidence: 0.6}}}}}
			if err := svc.RecordFindings(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		got, err := svc.LatestFindings(ctx, inc.ID)
		if err != nil || got.MatchedRows != 9 || len(got.Contacts) != 2 || got.Contacts[0].Rows[1] != 7 || got.Contacts[0].Evidence[0].Weight != 18 || got.Review[0].Candidates[0].ID != "C-3" {
			t.Fatalf("latest findings = %+v, %v", got, err)
		}
		if ev := lastEvent(t, incidents, inc.ID); ev.Kind != leakdesk.EventFindingsRecorded {
			t.Fatalf("last event %+v", ev)
		}
		var n int
		if err := h.raw.QueryRow("SELECT count(*) FROM affected_contacts WHERE class = 'certain'").Scan(&n); err != nil || n != 2 {
			t.Fatalf("affected contact rows: %d, %v", n, err)
		}
		wantCode(t, svc.RecordFindings(ctx, &leakdesk.Findings{IncidentID: 99, Actor: "a"}), leakdesk.ENOTFOUND)
	})
}
