package http

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
)

type reviewPage struct {
	Title     string
	Incident  string
	Findings  *leakdesk.Findings // nil until matching has run
	Items     []leakdesk.ReviewItem
	Pages     paging
	Decisions []leakdesk.ReviewDecision // newest first
	Personal  bool
	CanDecide bool
	CanMatch  bool
	Form      form
}

// decisionsShown bounds the review decisions the page lists.
const decisionsShown = 20

// review shows the rows whose link is too weak or ambiguous to count,
// each beside its candidates' records with the evidence weights, and a
// form to decide it; with the match's form, and the latest decisions.
func (c *console) review() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.showReview(w, r, form{}, http.StatusOK)
	})
}

func (c *console) showReview(w http.ResponseWriter, r *http.Request, f form, status int) {
	p, id, err := authorizedIncident(r, leakdesk.ActionIncidentRead)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	page := reviewPage{Incident: leakdesk.FormatIncidentID(id), Personal: leakdesk.SeesPersonalData(p.Grants, id), Form: f,
		CanDecide: p.Authorize(id, leakdesk.ActionReviewDecide) == nil, CanMatch: p.Authorize(id, leakdesk.ActionMatchRun) == nil}
	page.Title = "Review of " + page.Incident
	// Without its contacts: the queue needs the rows to review, and
	// copying 50,000 contacts for it would cost more than the page.
	found, _, err := c.deps.Findings.FindAffected(r.Context(), id, leakdesk.AffectedQuery{})
	switch {
	case leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND:
		c.render(w, status, "review.html", page)
		return
	case err != nil:
		c.fail(w, r, err)
		return
	}
	pg, from, to := paginate(r.URL.Query(), pageNumber(r), len(found.Review))
	page.Findings, page.Pages, page.Items = found, pg, found.Review[from:to]
	if !page.Personal {
		page.Items = maskReview(page.Items)
	}
	for _, d := range slices.Backward(found.Decisions) {
		if len(page.Decisions) == decisionsShown {
			break
		}
		page.Decisions = append(page.Decisions, d)
	}
	c.render(w, status, "review.html", page)
}

// maskReview returns masked copies of items: what the row says and who
// the candidates are, for roles that do not see personal data.
func maskReview(items []leakdesk.ReviewItem) []leakdesk.ReviewItem {
	out := make([]leakdesk.ReviewItem, len(items))
	for i, it := range items {
		if it.Leaked != nil {
			l := *it.Leaked
			l.Name, l.Email, l.Phone = leakdesk.MaskName(l.Name), leakdesk.MaskEmail(l.Email), leakdesk.MaskPhone(l.Phone)
			it.Leaked = &l
		}
		it.Past = "(hidden for your role)"
		it.Candidates = slices.Clone(it.Candidates)
		for j, cd := range it.Candidates {
			if cd.Contact != nil {
				cd.Contact = &maskContacts([]leakdesk.AffectedContact{*cd.Contact})[0]
				it.Candidates[j] = cd
			}
		}
		out[i] = it
	}
	return out
}

// decide records a person's decision on a row to review: the candidate
// chosen, or none of them. The findings are updated, on the timeline
// under the person who decided.
func (c *console) decide() http.Handler {
	return c.act(leakdesk.ActionReviewDecide, "decide", func(r *http.Request, p *leakdesk.Principal, id int64) (string, error) {
		row, err := strconv.ParseInt(r.PostFormValue("row"), 10, 64)
		if err != nil {
			return "", leakdesk.Errorf(leakdesk.EINVALID, "the row to decide is missing")
		}
		choice, err := formText(r, "choice", "A choice (a candidate, or none of them)", true)
		if err != nil {
			return "", err
		}
		if choice == "none" {
			choice = ""
		}
		reason, _ := formText(r, "reason", "", false)
		seen, err := strconv.ParseInt(r.PostFormValue("findings"), 10, 64)
		if err != nil {
			return "", leakdesk.Errorf(leakdesk.EINVALID, "the form does not say which findings it was read from: reload the page")
		}
		d := leakdesk.ReviewDecision{Row: row, Contact: choice, Reason: reason, Actor: p.String(), At: c.deps.Now()}
		if _, err := c.matches.Decide(r.Context(), id, seen, d); err != nil {
			return "", err
		}
		return incidentPath(id, "/review"), nil
	}, c.showReview)
}

// runMatch matches the incident's evidence against the server's
// registry and stores the findings, as POST /api/v1/.../match does.
func (c *console) runMatch() http.Handler {
	return c.act(leakdesk.ActionMatchRun, "match", func(r *http.Request, p *leakdesk.Principal, id int64) (string, error) {
		if _, err := matchEvidence(r.Context(), c.matches, c.deps.Evidence, c.deps.Registry, id, p.String(), false); err != nil {
			return "", err
		}
		return incidentPath(id, "/review"), nil
	}, c.showReview)
}

// matchEvidence matches all of the incident's evidence against reg and
// stores the findings. Nothing read from the leak is EUNREAD, and
// nothing is stored.
func matchEvidence(ctx context.Context, matches *match.Service, evidence leakdesk.EvidenceService, reg Registry, id int64, actor string, estimate bool) (*leakdesk.Findings, error) {
	if reg.Path == "" {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server has no registry of contacts: start it with --registry")
	}
	leaks, err := match.EvidenceSources(ctx, evidence, id, actor, "match against the registry")
	if err != nil {
		return nil, err
	}
	matched, err := matches.Match(ctx, match.Request{Registry: reg.Path, RegistryOptions: reg.Options, Leaks: leaks,
		PastExports: reg.PastExports, History: reg.History, EstimateWeights: estimate, Read: reg.Read, Incident: id, Actor: actor})
	if err != nil {
		return nil, err
	}
	return matched.Findings, nil
}
