package verdict

import (
	"fmt"

	"github.com/leakdesk/leakdesk"
)

// Thresholds of the authenticity verdict, over the rows that hold a person.
const (
	authenticAbove  = 0.5 // linked or former: the leak is of the organisation's people
	fabricatedAbove = 0.8 // found nowhere: strangers or made up
)

// Authenticity says whether the leak's people are the organisation's.
type Authenticity struct {
	Verdict      string   `json:"verdict"` // authentic, fabricated, mixed
	PersonRows   int64    `json:"person_rows"`
	LinkedRows   int64    `json:"linked_rows"`  // linked to a registry contact
	FormerRows   int64    `json:"former_rows"`  // a former contact, from the past
	UnknownRows  int64    `json:"unknown_rows"` // found nowhere
	LinkedShare  float64  `json:"linked_share"`
	UnknownShare float64  `json:"unknown_share"`
	PastSearched bool     `json:"past_searched"`
	Evidence     []string `json:"evidence"`
}

func authenticity(f *leakdesk.Findings, pastSearched bool) Authenticity {
	p := f.Count()
	a := Authenticity{LinkedRows: f.MatchedRows, FormerRows: p.FormerRows, PastSearched: pastSearched}
	// Combolist lines and rows to review are people too, known to nobody
	// for the first, not surely anybody for the second.
	a.UnknownRows = p.UnknownRows + p.IdentifierRows
	a.PersonRows = a.LinkedRows + a.FormerRows + a.UnknownRows + p.ReviewRows
	a.LinkedShare = share(a.LinkedRows+a.FormerRows, a.PersonRows)
	a.UnknownShare = share(a.UnknownRows, a.PersonRows)
	a.Evidence = append(a.Evidence,
		fmt.Sprintf("%d of %d rows holding a person link to a registry contact (%s)", a.LinkedRows, a.PersonRows, percent(share(a.LinkedRows, a.PersonRows))),
		fmt.Sprintf("%d rows hold a former contact, found in past exports or the history", a.FormerRows),
		fmt.Sprintf("%d rows hold people found nowhere (%s)", a.UnknownRows, percent(a.UnknownShare)))
	if p.ReviewRows > 0 {
		a.Evidence = append(a.Evidence, fmt.Sprintf("%d rows link too weakly to count either way", p.ReviewRows))
	}
	switch {
	case a.PersonRows == 0:
		a.Verdict = Unknown
		a.Evidence = append(a.Evidence, "no row holds a person's e-mail address or phone number")
	case a.LinkedShare >= authenticAbove:
		a.Verdict = "authentic"
	case a.UnknownShare >= fabricatedAbove:
		a.Verdict = "fabricated"
	default:
		a.Verdict = "mixed"
	}
	if !pastSearched && a.UnknownRows > 0 {
		a.Evidence = append(a.Evidence, "past exports and the registry's history were not given: people found nowhere may be former contacts, not strangers")
	}
	return a
}
