package http

import (
	"context"
	"html/template"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
)

type incidentPage struct {
	Title    string
	Summary  *rules.IncidentSummary
	Clocks   template.HTML
	Severity *leakdesk.Severity // nil until an assessment is confirmed
	Assessed *leakdesk.Event
	Facts    []factLine
	Timeline []timelineLine
	Chain    *leakdesk.ChainReport
	// Personal is false for roles that do not see personal data: the
	// timeline's details are then left out.
	Personal bool
	// What the principal may do here, and a form's failure.
	CanAddEvidence, CanClose, CanConfirm bool
	// Held names the request that waits for a second approval: "close"
	// or "confirm". Approved is the number of a request just approved.
	Held     string
	Approved int64
	// Pending are the requests that wait for a second approval, and
	// CanApprove whether the principal may approve another's.
	Pending    []*leakdesk.Approval
	CanApprove bool
	Form       form
	// Outstanding are the obligations that stand between the incident
	// and its closing: each is filed, or waived with a reason on closing.
	Outstanding []leakdesk.Deadline
}

type factLine struct{ Key, Value string }

// timelineLine is a timeline entry as the page shows it.
type timelineLine struct {
	leakdesk.TimelineEntry
	Details string
}

// incident shows one incident: its clocks drawn, severity with its
// factors, evidence with hashes, facts, and the timeline with the result
// of verifying its chain.
func (c *console) incident() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.showIncident(w, r, form{}, http.StatusOK)
	})
}

func (c *console) showIncident(w http.ResponseWriter, r *http.Request, f form, status int) {
	ctx := r.Context()
	p, id, err := authorizedIncident(r, leakdesk.ActionIncidentRead)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	now := c.deps.Now()
	sum, err := c.deps.Summaries.Summary(ctx, id, now)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	events, err := c.deps.Incidents.FindEvents(ctx, id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	deadlines := make([]leakdesk.Deadline, len(sum.Deadlines))
	for i, d := range sum.Deadlines {
		deadlines[i] = d.Deadline
	}
	page := incidentPage{Title: sum.ID + " " + sum.Title, Summary: sum, Clocks: clocksSVG(sum.AwareAt, now, deadlines),
		// The chain is checked against the events just read, not
		// read twice: the page says what it shows is intact.
		Chain:    leakdesk.VerifyChain(sum.Incident, events),
		Personal: leakdesk.SeesPersonalData(p.Grants, id), Form: f, Held: r.URL.Query().Get("held"),
		CanApprove:     p.Authorize(id, leakdesk.ActionApprovalDecide) == nil,
		CanAddEvidence: p.Authorize(id, leakdesk.ActionEvidenceAdd) == nil, CanClose: p.Authorize(id, leakdesk.ActionIncidentClose) == nil,
		CanConfirm: sum.Status == leakdesk.StatusProposed && p.Authorize(id, leakdesk.ActionIncidentAware) == nil}
	switch ev, as, err := leakdesk.LatestAssessment(events); {
	case err == nil:
		page.Severity, page.Assessed = &as.Severity, ev
	case leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND:
		c.fail(w, r, err)
		return
	}
	// Only a number is echoed: a link cannot make the page say more.
	page.Approved, _ = strconv.ParseInt(r.URL.Query().Get("approved"), 10, 64)
	if page.Pending, err = c.pendingApprovals(ctx, id, page.Personal); err != nil {
		c.fail(w, r, err)
		return
	}
	page.Outstanding = leakdesk.Unfinished(deadlines)
	facts := leakdesk.Facts(events)
	for _, k := range slices.Sorted(maps.Keys(facts)) {
		page.Facts = append(page.Facts, factLine{k, facts[k]})
	}
	values, err := personalValues(ctx, c.deps.Personal, id, page.Personal)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	for _, e := range leakdesk.ReadableTimeline(events) {
		line := timelineLine{TimelineEntry: e}
		if e.Event != nil && page.Personal {
			line.Details = shorten(string(values.ShowDetails(e.Event.Details)), 300)
		}
		page.Timeline = append(page.Timeline, line)
	}
	c.render(w, status, "incident.html", page)
}

// shorten cuts s to at most n bytes, on a rune boundary, marking the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// personalValues returns the values an incident's events refer to, for a
// reader who may see them and a store that keeps them; none otherwise, and
// every reference then shows as "erased".
func personalValues(ctx context.Context, personal leakdesk.PersonalService, id int64, allowed bool) (leakdesk.PersonalValues, error) {
	if !allowed || personal == nil {
		return nil, nil
	}
	return personal.PersonalValues(ctx, id)
}
