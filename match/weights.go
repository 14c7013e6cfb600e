package match

import (
	"math"
)

// Weights are Fellegi–Sunter match weights: log2(m/u) for a field that
// agrees, log2((1-m)/(1-u)) for one that disagrees, where m is the chance
// the field agrees for the same person and u for two different people.
// The defaults are set from what these fields are: an e-mail address or a
// phone number is shared by almost no one else (u near 1e-5), names and
// organisations by a few; contacts change address and number over time,
// so disagreement costs less than agreement earns.
type Weights struct {
	EmailExact, EmailAlias, EmailFuzzy, EmailDisagree, EmailNamesake float64
	PhoneExact, PhoneDisagree                                        float64
	LastExact, LastPartial, LastDisagree                             float64
	FirstExact, FirstPartial, FirstInitial, FirstDisagree            float64
	OrgExact, OrgPartial, OrgDisagree                                float64
	// Person records: date of birth, identity number, postal address.
	BirthExact, BirthPartial, BirthDisagree                float64
	NationalIDExact, NationalIDPartial, NationalIDDisagree float64
	PostcodeExact, PostcodePartial, PostcodeDisagree       float64
	CityExact, CityDisagree                                float64
	AddressExact, AddressPartial, AddressDisagree          float64
	// PriorBits is log2 of the prior odds against a candidate pair being a
	// match; confidence is 1 / (1 + 2^(PriorBits - weight)).
	PriorBits float64
}

// DefaultWeights are documented in the README.
func DefaultWeights() Weights {
	return Weights{
		EmailExact: 18, EmailAlias: 14, EmailFuzzy: 8, EmailDisagree: -3, EmailNamesake: -3,
		PhoneExact: 18, PhoneDisagree: -2,
		LastExact: 7, LastPartial: 3, LastDisagree: -5,
		FirstExact: 5, FirstPartial: 2, FirstInitial: 1.5, FirstDisagree: -4,
		OrgExact: 5, OrgPartial: 2.5, OrgDisagree: -3,
		BirthExact: 12, BirthPartial: 4, BirthDisagree: -6,
		NationalIDExact: 16, NationalIDPartial: 6, NationalIDDisagree: -6,
		PostcodeExact: 4, PostcodePartial: 1.5, PostcodeDisagree: -2,
		CityExact: 3, CityDisagree: -1.5,
		AddressExact: 7, AddressPartial: 3, AddressDisagree: -3,
		PriorBits: 8,
	}
}

// Classes of a link.
const (
	ClassCertain  = "certain"  // confidence >= 0.99
	ClassProbable = "probable" // >= 0.9
	ClassPossible = "possible" // >= 0.5: for review, not counted as affected
)

// classify sets a link's confidence and class from its weight.
func (m *Matcher) classify(l Link) Link {
	l.Confidence = 1 / (1 + math.Exp2(m.w.PriorBits-l.Weight))
	l.Confidence = math.Round(l.Confidence*1000) / 1000
	switch {
	case l.Confidence >= 0.99:
		l.Class = ClassCertain
	case l.Confidence >= 0.9:
		l.Class = ClassProbable
	case l.Confidence >= 0.5:
		l.Class = ClassPossible
	}
	return l
}
