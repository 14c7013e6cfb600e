package store

import (
	"strings"

	"github.com/leakdesk/leakdesk"
)

// cachedFindings are an incident's decoded findings with each contact's
// searchable text, lowercased once when cached, so that a search reads
// strings instead of lowercasing 50,000 contacts' fields on every page.
type cachedFindings struct {
	*leakdesk.Findings
	revision int64    // the row's, which erasure moves on
	public   []string // ID and organisation, for every role
	personal []string // the same, with name, e-mail address and phone
}

// fieldSeparator joins a contact's fields: no search text holds it, so a
// match never spans two fields.
const fieldSeparator = "\x00"

func newCachedFindings(f *leakdesk.Findings) *cachedFindings {
	c := &cachedFindings{Findings: f, public: make([]string, len(f.Contacts)), personal: make([]string, len(f.Contacts))}
	for i, ct := range f.Contacts {
		public := strings.ToLower(strings.Join([]string{ct.ID, ct.OrgID, ct.Organisation}, fieldSeparator))
		c.public[i] = public
		c.personal[i] = public + fieldSeparator + strings.ToLower(strings.Join([]string{ct.Name, ct.Email, ct.Phone}, fieldSeparator))
	}
	return c
}

// find returns the contacts q selects from offset to offset+limit, and how
// many it selects in all. Without text, that is a slice of the contacts;
// with text, a scan of the lowercased strings that copies only the page.
func (c *cachedFindings) find(q leakdesk.AffectedQuery) ([]leakdesk.AffectedContact, int) {
	if q.Text == "" {
		from := min(q.Offset, len(c.Contacts))
		return c.Contacts[from:min(from+q.Limit, len(c.Contacts))], len(c.Contacts)
	}
	texts := c.public
	if q.Personal {
		texts = c.personal
	}
	text := strings.ToLower(q.Text)
	if strings.Contains(text, fieldSeparator) {
		return nil, 0
	}
	var page []leakdesk.AffectedContact
	total := 0
	for i, t := range texts {
		if !strings.Contains(t, text) {
			continue
		}
		if total >= q.Offset && len(page) < q.Limit {
			page = append(page, c.Contacts[i])
		}
		total++
	}
	return page, total
}
