package status_test

import (
	"context"
	"database/sql"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/status"
	"github.com/leakdesk/leakdesk/store"
)

// desk is the services of one store, SQLite or PostgreSQL.
type desk struct {
	db        *store.DB
	incidents *store.IncidentService
	notices   *store.NoticeService
	svc       *status.Services
}

func eachStore(t *testing.T, fn func(t *testing.T, d *desk)) {
	testbackends.Each(t, func(t *testing.T, b *testbackends.Desk) {
		d := &desk{db: b.DB, incidents: store.NewIncidentService(b.DB, b.Rules), notices: store.NewNoticeService(b.DB)}
		d.svc = &status.Services{Incidents: d.incidents, Findings: store.NewFindingsService(b.DB), Notices: d.notices,
			Evidence: store.NewEvidenceService(b.DB, b.Vault), Rules: b.Rules}
		fn(t, d)
	})
}

func (d *desk) status(t *testing.T, id int64) *status.Status {
	t.Helper()
	st, err := d.svc.Status(context.Background(), id, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (d *desk) event(t *testing.T, id int64, kind string, v any) {
	t.Helper()
	if err := d.incidents.AppendEvent(context.Background(), leakdesk.NewEvent(id, "alice", kind, time.Now(), v)); err != nil {
		t.Fatal(err)
	}
}

func hasLine(lines []string, part string) bool {
	return slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, part) })
}

func unfiled(st *status.Status, obligation string) *status.Unfiled {
	for i := range st.Unfiled {
		if st.Unfiled[i].Obligation == obligation {
			return &st.Unfiled[i]
		}
	}
	return nil
}

func missing(st *status.Status, lang, fact string) bool {
	return slices.ContainsFunc(st.MissingFacts[lang], func(m status.MissingFact) bool { return m.Fact == fact })
}

// An incident through its states: no findings; findings and no notices;
// notices sent; filed.
func TestStatus(t *testing.T) {
	eachStore(t, func(t *testing.T, d *desk) {
		ctx := context.Background()
		// Aware 80 hours ago: the Art. 33 notification is overdue, NIS2's
		// notification too, and the early warning more so.
		inc := &leakdesk.Incident{Title: "list on a forum", Role: leakdesk.RoleController, Regimes: []string{"gdpr", "nis2"}, Country: "FR",
			TimeZone: "Europe/Paris", AwareAt: time.Now().Add(-80 * time.Hour).Truncate(time.Minute)}
		if err := d.incidents.CreateIncident(ctx, inc, "alice"); err != nil {
			t.Fatal(err)
		}

		// 1. Nothing known yet.
		st := d.status(t, inc.ID)
		if st.Findings != nil || st.Source != nil || st.Assessment.Confirmed || st.Coverage != nil {
			t.Fatalf("a new incident has findings, source, assessment or coverage: %+v", st)
		}
		if c := st.Clocks[0]; c.Obligation != "nis2.early-warning" || !c.Overdue || !strings.HasPrefix(c.Left, "overdue by 2d 08h") {
			t.Fatalf("first clock = %+v, want the early warning, overdue by 56 hours", c)
		}
		for i, c := range st.Clocks[1:] {
			prev := st.Clocks[i]
			if !prev.Due.IsZero() && !c.Due.IsZero() && c.Due.Before(prev.Due) {
				t.Fatalf("clock %s (due %s) after %s (due %s)", c.Obligation, c.Due, prev.Obligation, prev.Due)
			}
		}
		if last := st.Clocks[len(st.Clocks)-1]; last.Status != leakdesk.DeadlineNotApplicable {
			t.Fatalf("last clock %s is %s, want the one that does not apply", last.Obligation, last.Status)
		}
		if !missing(st, "fr", "measures") || !missing(st, "en", "controller") || !missing(st, "fr", "subjects_informed") {
			t.Fatalf("missing facts = %+v", st.MissingFacts)
		}
		if !hasLine(st.Next, "leakdesk match --incident INC-") || !hasLine(st.Next, "leakdesk assess") || !hasLine(st.Next, "leakdesk trace") ||
			!hasLine(st.Next, "--kind gdpr-art33") || hasLine(st.Next, "notify") {
			t.Fatalf("next = %q", st.Next)
		}
		if u := unfiled(st, "gdpr.art34.subjects"); u == nil || u.Done != "" || u.Record != "" {
			t.Fatalf("art. 34 before any notice: %+v", u)
		}

		// 2. Findings, a confirmed assessment, a tracing; no notices yet.
		d.event(t, inc.ID, leakdesk.EventFact, map[string]string{"key": "measures.fr", "value": "Accès fermé."})
		d.event(t, inc.ID, leakdesk.EventFact, map[string]string{"key": "controller", "value": "Acme SA"})
		contacts := []leakdesk.AffectedContact{
			{ID: "C-1", OrgID: "O-1", Organisation: "Client SA", Name: "Zoé Martin", Email: "zoe@client.example", Language: "fr", Class: "certain", Fields: []string{"email"}, Rows: []int64{1}},
			{ID: "C-2", OrgID: "O-1", Organisation: "Client SA", Name: "Paul Durand", Email: "paul@client.example", Language: "en", Class: "certain", Fields: []string{"email"}, Rows: []int64{2}},
		}
		f := &leakdesk.Findings{IncidentID: inc.ID, Rows: 5, MatchedRows: 2, Contacts: contacts, Organisations: []leakdesk.AffectedOrganisation{{ID: "O-1", Name: "Client SA", Contacts: 2}},
			Former:  []leakdesk.LeakedPerson{{Name: "Ana Lopez", Email: "ana@old.example", Fields: []string{"email"}, Rows: []int64{3}, Sources: []string{"export"}}},
			Unknown: []leakdesk.LeakedPerson{{Name: "X Y", Email: "x@else.example", Fields: []string{"email"}, Rows: []int64{4}}},
			Review:  []leakdesk.ReviewItem{{Row: 5, Candidates: []leakdesk.Candidate{{ID: "C-1", Confidence: 0.5}}}},
			People:  leakdesk.People{Total: 4, Affected: 2, Former: 1, Unknown: 1, ReviewRows: 1, FormerRows: 1, UnknownRows: 1}, Actor: "alice"}
		if err := store.NewFindingsService(d.db).RecordFindings(ctx, f); err != nil {
			t.Fatal(err)
		}
		sev, err := rules.Assess(rules.DefaultSeverityInput(map[string]int64{"contact": 3}, []string{"criminal forum"}))
		if err != nil {
			t.Fatal(err)
		}
		d.event(t, inc.ID, leakdesk.EventAssessmentConfirmed, map[string]any{"severity": sev})
		d.event(t, inc.ID, leakdesk.EventTraceRanked, map[string]any{"leak": "leak.csv", "verdict": "source", "note": "export FX-1 of sales holds every leaked row",
			"dating": map[string]any{"note": "taken between 2026-03-01 and 2026-03-04"}})
		st = d.status(t, inc.ID)
		if fs := st.Findings; fs == nil || fs.Affected != 2 || fs.Former != 1 || fs.Unknown != 1 || fs.ReviewRows != 1 || fs.Organisations != 1 {
			t.Fatalf("findings = %+v", st.Findings)
		}
		if s := st.Source; s == nil || s.Verdict != "source" || !strings.Contains(s.Note, "FX-1") || !strings.Contains(s.Dating, "2026-03-01") {
			t.Fatalf("source = %+v", st.Source)
		}
		if as := st.Assessment; !as.Confirmed || as.By != "alice" || as.Band != sev.Band || as.Authority != sev.Authority.Decision() {
			t.Fatalf("assessment = %+v, want %s / %s", as, sev.Band, sev.Authority.Decision())
		}
		if missing(st, "fr", "measures") || !missing(st, "en", "measures") || missing(st, "en", "controller") || !missing(st, "fr", "dpo") {
			t.Fatalf("missing facts after measures.fr and controller = %+v", st.MissingFacts)
		}
		if c := st.Coverage; c == nil || c.Notices != 0 || c.NotInAudience != 2 || !strings.Contains(c.Conclusion, "2 not reached") {
			t.Fatalf("coverage before any notice = %+v", st.Coverage)
		}
		if !hasLine(st.Next, "leakdesk notify plan INC-") || hasLine(st.Next, "leakdesk match") || hasLine(st.Next, "leakdesk assess") || hasLine(st.Next, "leakdesk trace") {
			t.Fatalf("next = %q", st.Next)
		}

		// 3. The notices go out, and are accepted by the mail server.
		var rs []*leakdesk.Recipient
		for _, c := range contacts {
			rs = append(rs, &leakdesk.Recipient{Key: c.ID, Kind: leakdesk.RecipientAffected, ContactID: c.ID, Name: c.Name, Email: c.Email, Language: c.Language})
		}
		if _, err := d.notices.AddRecipients(ctx, inc.ID, "alice", rs); err != nil {
			t.Fatal(err)
		}
		var deliveries []int64
		enqueue := func(_ context.Context, _ *sql.Tx, _ int64, ids []int64) error { deliveries = ids; return nil }
		if _, _, err := d.notices.CreateNotice(ctx, &leakdesk.Notice{IncidentID: inc.ID, Campaign: "first-notice", Kind: leakdesk.NoticeFirst, Template: "first", Actor: "alice", Domain: "acme.example"}, enqueue); err != nil {
			t.Fatal(err)
		}
		for _, id := range deliveries {
			claim, err := d.notices.Advance(ctx, nil, id, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.notices.Advance(ctx, &leakdesk.Outcome{Claim: claim, State: leakdesk.DeliverySent}, 0, time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		st = d.status(t, inc.ID)
		if c := st.Coverage; c == nil || c.Notices != 1 || c.Summary.All.Sent != 2 || c.Summary.All.Reached() != 0 || c.FormerNotInAudience != 1 ||
			!strings.Contains(c.Words, "2 sent, with no evidence") {
			t.Fatalf("coverage after sending = %+v", st.Coverage)
		}
		if missing(st, "fr", "subjects_informed") {
			t.Fatal("subjects_informed is said from the coverage once notices went out")
		}
		art34 := unfiled(st, "gdpr.art34.subjects")
		if art34 == nil || !strings.Contains(art34.Done, "1 notice, the first made ") || !strings.Contains(art34.Done, "2 sent") ||
			!strings.Contains(art34.Record, "leakdesk filed "+inc.PublicID()+" gdpr.art34.subjects --at ") {
			t.Fatalf("art. 34 after the notices: %+v", art34)
		}
		if reg := unfiled(st, "gdpr.art33-5.register"); reg == nil || !strings.Contains(reg.Done, "--kind register") || !strings.Contains(reg.Record, "gdpr.art33-5.register") {
			t.Fatalf("register after the notices: %+v", reg)
		}
		if !hasLine(st.Next, art34.Record) || hasLine(st.Next, "notify plan") {
			t.Fatalf("next = %q", st.Next)
		}

		// 4. Filed: what is filed leaves the list, and its clock goes after
		// those still running.
		for _, o := range []string{"gdpr.art34.subjects", "gdpr.art33-5.register", "gdpr.art33.authority"} {
			if err := d.incidents.RecordFiling(ctx, &leakdesk.Filing{IncidentID: inc.ID, Obligation: o, FiledAt: time.Now().Add(-time.Minute), Ref: "ref " + o,
				DelayReason: "the list was found late", Actor: "alice"}); err != nil {
				t.Fatal(err)
			}
		}
		st = d.status(t, inc.ID)
		for _, o := range []string{"gdpr.art34.subjects", "gdpr.art33-5.register", "gdpr.art33.authority"} {
			if unfiled(st, o) != nil {
				t.Fatalf("%s is filed but listed: %+v", o, st.Unfiled)
			}
		}
		if unfiled(st, "nis2.early-warning") == nil || st.Clocks[0].Obligation != "nis2.early-warning" {
			t.Fatalf("the NIS2 early warning is still to file: %+v", st.Clocks[0])
		}
		for _, c := range st.Clocks {
			if c.Obligation == "gdpr.art33.authority" && (c.FiledAt.IsZero() || c.Overdue || c.Left != "") {
				t.Fatalf("filed clock %+v", c)
			}
		}
		if hasLine(st.Next, "gdpr.art34.subjects") || !hasLine(st.Next, "--kind nis2-early-warning") {
			t.Fatalf("next after filing = %q", st.Next)
		}
	})
}

func TestStatusNotFound(t *testing.T) {
	eachStore(t, func(t *testing.T, d *desk) {
		if _, err := d.svc.Status(context.Background(), 99, time.Now()); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("status of no incident: %v", err)
		}
	})
}

func TestMissingByFact(t *testing.T) {
	t.Parallel()
	st := &status.Status{MissingFacts: map[string][]status.MissingFact{
		"en": {{Fact: "dpo", For: []string{"cnil"}}, {Fact: "measures", For: []string{"cnil", "notices"}}},
		"fr": {{Fact: "measures", For: []string{"cnil", "notices"}}},
	}}
	got := st.MissingByFact()
	want := []status.MissingIn{
		{Fact: "measures", Languages: []string{"fr", "en"}, For: []string{"cnil", "notices"}},
		{Fact: "dpo", Languages: []string{"en"}, For: []string{"cnil"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("MissingByFact() = %+v, want %+v", got, want)
	}
}
