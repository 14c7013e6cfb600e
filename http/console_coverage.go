package http

import (
	"html/template"
	"net/http"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

// boardOrganisations is how many organisations the coverage picture
// draws one by one; the rest are summed into one bar.
const boardOrganisations = 25

type coveragePage struct {
	Title     string
	Incident  string
	Coverage  *notify.Coverage
	Picture   template.HTML
	Unreached []unreachedLine
	Pages     paging
}

// unreachedLine is a recipient not reached, and what to try next.
type unreachedLine struct {
	Key, Name, Organisation, Email, State, LastError, Next string
}

// coverage shows who is reached, by organisation as a picture, and the
// unreached recipients with the next step for each, masked for roles
// that do not see personal data.
func (c *console) coverage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, id, err := authorizedIncident(r, leakdesk.ActionCoverageRead)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		cov, err := c.deps.Campaigns.Coverage(r.Context(), id)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		page := coveragePage{Title: "Coverage of " + cov.Incident, Incident: cov.Incident, Coverage: cov,
			Picture: coverageSVG(coverageByOrganisation(cov.Entries, boardOrganisations))}
		var unreached []*leakdesk.CoverageEntry
		for _, e := range cov.Entries {
			if e.Unreached() {
				unreached = append(unreached, e)
			}
		}
		pg, from, to := paginate(r.URL.Query(), pageNumber(r), len(unreached))
		page.Pages = pg
		personal := leakdesk.SeesPersonalData(p.Grants, id)
		for _, e := range unreached[from:to] {
			page.Unreached = append(page.Unreached, unreachedOf(e, personal))
		}
		c.render(w, http.StatusOK, "coverage.html", page)
	})
}

// unreachedOf is an entry as the page shows it. Its next step is
// suggested again from the masked recipient, since it may name a phone
// number.
func unreachedOf(e *leakdesk.CoverageEntry, personal bool) unreachedLine {
	if !personal {
		rc := *e.Recipient
		rc.Name, rc.Email, rc.Phone = leakdesk.MaskName(rc.Name), leakdesk.MaskEmail(rc.Email), leakdesk.MaskPhone(rc.Phone)
		rc.Key = leakdesk.MaskRecipientKey(rc.Key)
		masked := *e
		masked.Recipient = &rc
		if e.LastError != "" {
			masked.LastError = "(hidden for your role)" // a mail server's answer names the address
		}
		e = &masked
		e.Next = e.Suggest()
	}
	r := e.Recipient
	return unreachedLine{Key: r.Key, Name: r.Name, Organisation: r.Organisation, Email: r.Email, State: e.State, LastError: e.LastError, Next: e.Next}
}
