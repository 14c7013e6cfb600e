package http

import (
	"net/http"
	"strings"

	"github.com/leakdesk/leakdesk"
)

type findingsPage struct {
	Title         string
	Incident      string
	Query         string
	Findings      *leakdesk.Findings // nil until matching has run; its Contacts are the page's
	AllContacts   int                // the affected contacts of the findings
	Contacts      []leakdesk.AffectedContact
	ContactPages  paging
	Organisations []leakdesk.AffectedOrganisation
	Personal      bool
}

// findings shows the latest findings' affected contacts and
// organisations, searched with q and paginated with page. For roles that
// do not see personal data, contacts are masked and q matches only IDs
// and organisations, so that a search cannot probe who is in the leak.
func (c *console) findings() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, id, err := authorizedIncident(r, leakdesk.ActionIncidentRead)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		page := findingsPage{Incident: leakdesk.FormatIncidentID(id), Query: strings.TrimSpace(r.URL.Query().Get("q")),
			Personal: leakdesk.SeesPersonalData(p.Grants, id)}
		page.Title = "Findings of " + page.Incident
		q := leakdesk.AffectedQuery{Text: page.Query, Personal: page.Personal, Limit: perPage}
		q.Offset = min(pageNumber(r)-1, 1<<40) * perPage // a page number too large to multiply is past the last page
		f, total, err := c.deps.Findings.FindAffected(r.Context(), id, q)
		switch {
		case leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND:
			c.render(w, http.StatusOK, "findings.html", page)
			return
		case err != nil:
			c.fail(w, r, err)
			return
		}
		pg, from, _ := paginate(r.URL.Query(), pageNumber(r), total)
		if from != q.Offset && total > 0 { // past the last page: show the last
			q.Offset = from
			if f, total, err = c.deps.Findings.FindAffected(r.Context(), id, q); err != nil {
				c.fail(w, r, err)
				return
			}
		}
		page.Findings, page.AllContacts = f, total
		if q.Text != "" { // the count of all contacts, with none of them
			if _, page.AllContacts, err = c.deps.Findings.FindAffected(r.Context(), id, leakdesk.AffectedQuery{}); err != nil {
				c.fail(w, r, err)
				return
			}
		}
		text := strings.ToLower(page.Query)
		for _, o := range f.Organisations {
			if text == "" || strings.Contains(strings.ToLower(o.Name+" "+o.ID), text) {
				page.Organisations = append(page.Organisations, o)
			}
		}
		page.ContactPages, page.Contacts = pg, f.Contacts
		if !page.Personal {
			page.Contacts = maskContacts(page.Contacts)
		}
		c.render(w, http.StatusOK, "findings.html", page)
	})
}

// maskContacts returns masked copies of contacts: the shown page only,
// never the findings themselves.
func maskContacts(contacts []leakdesk.AffectedContact) []leakdesk.AffectedContact {
	out := make([]leakdesk.AffectedContact, len(contacts))
	for i, ct := range contacts {
		ct.Name, ct.Email, ct.Phone = leakdesk.MaskName(ct.Name), leakdesk.MaskEmail(ct.Email), leakdesk.MaskPhone(ct.Phone)
		ct.Evidence = nil
		out[i] = ct
	}
	return out
}
