package rules_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/store"
)

// desk is the rules' services over one store, SQLite or PostgreSQL, and
// a vault, with the evidence read by dump's profiler.
type desk struct {
	db  *store.DB
	svc *rules.Services
}

func eachStore(t *testing.T, fn func(t *testing.T, d *desk)) {
	testbackends.Each(t, func(t *testing.T, b *testbackends.Desk) {
		evidence := store.NewEvidenceService(b.DB, b.Vault)
		profiler, err := dump.NewEvidenceProfiler(evidence, func() (string, error) { return t.TempDir(), nil })
		if err != nil {
			t.Fatal(err)
		}
		fn(t, &desk{db: b.DB, svc: &rules.Services{Incidents: store.NewIncidentService(b.DB, b.Rules), Findings: store.NewFindingsService(b.DB),
			Notices: store.NewNoticeService(b.DB), Evidence: evidence, Profiler: profiler, Rules: b.Rules}})
	})
}

// newIncident opens a GDPR incident, aware ten hours ago, holding the
// paste of five customers found on a forum.
func (d *desk) newIncident(t *testing.T) *leakdesk.Incident {
	t.Helper()
	ctx := context.Background()
	inc := &leakdesk.Incident{Title: "customers on a forum", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}, Country: "FR",
		TimeZone: "Europe/Paris", AwareAt: time.Now().Add(-10 * time.Hour).Truncate(time.Minute)}
	if err := d.svc.Incidents.CreateIncident(ctx, inc, "alice"); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join("..", "dump", "testdata", "paste_banner.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e := &leakdesk.Evidence{IncidentID: inc.ID, Filename: "paste_banner.txt", Source: "criminal forum", AddedBy: "alice"}
	if err := d.svc.Evidence.AddEvidence(ctx, e, f); err != nil {
		t.Fatal(err)
	}
	return inc
}

func (d *desk) events(t *testing.T, id int64) []*leakdesk.Event {
	t.Helper()
	events, err := d.svc.Incidents.FindEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

func kinds(events []*leakdesk.Event, kind string) int {
	n := 0
	for _, ev := range events {
		if ev.Kind == kind {
			n++
		}
	}
	return n
}

func TestSummary(t *testing.T) {
	eachStore(t, func(t *testing.T, d *desk) {
		ctx := context.Background()
		inc := d.newIncident(t)
		sum, err := d.svc.Summary(ctx, inc.ID, inc.AwareAt.Add(10*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if sum.ID != inc.PublicID() || sum.Title != inc.Title || len(sum.Evidence) != 1 || sum.Evidence[0].Source != "criminal forum" {
			t.Fatalf("summary = %+v", sum)
		}
		i := slices.IndexFunc(sum.Deadlines, func(d rules.DeadlineLeft) bool { return d.Obligation == "gdpr.art33.authority" })
		if i < 0 || sum.Deadlines[i].Left != "2d 14h 00m" {
			t.Fatalf("Art. 33 deadline = %+v, want 2d 14h left of 72 hours", sum.Deadlines)
		}
		if _, err := d.svc.Summary(ctx, inc.ID+100, time.Now()); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("summary of no incident: %v, want ENOTFOUND", err)
		}
	})
}

func TestTimeLeft(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		due  time.Time
		want string
	}{
		{now.Add(26*time.Hour + 5*time.Minute), "1d 02h 05m"},
		{now.Add(90 * time.Minute), "1h 30m"},
		{now.Add(-3 * time.Hour), "late by 3h 00m"},
		{time.Time{}, "-"},
	} {
		if got := rules.TimeLeft(tc.due, now); got != tc.want {
			t.Errorf("TimeLeft(%s) = %q, want %q", tc.due, got, tc.want)
		}
	}
}

func TestAssessRefusesAdjustmentsWithoutReasons(t *testing.T) {
	eachStore(t, func(t *testing.T, d *desk) {
		inc := d.newIncident(t)
		before := len(d.events(t, inc.ID))
		for _, tc := range []struct {
			set  map[string]float64
			why  map[string]string
			want string
		}{
			{map[string]float64{"dpc": 3}, nil, "--dpc needs a reason"},
			{map[string]float64{"dpc": 3}, map[string]string{"dcp": "typo"}, "unknown factor"},
			{nil, map[string]string{"ei": "nothing set"}, "--ei is not set"},
			{map[string]float64{"ei": 0.6}, map[string]string{"ei": "not a level"}, "EI = 0.6"},
		} {
			_, err := d.svc.Assess(context.Background(), inc.ID, rules.AssessRequest{Actor: "alice", Set: tc.set, Why: tc.why, Confirm: true, Now: time.Now()})
			if leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(leakdesk.ErrorMessage(err), tc.want) {
				t.Errorf("set %v why %v: %v, want EINVALID with %q", tc.set, tc.why, err, tc.want)
			}
		}
		// Only a value out of range is found after the evidence is read:
		// the refused assessments recorded nothing else.
		events := d.events(t, inc.ID)
		if kinds(events, leakdesk.EventAssessmentConfirmed) != 0 || len(events) != before+1 {
			t.Fatalf("refused assessments left %d events after %d", len(events), before)
		}
	})
}

func TestAssessIncident(t *testing.T) {
	eachStore(t, func(t *testing.T, d *desk) {
		ctx := context.Background()
		inc := d.newIncident(t)

		// A proposal reads the evidence, logged, and records nothing else.
		got, err := d.svc.Assess(ctx, inc.ID, rules.AssessRequest{Actor: "bob", Now: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		f, s := got.Assessment.Findings, got.Assessment.Severity
		if got.Confirmed || f.Persons != 5 || f.PersonsHow != rules.PersonsByEmail || f.Records == 0 || f.Categories["contact"] == 0 ||
			!slices.Equal(f.Sources, []string{"criminal forum"}) || s.Input.Malicious.Value != 0.5 || s.Band == rules.BandUndetermined {
			t.Fatalf("proposal = %+v", got)
		}
		events := d.events(t, inc.ID)
		last := events[len(events)-1]
		if kinds(events, leakdesk.EventAssessmentConfirmed) != 0 || last.Kind != leakdesk.EventEvidenceRead || last.Actor != "bob" ||
			!strings.Contains(string(last.Details), "assess severity") {
			t.Fatalf("after a proposal, the timeline ends with %s by %s: %s", last.Kind, last.Actor, last.Details)
		}

		// Matching counts the people; the confirmed assessment says so.
		findings := &leakdesk.Findings{IncidentID: inc.ID, Rows: 5, Actor: "alice",
			People: leakdesk.People{Total: 7, Affected: 4, Former: 1, Unknown: 2}}
		if err := d.svc.Findings.RecordFindings(ctx, findings); err != nil {
			t.Fatal(err)
		}
		got, err = d.svc.Assess(ctx, inc.ID, rules.AssessRequest{Actor: "carol", Now: time.Now(), Confirm: true,
			Set: map[string]float64{"dpc": 3}, Why: map[string]string{"dpc": "admin passwords in a second file"}})
		if err != nil {
			t.Fatal(err)
		}
		if f := got.Assessment.Findings; !got.Confirmed || f.Persons != 7 || f.People == nil || f.People.Former != 1 || f.PersonsHow == rules.PersonsByEmail {
			t.Fatalf("confirmed = %+v", got)
		}
		ev, recorded, err := leakdesk.LatestAssessment(d.events(t, inc.ID))
		if err != nil {
			t.Fatal(err)
		}
		if dpc := recorded.Severity.Input.DPC; ev.Actor != "carol" || dpc.Value != 3 || !dpc.Set || dpc.Reason != "admin passwords in a second file" ||
			recorded.Severity.Score != got.Assessment.Severity.Score || recorded.Findings.Persons != 7 {
			t.Fatalf("recorded by %s: %+v", ev.Actor, recorded)
		}
	})
}

func TestReportInput(t *testing.T) {
	eachStore(t, func(t *testing.T, d *desk) {
		ctx := context.Background()
		inc := d.newIncident(t)
		fact := func(key, value string) {
			if err := d.svc.Incidents.AppendEvent(ctx, leakdesk.NewEvent(inc.ID, "alice", leakdesk.EventFact, time.Now(), map[string]string{"key": key, "value": value})); err != nil {
				t.Fatal(err)
			}
		}
		in, err := d.svc.ReportInput(ctx, inc.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if in.Severity != nil || in.Persons != 0 || len(in.Evidence) != 1 || len(in.Deadlines) == 0 || in.Facts["subjects_informed.fr"] != "" {
			t.Fatalf("before any assessment or notice: %+v", in)
		}

		fact("dpo", "dpo@acme.example")
		if _, err := d.svc.Assess(ctx, inc.ID, rules.AssessRequest{Actor: "alice", Now: time.Now(), Confirm: true}); err != nil {
			t.Fatal(err)
		}
		notices := d.svc.Notices
		if _, err := notices.AddRecipients(ctx, inc.ID, "alice", []*leakdesk.Recipient{{Key: "C-1", Kind: leakdesk.RecipientAffected, ContactID: "C-1",
			Name: "Zoé Martin", Email: "zoe@client.example", Language: "fr"}}); err != nil {
			t.Fatal(err)
		}
		enqueue := func(context.Context, *sql.Tx, int64, []int64) error { return nil }
		if _, _, err := notices.CreateNotice(ctx, &leakdesk.Notice{IncidentID: inc.ID, Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first",
			Actor: "alice", Domain: "acme.example"}, enqueue); err != nil {
			t.Fatal(err)
		}
		in, err = d.svc.ReportInput(ctx, inc.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if in.Facts["dpo"] != "dpo@acme.example" || in.Severity == nil || in.Persons != 5 || in.Records == 0 || in.Categories["contact"] == 0 ||
			in.Facts["subjects_informed.fr"] == "" || in.Facts["subjects_informed.en"] == "" {
			t.Fatalf("after assessment and a notice: facts %v, severity %v, persons %d", in.Facts, in.Severity, in.Persons)
		}
		// What a responder recorded is not said for them.
		fact("subjects_informed", "by letter, on 2 March")
		if in, err = d.svc.ReportInput(ctx, inc.ID, time.Now()); err != nil || in.Facts["subjects_informed.fr"] != "" {
			t.Fatalf("with subjects_informed recorded: %v, %v", in.Facts, err)
		}

		rep, err := d.svc.Report(ctx, inc.ID, "gdpr-art33", "en", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Kind != "gdpr-art33" || rep.Incident != inc.PublicID() || !strings.Contains(rep.Markdown(), "dpo@acme.example") {
			t.Fatalf("report:\n%s", rep.Markdown())
		}
		if _, err := d.svc.Report(ctx, inc.ID, "gdpr-art99", "en", time.Now()); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Fatalf("unknown report kind: %v, want EINVALID", err)
		}
	})
}

// TestReportChecksTheRecord: a report says the record holds, and names a
// side table edited behind leakdesk's back once the check it may reuse,
// made at the same timeline length, is a minute old.
func TestReportChecksTheRecord(t *testing.T) {
	eachStore(t, func(t *testing.T, d *desk) {
		ctx := context.Background()
		inc := d.newIncident(t)
		now := time.Now()
		in, err := d.svc.ReportInput(ctx, inc.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if in.Record == nil || !in.Record.Chain.OK || in.Record.Signed != nil {
			t.Fatalf("a fresh incident's record: %+v", in.Record)
		}
		closeBehindItsBack := `UPDATE incidents SET status = 'closed' WHERE id = ?`
		if d.db.Dialect() == "postgres" {
			closeBehindItsBack = `UPDATE incidents SET status = 'closed' WHERE id = $1`
		}
		if _, err := d.db.SQL().ExecContext(ctx, closeBehindItsBack, inc.ID); err != nil {
			t.Fatal(err)
		}
		if in, err = d.svc.ReportInput(ctx, inc.ID, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if in.Record.Chain.OK || len(in.Record.Chain.Disagreements) != 1 {
			t.Fatalf("a report a minute after a direct close: %+v", in.Record.Chain)
		}
	})
}
