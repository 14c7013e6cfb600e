package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/store"
)

// TestRegulatoryCases is the table of regulatory cases run on both stores:
// each case cites its article, makes its calls through the incident
// service, and expects a due time, a status, a refusal or a warning.
func TestRegulatoryCases(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	aware := time.Date(2026, 3, 2, 6, 0, 0, 0, paris)
	h := func(hours float64) time.Time { return aware.Add(time.Duration(hours * float64(time.Hour))) }
	type filing struct {
		obligation string
		at         time.Time
		reason     string
	}
	tests := []struct {
		article    string
		regimes    string
		filings    []filing // recorded in order; all but the last must succeed
		wantErr    string   // the last filing's refusal, "" when accepted
		wantWarn   string   // a warning of the last filing, kept on the timeline
		obligation string   // then this obligation's clock
		wantStatus string
		wantDue    time.Time
	}{
		{"GDPR Art. 33(1): a notification in time is met", "gdpr",
			[]filing{{"gdpr.art33.authority", h(30), ""}}, "", "", "gdpr.art33.authority", leakdesk.DeadlineMet, h(72)},
		{"GDPR Art. 33(1): a late notification without reasons is refused, citing Art. 33(1)", "gdpr",
			[]filing{{"gdpr.art33.authority", h(80), ""}}, "GDPR Art. 33(1) requires", "", "gdpr.art33.authority", leakdesk.DeadlineLate, h(72)},
		{"GDPR Art. 33(4): a second part after 72 hours needs no delay reason", "gdpr",
			[]filing{{"gdpr.art33.authority", h(30), ""}, {"gdpr.art33.authority", h(200), ""}}, "", "", "gdpr.art33.authority", leakdesk.DeadlineMet, h(72)},
		{"a filing dated in the future is refused", "gdpr",
			[]filing{{"gdpr.art33.authority", h(24 * 30), ""}}, "in the future", "", "gdpr.art33.authority", leakdesk.DeadlineLate, h(72)},
		{"a filing dated before awareness is refused", "gdpr",
			[]filing{{"gdpr.art33.authority", h(-1), ""}}, "before the organisation became aware", "", "gdpr.art33.authority", leakdesk.DeadlineLate, h(72)},
		{"NIS2 Art. 23(4)(d): no final report before the notification", "nis2",
			[]filing{{"nis2.final-report", h(40), ""}}, "file nis2.notification first", "", "nis2.final-report", leakdesk.DeadlineNotStarted, time.Time{}},
		{"NIS2 Art. 23(4)(b): a late notification is accepted with a warning citing NIS2", "nis2",
			[]filing{{"nis2.notification", h(100), ""}}, "", "NIS2 Art. 23(4)(b) asks for no reasons", "nis2.notification", leakdesk.DeadlineLate, h(72)},
		{"RTS 2025/301 Art. 5(3): a late intermediate report without reasons is refused, citing the RTS", "dora",
			[]filing{{"dora.classification", h(1), ""}, {"dora.initial", h(3), ""}, {"dora.intermediate", h(100), ""}}, "RTS 2025/301 Art. 5(3)", "", "dora.intermediate", leakdesk.DeadlineLate, h(75)},
		{"RTS 2025/301 Art. 5(1)(b), (c): an updated intermediate report is accepted, and the final report runs from it", "dora",
			[]filing{{"dora.classification", h(1), ""}, {"dora.initial", h(3), ""}, {"dora.intermediate", h(50), ""}, {"dora.intermediate", h(200), ""}},
			"", "", "dora.final", leakdesk.DeadlineDue, time.Date(2026, 4, 10, 23, 59, 59, 0, paris)},
		{"RTS 2025/301 Art. 5(2): classified 30 hours after awareness, due 4 hours after", "dora",
			[]filing{{"dora.classification", h(30), ""}}, "", "", "dora.initial", leakdesk.DeadlineLate, h(34)},
		{"RTS 2025/301 Art. 5(1)(a): a back-dated classification that makes the initial notification late is warned about", "dora",
			[]filing{{"dora.initial", h(6), ""}, {"dora.classification", h(0.5), ""}}, "", "turns dora.initial", "dora.initial", leakdesk.DeadlineLate, h(4.5)},
		{"NIS2 Art. 23(4)(c): an intermediate report nobody asked for is refused", "nis2",
			[]filing{{"nis2.notification", h(50), ""}, {"nis2.intermediate-report", h(100), ""}}, "file nis2.intermediate-request first", "", "nis2.intermediate-report", leakdesk.DeadlineNotApplicable, time.Time{}},
		{"NIS2 Art. 23(4)(c): on request, the intermediate report is owed and met when filed", "nis2",
			[]filing{{"nis2.notification", h(50), ""}, {"nis2.intermediate-request", h(90), ""}, {"nis2.intermediate-report", h(100), ""}}, "", "", "nis2.intermediate-report", leakdesk.DeadlineMet, time.Time{}},
		{"NIS2 Art. 23(4)(e): an ongoing incident's final report is refused at one month, replaced by the progress report", "nis2",
			[]filing{{"nis2.notification", h(50), ""}, {"nis2.ongoing", h(300), ""}, {"nis2.final-report", h(310), ""}}, "replaced, as nis2.ongoing", "", "nis2.progress-report", leakdesk.DeadlineDue,
			time.Date(2026, 4, 7, 23, 59, 59, 0, paris)}, // 4 April is a Saturday, 6 April Easter Monday
	}
	for _, tc := range tests {
		t.Run(tc.article, func(t *testing.T) {
			eachStore(t, func(t *testing.T, hs *harness) {
				ctx := context.Background()
				clk := newClock(hs.db)
				clk.t = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
				svc := newIncidents(t, hs.db)
				inc := mustCreate(t, svc, &leakdesk.Incident{Title: tc.article, AwareAt: aware, Role: leakdesk.RoleController,
					Regimes: strings.Split(tc.regimes, ","), Country: "FR", TimeZone: "Europe/Paris"})
				var last *leakdesk.Filing
				var err error
				for i, f := range tc.filings {
					last = &leakdesk.Filing{IncidentID: inc.ID, Obligation: f.obligation, FiledAt: f.at, Ref: "ref", DelayReason: f.reason, Actor: "alice"}
					err = svc.RecordFiling(ctx, last)
					if i < len(tc.filings)-1 && err != nil {
						t.Fatalf("filing %d: %v", i, err)
					}
				}
				switch {
				case tc.wantErr != "" && (leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(err.Error(), tc.wantErr)):
					t.Fatalf("%s: error %v, want EINVALID saying %q", tc.article, err, tc.wantErr)
				case tc.wantErr == "" && err != nil:
					t.Fatalf("%s: refused: %v", tc.article, err)
				case tc.wantWarn != "":
					ev := lastEvent(t, svc, inc.ID)
					var details struct{ Warnings []string }
					json.Unmarshal(ev.Details, &details)
					if !strings.Contains(strings.Join(last.Warnings, "\n"), tc.wantWarn) || !strings.Contains(strings.Join(details.Warnings, "\n"), tc.wantWarn) {
						t.Fatalf("%s: warnings %q, on the timeline %q, want %q", tc.article, last.Warnings, details.Warnings, tc.wantWarn)
					}
				}
				r, _ := testRules()
				filings, err := svc.FindFilings(ctx, inc.ID)
				if err != nil {
					t.Fatal(err)
				}
				list, err := r.Deadlines(inc, filings, hs.db.Now())
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range list {
					if d.Obligation == tc.obligation && (d.Status != tc.wantStatus || !d.Due.Equal(tc.wantDue)) {
						t.Errorf("%s: %s %s due %v (%s), want %s due %v", tc.article, d.Obligation, d.Status, d.Due, d.Reason, tc.wantStatus, tc.wantDue)
					}
				}
			})
		})
	}
}

// TestClosingWaitsForTheLaw: closing is refused while an obligation is
// due, not started or overdue, unless each one is waived with a reason;
// filings are refused on a closed incident; reopening is on the timeline.
func TestClosingWaitsForTheLaw(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		svc := newIncidents(t, h.db)
		inc := mustCreate(t, svc, newIncident("close")) // GDPR and NIS2, controller
		clk.advance(5 * 24 * time.Hour)
		err := svc.CloseIncident(ctx, inc.ID, "bob", "done", time.Time{}, nil)
		wantCode(t, err, leakdesk.ECONFLICT)
		for _, o := range []string{"gdpr.art33.authority (GDPR Art. 33(1), late, due", "nis2.early-warning", "gdpr.art33-5.register", "nis2.final-report (NIS2 Art. 23(4)(d), not-started"} {
			if !strings.Contains(err.Error(), o) {
				t.Errorf("refusal does not name %s: %v", o, err)
			}
		}
		for _, f := range []*leakdesk.Filing{
			{Obligation: "gdpr.art33.authority", FiledAt: inc.AwareAt.Add(30 * time.Hour)},
			{Obligation: "gdpr.art33-5.register", FiledAt: inc.AwareAt.Add(31 * time.Hour)},
			{Obligation: "nis2.early-warning", FiledAt: inc.AwareAt.Add(20 * time.Hour)},
			{Obligation: "nis2.notification", FiledAt: inc.AwareAt.Add(50 * time.Hour)},
		} {
			f.IncidentID, f.Ref, f.Actor = inc.ID, "ref", "alice"
			if err := svc.RecordFiling(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		waived := map[string]string{"gdpr.art34.subjects": "risk not high: see the confirmed assessment", "nis2.final-report": "filed by the parent company"}
		err = svc.CloseIncident(ctx, inc.ID, "bob", "done", time.Time{}, waived)
		wantCode(t, err, leakdesk.ECONFLICT)
		if !strings.Contains(err.Error(), "1 legal obligation(s)") || !strings.Contains(err.Error(), "nis2.recipients") {
			t.Fatalf("one obligation left: %v", err)
		}
		waived["nis2.early-warning"] = "filed already"
		wantCode(t, svc.CloseIncident(ctx, inc.ID, "bob", "done", time.Time{}, waived), leakdesk.EINVALID)
		delete(waived, "nis2.early-warning")
		waived["nis2.recipients"] = "no recipient of the service is affected"
		if err := svc.CloseIncident(ctx, inc.ID, "bob", "done", time.Time{}, waived); err != nil {
			t.Fatalf("close with every obligation filed or waived: %v", err)
		}
		var closed struct{ Waived map[string]string }
		if ev := lastEvent(t, svc, inc.ID); ev.Kind != leakdesk.EventIncidentClosed || json.Unmarshal(ev.Details, &closed) != nil || len(closed.Waived) != 3 {
			t.Fatalf("close event = %s %s", ev.Kind, ev.Details)
		}
		late := &leakdesk.Filing{IncidentID: inc.ID, Obligation: "nis2.final-report", FiledAt: inc.AwareAt.Add(60 * time.Hour), Ref: "ref", Actor: "alice"}
		wantCode(t, svc.RecordFiling(ctx, late), leakdesk.ECONFLICT)

		wantCode(t, svc.ReopenIncident(ctx, inc.ID, "carol", "", time.Time{}), leakdesk.EINVALID)
		if err := svc.ReopenIncident(ctx, inc.ID, "carol", "the CSIRT asked for the final report", time.Time{}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, svc.ReopenIncident(ctx, inc.ID, "carol", "again", time.Time{}), leakdesk.ECONFLICT)
		if ev := lastEvent(t, svc, inc.ID); ev.Kind != leakdesk.EventIncidentReopened || ev.Actor != "carol" || !strings.Contains(string(ev.Details), "CSIRT") {
			t.Fatalf("reopen event = %+v", ev)
		}
		got, err := svc.FindIncidentByID(ctx, inc.ID)
		if err != nil || got.Status != leakdesk.StatusOpen || !got.ClosedAt.IsZero() {
			t.Fatalf("reopened incident = %+v, %v", got, err)
		}
		if err := svc.RecordFiling(ctx, late); err != nil {
			t.Fatalf("filing once reopened: %v", err)
		}
		mustVerify(t, svc, inc.ID)
	})
}

// TestAwarenessCannotBeInTheFuture: a century ahead, or after a filing.
func TestAwarenessCannotBeInTheFuture(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		svc := newIncidents(t, h.db)
		ahead := newIncident("ahead")
		ahead.AwareAt = clk.t.AddDate(100, 0, 0)
		wantCode(t, svc.CreateIncident(ctx, ahead, "alice"), leakdesk.EINVALID)
		inc := mustCreate(t, svc, newIncident("aware"))
		wantCode(t, svc.SetAwareness(ctx, inc.ID, "alice", clk.t.Add(time.Hour), "typo"), leakdesk.EINVALID)
		f := &leakdesk.Filing{IncidentID: inc.ID, Obligation: "nis2.early-warning", FiledAt: clk.t.Add(-time.Hour), Ref: "ref", Actor: "alice"}
		if err := svc.RecordFiling(ctx, f); err != nil {
			t.Fatal(err)
		}
		err := svc.SetAwareness(ctx, inc.ID, "alice", clk.t.Add(-time.Minute), "learnt later")
		wantCode(t, err, leakdesk.EINVALID)
		if !strings.Contains(err.Error(), "nis2.early-warning") {
			t.Fatalf("refusal does not name the filing: %v", err)
		}
	})
}

// TestStoredRegimes: an incident created with a regime read from --rules
// keeps it, so that its clocks, the embedded regimes' too, are computed
// and its filings checked by a leakdesk started without the directory.
func TestStoredRegimes(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	aware := time.Date(2026, 3, 2, 6, 0, 0, 0, paris)
	contract := `{"id":"contract","name":"Customer contract","sources":[{"title":"MSA s. 12.3"}],
		"obligations":[{"id":"contract.notice","title":"Notify customers","article":"MSA s. 12.3","to":"customers","starts":"awareness","within":"24h"}]}`
	// A national text that replaces the embedded GDPR file keeps its ID.
	transposed := `{"id":"gdpr","name":"GDPR as a contract reads it","sources":[{"title":"DPA s. 9"}],
		"obligations":[{"id":"gdpr.art33.authority","title":"Notify the authority","article":"DPA s. 9","to":"authority","starts":"awareness","within":"48h"}]}`
	tests := []struct {
		article    string
		files      []string // regime files given with --rules when the incident is created
		regimes    []string
		stored     []string // regimes whose files must be stored with the incident
		obligation string
		wantDue    time.Time
	}{
		{"MSA s. 12.3 (a custom regime): its clock without --rules", []string{contract}, []string{"gdpr", "contract"}, []string{"contract"}, "contract.notice", aware.Add(24 * time.Hour)},
		{"GDPR Art. 33(1) beside a custom regime: the embedded clock still shows", []string{contract}, []string{"gdpr", "contract"}, []string{"contract"}, "gdpr.art33.authority", aware.Add(72 * time.Hour)},
		{"DPA s. 9 (a file replacing the embedded gdpr): the replacement, not the embedded one", []string{transposed}, []string{"gdpr"}, []string{"gdpr"}, "gdpr.art33.authority", aware.Add(48 * time.Hour)},
		{"GDPR Art. 33(1), embedded: nothing stored", nil, []string{"gdpr", "nis2"}, nil, "gdpr.art33.authority", aware.Add(72 * time.Hour)},
	}
	for _, tc := range tests {
		t.Run(tc.article, func(t *testing.T) {
			eachStore(t, func(t *testing.T, hs *harness) {
				ctx := context.Background()
				clk := newClock(hs.db)
				clk.t = aware.Add(time.Hour)
				custom, err := rules.Load()
				if err != nil {
					t.Fatal(err)
				}
				for i, f := range tc.files {
					if err := custom.Add(fmt.Sprintf("custom%d.json", i), []byte(f)); err != nil {
						t.Fatal(err)
					}
				}
				inc := &leakdesk.Incident{Title: tc.article, AwareAt: aware, Role: leakdesk.RoleController, Regimes: tc.regimes, Country: "FR", TimeZone: "Europe/Paris"}
				if inc.RegimeFiles, err = custom.ForIncident(tc.regimes); err != nil {
					t.Fatal(err)
				}
				mustCreate(t, store.NewIncidentService(hs.db, custom), inc)

				// Later, without the directory.
				svc := newIncidents(t, hs.db)
				got, err := svc.FindIncidentByID(ctx, inc.ID)
				if err != nil {
					t.Fatal(err)
				}
				if keys := slices.Sorted(maps.Keys(got.RegimeFiles)); !slices.Equal(keys, tc.stored) {
					t.Fatalf("stored regime files %v, want %v", keys, tc.stored)
				}
				r, _ := testRules()
				f := &leakdesk.Filing{IncidentID: inc.ID, Obligation: tc.obligation, FiledAt: aware.Add(30 * time.Minute), Ref: "ref", Actor: "alice"}
				if err := svc.RecordFiling(ctx, f); err != nil {
					t.Fatalf("filing %s without --rules: %v", tc.obligation, err)
				}
				filings, err := svc.FindFilings(ctx, inc.ID)
				if err != nil {
					t.Fatal(err)
				}
				list, err := r.Deadlines(got, filings, hs.db.Now())
				if err != nil {
					t.Fatalf("deadlines without --rules: %v", err)
				}
				found := false
				for _, d := range list {
					if d.Obligation == tc.obligation {
						found = true
						if d.Status != leakdesk.DeadlineMet || !d.Due.Equal(tc.wantDue) {
							t.Errorf("%s %s due %v (%s), want met, due %v", d.Obligation, d.Status, d.Due, d.Reason, tc.wantDue)
						}
					}
				}
				if !found {
					t.Errorf("no clock for %s in %+v", tc.obligation, list)
				}
				var opened struct {
					Files map[string]string `json:"regime_files_sha256"`
				}
				evs, err := svc.FindEvents(ctx, inc.ID)
				if err != nil || json.Unmarshal(evs[0].Details, &opened) != nil || len(opened.Files) != len(tc.stored) {
					t.Errorf("opening event %s does not name the stored files %v", evs[0].Details, tc.stored)
				}
			})
		})
	}
}
