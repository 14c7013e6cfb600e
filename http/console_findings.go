package http

import (
	"net/http"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
)

type findingsPage struct {
	Title         string
	Incident      string
	Query         string
	Findings      *leakdesk.Findings // nil until matching has run
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
		f, err := c.deps.Findings.LatestFindings(r.Context(), id)
		switch {
		case leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND:
			c.render(w, http.StatusOK, "findings.html", page)
			return
		case err != nil:
			c.fail(w, r, err)
			return
		}
		page.Findings = f
		q := strings.ToLower(page.Query)
		// f is this request's copy: the matches are kept in its own list,
		// in place, rather than copied again; f.Contacts keeps its length,
		// which the page shows.
		contacts := f.Contacts
		if q != "" {
			contacts = slices.DeleteFunc(contacts, func(ct leakdesk.AffectedContact) bool { return !contactMatches(ct, q, page.Personal) })
		}
		for _, o := range f.Organisations {
			if q == "" || strings.Contains(strings.ToLower(o.Name+" "+o.ID), q) {
				page.Organisations = append(page.Organisations, o)
			}
		}
		pg, from, to := paginate(r.URL.Query(), pageNumber(r), len(contacts))
		page.ContactPages, page.Contacts = pg, contacts[from:to]
		if !page.Personal {
			page.Contacts = maskContacts(page.Contacts)
		}
		c.render(w, http.StatusOK, "findings.html", page)
	})
}

// contactMatches reports whether q (lower case) is in the contact's ID or
// organisation, or, for a role that sees personal data, in their name,
// e-mail address or phone number.
func contactMatches(ct leakdesk.AffectedContact, q string, personal bool) bool {
	if q == "" {
		return true
	}
	fields := []string{ct.ID, ct.OrgID, ct.Organisation}
	if personal {
		fields = append(fields, ct.Name, ct.Email, ct.Phone)
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), q) {
			return true
		}
	}
	return false
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
