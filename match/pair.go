package match

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// levels compares rec with c field by field, and calls found with the
// outcome of each field both sides hold: the level whose weight it earns,
// and, when asked, how it came out in words.
func (m *Matcher) levels(rec Record, c *Contact, found func(field string, lv level, how func() string)) {
	m.contactLevels(rec, c, found)
	m.otherLevels(rec, c, found)
}

// contactLevels compares e-mail addresses and phone numbers.
func (m *Matcher) contactLevels(rec Record, c *Contact, found func(field string, lv level, how func() string)) {
	said := func(s string) func() string { return func() string { return s } }
	emails := rec.emailForms()
	email, how := compareEmails(emails, c.emails)
	if how != "exact" && how != "alias" && len(c.held) > 0 {
		if h, ok := c.heldEmail(emails); ok {
			found("email", emailExact, h.said)
			how = ""
		}
	}
	switch how {
	case "exact":
		found("email", emailExact, func() string { return "equal: " + email })
	case "alias":
		found("email", emailAlias, func() string { return "same mailbox: " + email })
	case "fuzzy":
		found("email", emailFuzzy, func() string { return "same domain, local part re-typed: " + email })
	case "namesake":
		found("email", emailNamesake, said("differs only by digits: another mailbox, often a namesake's"))
	case "different":
		found("email", emailDisagree, said("different"))
	}
	if len(rec.Phones) == 0 {
		return
	}
	if anyEqual(rec.Phones, c.Phones) {
		found("phone", phoneExact, said("equal"))
	} else if h, ok := c.heldPhone(rec.Phones); ok {
		found("phone", phoneExact, h.said)
	} else if len(c.Phones) > 0 {
		found("phone", phoneDisagree, said("different"))
	}
}

// otherLevels compares what is neither e-mail nor phone: names, person
// fields and organisation. A leak repeats these from row to row, so a
// scan remembers their weight per value (see linkCache).
func (m *Matcher) otherLevels(rec Record, c *Contact, found func(field string, lv level, how func() string)) {
	said := func(s string) func() string { return func() string { return s } }
	if len(rec.Last)+len(rec.First) > 0 && len(c.last)+len(c.first) > 0 {
		// Names may be written surname first: keep the better reading.
		straight := m.nameLevels(rec.First, rec.Last, c)
		if swapped := m.nameLevels(rec.Last, rec.First, c); m.total(swapped) > m.total(straight) {
			straight = swapped
		}
		for _, p := range straight.parts[:straight.n] {
			found(p.field, p.level, p.how)
		}
	}
	m.personLevels(rec, c, found)
	if rec.Org != "" && c.org != "" {
		switch s := orgSimilarity(rec.Org, c.org); {
		case s == 1:
			found("organisation", orgExact, said("equal"))
		case s >= 0.5:
			found("organisation", orgPartial, said("similar"))
		default:
			found("organisation", orgDisagree, said("different"))
		}
	}
}

// personLevels compares what person records carry besides names and
// contact details, where both sides have it.
func (m *Matcher) personLevels(rec Record, c *Contact, found func(field string, lv level, how func() string)) {
	said := func(s string) func() string { return func() string { return s } }
	if rec.Birth != "" && c.birth != "" {
		switch how := birthAgreement(rec.Birth, c.birth); how {
		case "equal":
			found("date_of_birth", birthExact, said(how))
		case "different":
			found("date_of_birth", birthDisagree, said(how))
		default:
			found("date_of_birth", birthPartial, said(how))
		}
	}
	// Codes: equal, one typing error apart, or different. Each field's
	// three levels follow each other.
	for _, code := range []struct {
		field string
		a, b  string
		exact level
	}{{"national_id", rec.NationalID, c.nationalID, nationalIDExact}, {"postcode", rec.Postcode, c.postcode, postcodeExact}} {
		switch {
		case code.a == "" || code.b == "":
		case code.a == code.b:
			found(code.field, code.exact, said("equal"))
		case oneEdit(code.a, code.b):
			found(code.field, code.exact+1, said("one character differs"))
		default:
			found(code.field, code.exact+2, said("different"))
		}
	}
	if rec.City != "" && c.city != "" {
		if rec.City == c.city || JaroWinkler(rec.City, c.city) >= 0.92 {
			found("city", cityExact, said("equal"))
		} else {
			found("city", cityDisagree, said("different"))
		}
	}
	if len(rec.Address) > 0 && len(c.address) > 0 {
		switch s := addressSimilarity(rec.Address, c.address); {
		case s >= 0.99 && len(rec.Address) == len(c.address):
			found("postal_address", addressExact, said("equal"))
		case s >= 0.6:
			found("postal_address", addressPartial, said("similar"))
		default:
			found("postal_address", addressDisagree, said("different"))
		}
	}
}

// nameLevels is what the name parts say, without a heap allocation: it
// is worked out twice for every candidate of every row.
type nameLevels struct {
	parts [2]namePart
	n     int
}

type namePart struct {
	field string
	level level
	how   func() string
}

func (nl *nameLevels) add(p namePart) { nl.parts[nl.n] = p; nl.n++ }

func (m *Matcher) total(nl nameLevels) float64 {
	var t float64
	for _, p := range nl.parts[:nl.n] {
		t += m.weight[p.level]
	}
	return t
}

// nameLevels compares names part by part with Jaro–Winkler.
func (m *Matcher) nameLevels(first, last []string, c *Contact) nameLevels {
	var out nameLevels
	said := func(s string) func() string { return func() string { return s } }
	similar := func(s float64) func() string {
		return func() string { return "similar (Jaro-Winkler " + strconv.FormatFloat(s, 'f', 2, 64) + ")" }
	}
	if len(last) > 0 && len(c.last) > 0 {
		s := JaroWinkler(strings.Join(last, " "), strings.Join(c.last, " "))
		switch {
		case s >= 0.96:
			out.add(namePart{"last_name", lastExact, said("equal")})
		case s >= 0.88:
			out.add(namePart{"last_name", lastPartial, similar(s)})
		default:
			out.add(namePart{"last_name", lastDisagree, said("different")})
		}
	}
	if len(first) > 0 && len(c.first) > 0 {
		a, b := strings.Join(first, " "), strings.Join(c.first, " ")
		switch s := JaroWinkler(a, b); {
		case s >= 0.96:
			out.add(namePart{"first_name", firstExact, said("equal")})
		case utf8.RuneCountInString(a) == 1 && strings.HasPrefix(b, a):
			out.add(namePart{"first_name", firstInitial, said("initial")})
		case s >= 0.88:
			out.add(namePart{"first_name", firstPartial, similar(s)})
		default:
			out.add(namePart{"first_name", firstDisagree, said("different")})
		}
	}
	return out
}

// emailForm is an address with the forms it is compared in, worked out

func anyEqual(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// orgSimilarity is 1 for equal normalised names, else the share of words
// in common (Jaccard).
func orgSimilarity(a, b string) float64 {
	if a == b {
		return 1
	}
	wa, wb := strings.Fields(a), strings.Fields(b)
	inter := 0
	for _, w := range wa {
		if slices.Contains(wb, w) {
			inter++
		}
	}
	union := len(wa) + len(wb) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}
