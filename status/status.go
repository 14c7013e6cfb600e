// Package status assembles an incident's status page from the services:
// its clocks, findings, source, assessment, missing facts, notice coverage,
// the obligations not yet filed, and the commands to run next. The command
// line and the console show the same page from it.
package status

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/rules"
)

// Status is one incident on one page. Its JSON is the contract of
// "leakdesk incident status --format json", documented in docs/incidents.md.
type Status struct {
	Incident string    `json:"incident"`
	Title    string    `json:"title"`
	State    string    `json:"state"` // open or closed
	AwareAt  time.Time `json:"aware_at,omitzero"`
	TimeZone string    `json:"time_zone"`
	AsOf     time.Time `json:"as_of"`
	Evidence int       `json:"evidence"` // pieces of evidence held
	// Clocks are every obligation's clock, the next one due first.
	Clocks []Clock `json:"clocks"`
	// Findings is nil until matching has run for the incident.
	Findings *Findings `json:"findings"`
	// Source is the latest tracing recorded on the timeline, nil if none.
	Source     *Source    `json:"source"`
	Assessment Assessment `json:"assessment"`
	// MissingFacts lists, by language (en, fr), the facts that reports of
	// the incident's regimes or its notices still need.
	MissingFacts map[string][]MissingFact `json:"missing_facts"`
	// Coverage is nil until the incident has an audience.
	Coverage *Coverage `json:"coverage"`
	// Unfiled are the obligations that apply and are not marked filed.
	Unfiled []Unfiled `json:"unfiled"`
	// Next are commands suggested by the state, most pressing first.
	Next []string `json:"next"`
}

// Clock is an obligation's deadline, with the time left or overdue.
type Clock struct {
	leakdesk.Deadline
	Left    string `json:"left,omitempty"` // "5h 10m", or "overdue by 2h 00m"
	Overdue bool   `json:"overdue"`        // past due and never filed
}

// Findings counts the people of the latest findings.
type Findings struct {
	Rows          int64 `json:"rows"`
	Affected      int64 `json:"affected"`
	Organisations int   `json:"organisations"`
	Former        int64 `json:"former"`
	Unknown       int64 `json:"unknown"`
	ReviewRows    int64 `json:"review_rows"`
	Unread        int   `json:"unread_files"`
}

// Source is what the latest tracing concluded.
type Source struct {
	Kind    string    `json:"kind"` // trace.ranked or trace.fingerprint
	Leak    string    `json:"leak"`
	Verdict string    `json:"verdict"`
	Note    string    `json:"note"`
	Dating  string    `json:"dating,omitempty"`
	At      time.Time `json:"at"`
}

// Assessment is the latest confirmed assessment, or says there is none.
type Assessment struct {
	Confirmed   bool      `json:"confirmed"`
	By          string    `json:"by,omitempty"`
	At          time.Time `json:"at,omitzero"`
	Band        string    `json:"band,omitempty"`
	Score       float64   `json:"score,omitempty"`
	Authority   string    `json:"authority,omitempty"` // notify, no-notification or undetermined
	Subjects    string    `json:"subjects,omitempty"`
	Unanswered  []string  `json:"unanswered,omitempty"`
	AuthorityBy string    `json:"authority_article,omitempty"`
	SubjectsBy  string    `json:"subjects_article,omitempty"`
}

// MissingFact is a fact not recorded in a language, with what needs it.
type MissingFact struct {
	Fact string   `json:"fact"`
	For  []string `json:"for"` // report kinds, and "notices"
}

// MissingIn is a missing fact with the languages it is missing in, for
// a page that lists each fact once.
type MissingIn struct {
	Fact      string
	Languages []string
	For       []string
}

// MissingByFact lists each missing fact once, French first, with the
// languages it is missing in.
func (st *Status) MissingByFact() []MissingIn {
	var out []MissingIn
	at := map[string]int{}
	for _, lang := range []string{"fr", "en"} {
		for _, m := range st.MissingFacts[lang] {
			i, ok := at[m.Fact]
			if !ok {
				i, at[m.Fact] = len(out), len(out)
				out = append(out, MissingIn{Fact: m.Fact})
			}
			out[i].Languages, out[i].For = append(out[i].Languages, lang), m.For
		}
	}
	return out
}

// Coverage is how far the audience was told.
type Coverage struct {
	Notices             int                      `json:"notices"`
	FirstSent           time.Time                `json:"first_sent,omitzero"`
	Summary             leakdesk.CoverageSummary `json:"summary"`
	Words               string                   `json:"words"` // reached on evidence, sent with no evidence, not reached
	NotInAudience       int                      `json:"affected_not_in_audience"`
	FormerNotInAudience int                      `json:"former_not_in_audience"`
	Conclusion          string                   `json:"conclusion"`
}

// Unfiled is an obligation not yet marked filed, with what was done
// towards it and the command that records it as filed, when known.
type Unfiled struct {
	Obligation string `json:"obligation"`
	Article    string `json:"article"`
	Status     string `json:"status"`
	Report     string `json:"report,omitempty"` // the report kind that fills it
	Done       string `json:"done,omitempty"`
	Record     string `json:"record,omitempty"`
}

// Services are what a status page is assembled from.
type Services struct {
	Incidents leakdesk.IncidentService
	Findings  leakdesk.FindingsService
	Notices   leakdesk.NoticeService
	Evidence  leakdesk.EvidenceService
	Rules     *rules.Rules
}

// Status assembles incident id's page at now. Returns ENOTFOUND.
func (s *Services) Status(ctx context.Context, id int64, now time.Time) (*Status, error) {
	inc, err := s.Incidents.FindIncidentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	filings, err := s.Incidents.FindFilings(ctx, id)
	if err != nil {
		return nil, err
	}
	deadlines, err := s.Rules.Deadlines(inc, filings, now)
	if err != nil {
		return nil, err
	}
	events, err := s.Incidents.FindEvents(ctx, id)
	if err != nil {
		return nil, err
	}
	evidence, err := s.Evidence.FindEvidence(ctx, id)
	if err != nil {
		return nil, err
	}
	st := &Status{Incident: inc.PublicID(), Title: inc.Title, State: inc.Status, AwareAt: inc.AwareAt, TimeZone: inc.TimeZone, AsOf: now,
		Evidence: len(evidence), Clocks: clocks(deadlines, now), MissingFacts: map[string][]MissingFact{}, Unfiled: []Unfiled{}, Next: []string{}}
	findings, err := s.Findings.LatestFindings(ctx, id)
	switch {
	case err == nil:
		p := findings.Count()
		st.Findings = &Findings{Rows: findings.Rows, Affected: p.Affected, Organisations: len(findings.Organisations), Former: p.Former,
			Unknown: p.Unknown, ReviewRows: p.ReviewRows, Unread: len(findings.Unread)}
	case leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND:
		return nil, err
	}
	st.Source = latestSource(events)
	if st.Assessment, err = latestAssessment(events); err != nil {
		return nil, err
	}
	if st.Coverage, err = s.coverage(ctx, id, findings); err != nil {
		return nil, err
	}
	recipients, err := s.Notices.Recipients(ctx, id)
	if err != nil {
		return nil, err
	}
	s.missingFacts(st, inc, leakdesk.Facts(events), recipients)
	s.unfiled(st, deadlines, inc.Location())
	st.Next = next(st, inc)
	return st, nil
}

// clocks orders the deadlines: those still to file by due time (overdue
// first), then those with no fixed time, not started, met, and those that
// do not apply.
func clocks(deadlines []leakdesk.Deadline, now time.Time) []Clock {
	out := make([]Clock, 0, len(deadlines))
	for _, d := range deadlines {
		c := Clock{Deadline: d}
		if d.FiledAt.IsZero() && !d.Due.IsZero() && (d.Status == leakdesk.DeadlineDue || d.Status == leakdesk.DeadlineLate) {
			c.Left, c.Overdue = Left(d.Due, now), !now.Before(d.Due)
		}
		out = append(out, c)
	}
	rank := func(c Clock) int {
		switch {
		case c.Status == leakdesk.DeadlineNotApplicable:
			return 4
		case !c.FiledAt.IsZero():
			return 3
		case c.Status == leakdesk.DeadlineNotStarted:
			return 2
		case c.Due.IsZero():
			return 1
		}
		return 0
	}
	slices.SortStableFunc(out, func(a, b Clock) int {
		if r := cmp.Compare(rank(a), rank(b)); r != 0 {
			return r
		}
		return a.Due.Compare(b.Due)
	})
	return out
}

// Left says how long is left until due, or by how much it is overdue.
func Left(due, now time.Time) string {
	d := due.Sub(now).Round(time.Minute)
	if d < 0 {
		return "overdue by " + rules.Duration(-d)
	}
	return rules.Duration(d)
}

// latestSource reads the latest tracing event; nil when none was recorded.
func latestSource(events []*leakdesk.Event) *Source {
	for _, ev := range slices.Backward(events) {
		if ev.Kind != leakdesk.EventTraceRanked && ev.Kind != leakdesk.EventFingerprintTraced {
			continue
		}
		var d struct {
			Leak, Verdict, Note string
			Dating              *struct{ Note string }
		}
		if json.Unmarshal(ev.Details, &d) != nil {
			continue // a malformed event says nothing of the source
		}
		src := &Source{Kind: ev.Kind, Leak: d.Leak, Verdict: d.Verdict, Note: d.Note, At: ev.OccurredAt}
		if d.Dating != nil {
			src.Dating = d.Dating.Note
		}
		return src
	}
	return nil
}

// latestAssessment reads the latest confirmed assessment.
func latestAssessment(events []*leakdesk.Event) (Assessment, error) {
	ev, as, err := leakdesk.LatestAssessment(events)
	switch {
	case leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND:
		return Assessment{}, nil
	case err != nil:
		return Assessment{}, err
	}
	s := as.Severity
	return Assessment{Confirmed: true, By: ev.Actor, At: ev.OccurredAt, Band: s.Band, Score: s.Score,
		Authority: s.Authority.Decision(), AuthorityBy: s.Authority.Article, Subjects: s.Subjects.Decision(), SubjectsBy: s.Subjects.Article,
		Unanswered: s.Missing}, nil
}

func (s *Services) coverage(ctx context.Context, id int64, findings *leakdesk.Findings) (*Coverage, error) {
	entries, err := s.Notices.Coverage(ctx, id)
	if err != nil {
		return nil, err
	}
	notices, err := s.Notices.Notices(ctx, id)
	if err != nil {
		return nil, err
	}
	outside, err := s.Notices.AffectedOutsideAudience(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 && len(notices) == 0 && outside == 0 {
		return nil, nil
	}
	c := &Coverage{Notices: len(notices), Summary: leakdesk.SummariseCoverage(entries), NotInAudience: outside}
	if len(notices) > 0 {
		c.FirstSent = notices[0].CreatedAt
	}
	if findings != nil {
		audience := make([]*leakdesk.Recipient, len(entries))
		for i, e := range entries {
			audience[i] = e.Recipient
		}
		c.FormerNotInAudience = notify.FormerOutside(findings, audience)
	}
	c.Words, c.Conclusion = c.Summary.All.Words(), c.Summary.Conclusion(outside)
	return c, nil
}

// missingFacts lists what the reports of the incident's regimes and its
// notices need, by language, that is recorded neither in it nor plain.
func (s *Services) missingFacts(st *Status, inc *leakdesk.Incident, facts map[string]string, audience []*leakdesk.Recipient) {
	need := map[string][]string{} // fact -> what needs it
	var order []string
	add := func(fact, what string) {
		if _, ok := need[fact]; !ok {
			order = append(order, fact)
		}
		if !slices.Contains(need[fact], what) {
			need[fact] = append(need[fact], what)
		}
	}
	for _, id := range s.Rules.ReportKinds() {
		k, err := s.Rules.ReportKind(id)
		if err != nil || !slices.Contains(inc.Regimes, k.Regime) {
			continue
		}
		for _, fact := range k.Facts() {
			if fact == rules.InformedFact && st.Coverage != nil && st.Coverage.Notices > 0 {
				continue // said from the coverage
			}
			add(fact, id)
		}
	}
	if len(audience) > 0 {
		for _, fact := range notify.RequiredFacts {
			add(fact, "notices")
		}
	}
	for _, lang := range []string{"en", "fr"} {
		for _, fact := range order {
			if strings.TrimSpace(facts[fact+"."+lang]) == "" && strings.TrimSpace(facts[fact]) == "" {
				st.MissingFacts[lang] = append(st.MissingFacts[lang], MissingFact{Fact: fact, For: need[fact]})
			}
		}
	}
}

// unfiled lists the obligations not yet filed, and for those the notices
// carried out, what was done and how to record it as filed.
func (s *Services) unfiled(st *Status, deadlines []leakdesk.Deadline, loc *time.Location) {
	reportOf := map[string]string{}
	for _, id := range s.Rules.ReportKinds() {
		if k, err := s.Rules.ReportKind(id); err == nil {
			reportOf[k.Obligation] = id
		}
	}
	sent := st.Coverage != nil && st.Coverage.Notices > 0
	for _, c := range st.Clocks {
		if !c.FiledAt.IsZero() || c.Status == leakdesk.DeadlineNotApplicable {
			continue
		}
		u := Unfiled{Obligation: c.Obligation, Article: c.Article, Status: c.Status, Report: reportOf[c.Obligation]}
		switch {
		case sent && u.Report == "data-subject-notice":
			cov := st.Coverage
			u.Done = fmt.Sprintf("%d %s, the first made %s: %s", cov.Notices, plural(cov.Notices, "notice", "notices"), cov.FirstSent.In(loc).Format(time.RFC3339), cov.Words)
			u.Record = fmt.Sprintf(`leakdesk filed %s %s --at %s --ref "notices to the data subjects, see leakdesk notify coverage %s"`,
				st.Incident, c.Obligation, cov.FirstSent.In(loc).Format(time.RFC3339), st.Incident)
		case sent && u.Report == "register":
			u.Done = "the response is on the timeline, and the register entry can be written from it: leakdesk report " + st.Incident + " --kind register"
			u.Record = fmt.Sprintf(`leakdesk filed %s %s --at now --ref "where the register entry is kept"`, st.Incident, c.Obligation)
		}
		st.Unfiled = append(st.Unfiled, u)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// next suggests the commands the state calls for, most pressing first.
func next(st *Status, inc *leakdesk.Incident) []string {
	id := st.Incident
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if inc.Status == leakdesk.StatusClosed {
		return []string{}
	}
	if inc.AwareAt.IsZero() {
		add(`leakdesk incident aware %s --at TIME --reason "how the organisation learnt of it"`, id)
	}
	if st.Evidence == 0 {
		add(`leakdesk evidence add %s FILE --source "where it was found"`, id)
	}
	if st.Findings == nil {
		add("leakdesk match --incident %s --registry REGISTRY [--export DIR] [--history FILE]", id)
	}
	if !st.Assessment.Confirmed {
		add("leakdesk assess %s --confirm", id)
	}
	for _, u := range st.Unfiled {
		switch {
		case u.Record != "":
			add("%s", u.Record)
		case u.Report != "" && (u.Status == leakdesk.DeadlineDue || u.Status == leakdesk.DeadlineLate):
			add("leakdesk report %s --kind %s, then leakdesk filed %s %s --at TIME --ref REF", id, u.Report, id, u.Obligation)
		}
	}
	if n := len(st.MissingFacts["fr"]) + len(st.MissingFacts["en"]); n > 0 {
		add(`leakdesk incident fact %s KEY.LANG "TEXT", for each of the %d missing facts`, id, n)
	}
	switch c := st.Coverage; {
	case st.Findings != nil && st.Findings.Affected > 0 && (c == nil || c.Notices == 0):
		add("leakdesk notify plan %s, then leakdesk notify send %s --campaign first-notice", id, id)
	case c != nil && c.Summary.All.Unreached+c.NotInAudience > 0:
		add("leakdesk notify coverage %s --unreached", id)
	}
	if st.Source == nil {
		add("leakdesk trace --incident %s --candidates DIR [--log export_log.csv]", id)
	}
	if len(out) == 0 {
		add(`leakdesk incident close %s --reason "TEXT"`, id)
	}
	return out
}
