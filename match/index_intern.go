package match

import "strings"

// interner keeps one copy of each distinct string: a registry repeats its
// organisations, countries, cities and first names from contact to
// contact. Its copies are fresh, so that no value pins the block of the
// file it was read from.
type interner map[string]string

func (in interner) of(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in[s]; ok {
		return v
	}
	v := strings.Clone(s)
	in[v] = v
	return v
}

func (in interner) all(list []string) []string {
	for i, s := range list {
		list[i] = in.of(s)
	}
	return list
}

// compact gives c's values their own memory, shared with the contacts
// that hold the same ones. Values unique to a contact (its ID, name and
// addresses) are copied, not kept in in, whose map would cost more than
// they do.
func (in interner) compact(c *Contact) {
	c.ID, c.Name = strings.Clone(c.ID), strings.Clone(c.Name)
	for i, e := range c.Emails {
		c.Emails[i] = strings.Clone(e)
	}
	for _, s := range []*string{&c.OrgID, &c.Org, &c.Country, &c.Language, &c.org, &c.birth, &c.nationalID, &c.postcode, &c.city} {
		*s = in.of(*s)
	}
	// Phone numbers are made by libphonenumber and owned already; name
	// and address words repeat.
	c.first, c.last, c.address = in.all(c.first), in.all(c.last), in.all(c.address)
}
