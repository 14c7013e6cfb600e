package match

import (
	"slices"
	"strings"
)

// linkCache remembers, on one worker, the candidates and weights that a
// record's names, person fields and organisation give, by their values:
// the rows of a leak repeat them, and only e-mail and phone change.
type linkCache struct {
	entries map[string]*otherLinks
}

type otherLinks struct {
	candidates []int
	weights    map[int]otherWeight // by contact
}

// otherWeight is the weight of the fields other than e-mail and phone, and
// what the names said.
type otherWeight struct {
	weight float64
	names  outcome
}

func newLinkCache() *linkCache { return &linkCache{entries: map[string]*otherLinks{}} }

// entry returns what rec's other fields give; a nil cache works them out
// afresh.
func (lc *linkCache) entry(m *Matcher, rec Record) *otherLinks {
	fresh := func(string) *otherLinks {
		return &otherLinks{candidates: slices.Clip(m.otherCandidates(rec, nil)), weights: map[int]otherWeight{}}
	}
	if lc == nil {
		return fresh("")
	}
	return remember(lc.entries, otherKey(rec), fresh)
}

// otherKey names the values of a record's fields other than e-mail and
// phone: two records with the same key weigh the same against any contact
// on those fields.
func otherKey(rec Record) string {
	var b strings.Builder
	for _, part := range [][]string{rec.First, rec.Last, rec.Address, {rec.Org, rec.Birth, rec.NationalID, rec.Postcode, rec.City}} {
		for _, s := range part {
			b.WriteString(s)
			b.WriteByte(0)
		}
		b.WriteByte(1)
	}
	return b.String()
}
