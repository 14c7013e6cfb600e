package http

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
)

// incidentRow is one open incident with its most urgent clock.
type incidentRow struct {
	ID, Title string
	AwareAt   time.Time
	// Proposed says that an alert opened it and nobody confirmed it yet.
	Proposed bool
	// Next is the unfiled obligation due first; nil when none runs.
	Next *rules.DeadlineLeft
}

type incidentsPage struct {
	Title     string
	Incidents []incidentRow
}

// incidents lists the open incidents the principal may read, the one
// whose clock runs out first at the top.
func (c *console) incidents() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p, err := consolePrincipal(r)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		all, ids := leakdesk.Scope(p.Grants, leakdesk.ActionIncidentRead)
		if !all && len(ids) == 0 {
			c.fail(w, r, p.Authorize(leakdesk.AllIncidents, leakdesk.ActionIncidentRead))
			return
		}
		open, err := c.deps.Incidents.FindIncidents(ctx, leakdesk.IncidentFilter{Status: leakdesk.StatusOpen})
		if err != nil {
			c.fail(w, r, err)
			return
		}
		proposed, err := c.deps.Incidents.FindIncidents(ctx, leakdesk.IncidentFilter{Status: leakdesk.StatusProposed})
		if err != nil {
			c.fail(w, r, err)
			return
		}
		open = append(open, proposed...)
		now := c.deps.Now()
		page := incidentsPage{Title: "Open incidents", Incidents: []incidentRow{}}
		for _, inc := range open {
			if !all && !slices.Contains(ids, inc.ID) {
				continue
			}
			sum, err := c.deps.Summaries.Summary(ctx, inc.ID, now)
			if err != nil {
				c.fail(w, r, err)
				return
			}
			page.Incidents = append(page.Incidents, incidentRow{ID: inc.PublicID(), Title: inc.Title, AwareAt: inc.AwareAt, Proposed: inc.Status == leakdesk.StatusProposed, Next: mostUrgent(sum.Deadlines)})
		}
		slices.SortStableFunc(page.Incidents, func(a, b incidentRow) int {
			return cmp.Compare(dueOrNever(a.Next), dueOrNever(b.Next))
		})
		c.render(w, http.StatusOK, "incidents.html", page)
	})
}

// mostUrgent returns the unfiled obligation with the earliest due time,
// overdue ones included; nil when no clock with a due time runs.
func mostUrgent(deadlines []rules.DeadlineLeft) *rules.DeadlineLeft {
	var next *rules.DeadlineLeft
	for i, d := range deadlines {
		running := d.Status == leakdesk.DeadlineDue || d.Status == leakdesk.DeadlineLate
		if !running || !d.FiledAt.IsZero() || d.Due.IsZero() {
			continue
		}
		if next == nil || d.Due.Before(next.Due) {
			next = &deadlines[i]
		}
	}
	return next
}

// dueOrNever orders incidents without a running clock last.
func dueOrNever(d *rules.DeadlineLeft) int64 {
	if d == nil {
		return 1<<63 - 1
	}
	return d.Due.Unix()
}
