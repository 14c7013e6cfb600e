package match

import (
	"slices"
)

// candidates gathers the contacts that share a blocking key with rec.
func (m *Matcher) candidates(rec Record) []int {
	return m.otherCandidates(rec, m.contactCandidates(rec, nil))
}

// addUnique appends the ids not in out yet.
func addUnique[ID int | uint32](out []int, ids []ID) []int {
	for _, id := range ids {
		if i := int(id); !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	return out
}

// contactCandidates adds to out the contacts blocked with rec by e-mail
// address or phone number, or by e-mail domain with a name.
func (m *Matcher) contactCandidates(rec Record, out []int) []int {
	add := func(fp uint64) { out = addUnique(out, m.lookup(fp)) }
	for _, e := range rec.emailForms() {
		add(fingerprint(keyEmail, e.addr))
		add(fingerprint(keyAlias, e.alias))
		if e.domain == "" {
			continue
		}
		for _, names := range [][]string{rec.Last, rec.First} {
			for _, l := range names {
				add(fingerprint(keyName, "d:", e.domain, ":", l))
			}
		}
	}
	for _, p := range rec.Phones {
		add(fingerprint(keyPhone, p))
	}
	return out
}

// otherCandidates adds to out the contacts blocked with rec by name,
// person fields or organisation.
func (m *Matcher) otherCandidates(rec Record, out []int) []int {
	add := func(key string) { out = addUnique(out, m.lookup(fingerprint(keyName, key))) }
	for _, key := range nameKeys(rec.First, rec.Last) {
		add(key)
	}
	for _, key := range otherKeys(rec.Birth, rec.NationalID, rec.Postcode, rec.Org, rec.First, rec.Last) {
		add(key)
	}
	return out
}

// blocksEmail reports whether an address, as Email returns it, blocks a
// record with some contact by itself, as contactCandidates would. Its
// alias alone is looked up: every address the registry keys is keyed by
// its alias too (Registry.add, AddHistory), so an address that finds a
// contact has an alias that finds one, and a stranger's address costs
// one lookup, not two.
func (m *Matcher) blocksEmail(addr string) bool {
	return len(m.lookup(fingerprint(keyAlias, EmailAlias(addr)))) > 0
}

// lookup returns the contacts that hold the key whose fingerprint is fp.
func (m *Matcher) lookup(fp uint64) []uint32 { return m.keys.lookup(&m.reg.keys, fp) }
