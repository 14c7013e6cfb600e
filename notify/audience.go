package notify

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
)

// Audience makes one recipient per affected contact of the findings, with
// what of their data the leak exposed, and how to reach them: from reg when
// given (a registry read again, to pick up corrected addresses), else as
// the findings recorded it from the registry at matching time. Contacts are
// grouped by organisation, then by name, so that a plan reads customer by
// customer.
func Audience(f *leakdesk.Findings, reg *match.Registry) []*leakdesk.Recipient {
	out := make([]*leakdesk.Recipient, 0, len(f.Contacts))
	for _, ac := range f.Contacts {
		r := &leakdesk.Recipient{
			Key: ac.ID, Kind: leakdesk.RecipientAffected, ContactID: ac.ID, Name: ac.Name,
			Organisation: ac.Organisation, OrgID: ac.OrgID, Fields: ac.Fields, Rows: ac.Rows,
			Email: ac.Email, Phone: ac.Phone, Language: LanguageOf(ac.Language, ac.Country),
		}
		if c, ok := contactByID(reg, ac.ID); ok {
			r.Email, r.Phone = "", ""
			if len(c.Emails) > 0 {
				r.Email = c.Emails[0]
			}
			if len(c.Phones) > 0 {
				r.Phone = c.Phones[0]
			}
			r.Language = LanguageOf(c.Language, c.Country)
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b *leakdesk.Recipient) int {
		return strings.Compare(a.Organisation+"\x00"+a.Name, b.Organisation+"\x00"+b.Name)
	})
	return out
}

// FormerAudience makes one recipient per former contact of the findings
// who can be reached (an e-mail address or a phone number, as the past
// export or the leak holds them), marked as former: a former contact is a
// data subject still, and is told only by choice (notify --former).
func FormerAudience(f *leakdesk.Findings) []*leakdesk.Recipient {
	out := make([]*leakdesk.Recipient, 0, len(f.Former))
	for _, p := range f.Former {
		key := formerKey(p)
		if key == "" {
			continue
		}
		out = append(out, &leakdesk.Recipient{
			Key: key, Kind: leakdesk.RecipientFormer, ContactID: p.ContactID, Name: p.Name, Organisation: p.Organisation,
			Email: p.Email, Phone: p.Phone, Language: LanguageOf("", p.Country), Fields: p.Fields, Rows: p.Rows,
		})
	}
	slices.SortStableFunc(out, func(a, b *leakdesk.Recipient) int {
		return strings.Compare(a.Organisation+"\x00"+a.Name, b.Organisation+"\x00"+b.Name)
	})
	return out
}

// formerKey names a former contact as a recipient: by e-mail address,
// else phone number; "" for one who cannot be reached.
func formerKey(p leakdesk.LeakedPerson) string {
	switch {
	case p.Email != "":
		return "former:" + p.Email
	case p.Phone != "":
		return "former:" + p.Phone
	}
	return ""
}

// FormerOutside counts the former contacts of the findings who could be
// told but are not in the audience.
func FormerOutside(f *leakdesk.Findings, audience []*leakdesk.Recipient) int {
	in := map[string]bool{}
	for _, r := range audience {
		in[r.Key] = true
	}
	n := 0
	for _, p := range f.Former {
		if k := formerKey(p); k != "" && !in[k] {
			n++
		}
	}
	return n
}

// OtherColumns are the columns of a file of other recipients. Only email is
// required; language defaults to en.
var OtherColumns = []string{"email", "name", "organisation", "role", "language", "phone"}

// ReadOthers reads other recipients (customer security contacts, DPOs,
// internal stakeholders) from CSV with a header naming OtherColumns. Every
// line with an address that is not valid is reported, with its line, and
// nothing is read. Their keys are left empty: the store gives each a
// pseudonym (leakdesk.OtherRecipientKey), so that no event names the address.
func ReadOthers(r io.Reader, n *match.Normaliser) ([]*leakdesk.Recipient, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "recipients file: no header: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(OtherColumns, h) {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "recipients file: unknown column %q: columns are %s", h, strings.Join(OtherColumns, ", "))
		}
		col[h] = i
	}
	if _, ok := col["email"]; !ok {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "recipients file: an email column is required (columns: %s)", strings.Join(OtherColumns, ", "))
	}
	var out []*leakdesk.Recipient
	var bad []string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "recipients file: %v", err)
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		email, ok := n.Email(get("email"))
		if !ok {
			bad = append(bad, fmt.Sprintf("line %d: %q", line, get("email")))
			continue
		}
		phone, _ := n.Phone(get("phone"))
		out = append(out, &leakdesk.Recipient{
			Kind: leakdesk.RecipientOther, Name: get("name"), Organisation: get("organisation"),
			Role: get("role"), Email: email, Phone: phone, Language: LanguageOf(get("language"), ""),
		})
	}
	if len(bad) > 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "recipients file: %d address(es) are not valid: %s", len(bad), strings.Join(bad, "; "))
	}
	return out, nil
}

// contactByID returns the contact of reg, if given, whose ID is id.
func contactByID(reg *match.Registry, id string) (*match.Contact, bool) {
	if reg == nil {
		return nil, false
	}
	return reg.ContactByID(id)
}
