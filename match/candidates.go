package match

import (
	"slices"
)

// candidates gathers the contacts that share a blocking key with rec.
func (m *Matcher) candidates(rec Record) []int {
	return m.otherCandidates(rec, m.contactCandidates(rec, nil))
}

// addUnique appends the ids not in out yet.
func addUnique(out []int, ids []int) []int {
	for _, i := range ids {
		if !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	return out
}

// contactCandidates adds to out the contacts blocked with rec by e-mail
// address or phone number, or by e-mail domain with a name.
func (m *Matcher) contactCandidates(rec Record, out []int) []int {
	add := func(ids []int) { out = addUnique(out, ids) }
	var key []byte
	for _, e := range rec.emailForms() {
		add(m.reg.byEmail[e.addr])
		add(m.reg.byAlias[e.alias])
		if e.domain == "" {
			continue
		}
		for _, names := range [][]string{rec.Last, rec.First} {
			for _, l := range names {
				key = append(append(append(append(key[:0], "d:"...), e.domain...), ':'), l...)
				add(m.reg.byName[string(key)]) // looked up without a copy
			}
		}
	}
	for _, p := range rec.Phones {
		add(m.reg.byPhone[p])
	}
	return out
}

// otherCandidates adds to out the contacts blocked with rec by name,
// person fields or organisation.
func (m *Matcher) otherCandidates(rec Record, out []int) []int {
	add := func(ids []int) { out = addUnique(out, ids) }
	for _, key := range nameKeys(rec.First, rec.Last) {
		add(m.reg.byName[key])
	}
	for _, key := range otherKeys(rec.Birth, rec.NationalID, rec.Postcode, rec.Org, rec.First, rec.Last) {
		add(m.reg.byName[key])
	}
	return out
}

// blocksEmail reports whether an address, as Email returns it, blocks a
// record with some contact by itself, as contactCandidates would.
func (m *Matcher) blocksEmail(addr string) bool {
	return len(m.reg.byEmail[addr]) > 0 || len(m.reg.byAlias[EmailAlias(addr)]) > 0
}

// blocksPhone is blocksEmail for a phone number as Scanner.phone returns
// it.
func (m *Matcher) blocksPhone(key []byte) bool {
	return len(m.reg.byPhone[string(key)]) > 0 // looked up without a copy
}
