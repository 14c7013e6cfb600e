package http

import (
	"html/template"
	"net/http"

	"github.com/leakdesk/leakdesk"
)

// boardOrganisations is how many organisations the coverage picture
// draws one by one; the rest are summed into one bar.
const boardOrganisations = 25

type coveragePage struct {
	Title     string
	Incident  string
	Coverage  *leakdesk.CoverageBoard
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
		number := pageNumber(r)
		board, err := c.deps.Notices.CoverageBoard(r.Context(), id, (number-1)*perPage, perPage)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		pg, from, _ := paginate(r.URL.Query(), number, board.Summary.All.Unreached)
		if from != (number-1)*perPage {
			// A page past the last shows the last: read that one.
			if board, err = c.deps.Notices.CoverageBoard(r.Context(), id, from, perPage); err != nil {
				c.fail(w, r, err)
				return
			}
			pg, _, _ = paginate(r.URL.Query(), number, board.Summary.All.Unreached)
		}
		incident := leakdesk.FormatIncidentID(id)
		page := coveragePage{Title: "Coverage of " + incident, Incident: incident, Coverage: board, Pages: pg,
			Picture: coverageSVG(coverageByOrganisation(board.ByOrganisation, boardOrganisations))}
		personal := leakdesk.SeesPersonalData(p.Grants, id)
		for _, e := range board.Unreached {
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
