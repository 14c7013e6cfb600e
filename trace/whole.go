package trace

import (
	"fmt"
	"strings"

	"github.com/leakdesk/leakdesk/match"
)

// field is a kind of value a row may carry.
type field struct {
	name string // as the evidence names it
	has  func(r match.Record) bool
}

func fields() []field {
	return []field{
		{"e-mail address", hasEmail},
		{"phone number", hasPhone},
		{"name", func(r match.Record) bool { return len(r.First)+len(r.Last) > 0 }},
		{"organisation", func(r match.Record) bool { return r.Org != "" }},
		{"date of birth", func(r match.Record) bool { return r.Birth != "" }},
		{"identity number", func(r match.Record) bool { return r.NationalID != "" }},
		{"postcode", func(r match.Record) bool { return r.Postcode != "" }},
		{"postal address", func(r match.Record) bool { return len(r.Address) > 0 }},
	}
}

// missingFields marks a candidate that cannot be the whole source: a field
// that most leaked rows carry appears in none of its rows, so those values
// came from elsewhere, whatever else it explains.
func missingFields(c *Candidate, leaked, records []match.Record) {
	for _, f := range fields() {
		carried := count(leaked, f.has)
		if 2*carried <= len(leaked) || count(records, f.has) > 0 {
			continue
		}
		c.Missing = append(c.Missing, f.name)
		c.Evidence = append(c.Evidence, fmt.Sprintf("it has no %s, but %d of %d leaked rows carry one: it cannot be the whole source", f.name, carried, len(leaked)))
	}
}

func hasEmail(r match.Record) bool { return len(r.Emails) > 0 }

func hasPhone(r match.Record) bool { return len(r.RawPhones) > 0 }

func count(records []match.Record, has func(match.Record) bool) int {
	n := 0
	for _, r := range records {
		if has(r) {
			n++
		}
	}
	return n
}

// whole reports whether nothing the leak mostly carries is missing.
func (c *Candidate) whole() bool { return len(c.Missing) == 0 }

// missingNote names what a candidate lacks, for a note.
func missingNote(c *Candidate) string { return strings.Join(c.Missing, " and ") }
