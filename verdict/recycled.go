package verdict

import (
	"context"
	"fmt"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// recycledAbove is the share of a leak's contact values that an earlier
// leak must hold for the leak to be called recycled.
const recycledAbove = 0.8

// Recycling says whether the leak is new or an earlier one sold again.
type Recycling struct {
	Verdict  string    `json:"verdict"` // new, recycled, unknown (no earlier leak given)
	Earlier  []Overlap `json:"earlier"`
	Evidence []string  `json:"evidence"`
}

// Overlap is what the leak has in common with one earlier leak:
// containment over normalised e-mail addresses and phone numbers, which
// neither row order, column order nor dropped rows change.
type Overlap struct {
	File   string  `json:"file"`
	Values int     `json:"values"` // the leak's distinct e-mail addresses and phone numbers
	Shared int     `json:"shared"` // of them, in the earlier leak
	Share  float64 `json:"share"`
}

func (v *Verifier) recycling(ctx context.Context, leaked []match.Record, earlier []match.Source) (Recycling, error) {
	r := Recycling{Verdict: "new", Earlier: []Overlap{}}
	if len(earlier) == 0 {
		r.Verdict = Unknown
		r.Evidence = []string{"no earlier leak given (--earlier): whether it is new is unknown"}
		return r, nil
	}
	mine := contactValues(leaked)
	for _, src := range earlier {
		recs, _, err := match.ReadRecords(ctx, v.reader, v.n, src)
		if _, err := dump.Unreads(err); err != nil {
			return r, fmt.Errorf("read the earlier leak %s: %w", src.Name, err)
		}
		theirs := contactValues(recs)
		o := Overlap{File: src.Name, Values: len(mine)}
		for value := range mine {
			if theirs[value] {
				o.Shared++
			}
		}
		o.Share = share(int64(o.Shared), int64(o.Values))
		r.Earlier = append(r.Earlier, o)
		r.Evidence = append(r.Evidence, fmt.Sprintf("%d of the leak's %d e-mail addresses and phone numbers are in %s (%s)", o.Shared, o.Values, src.Name, percent(o.Share)))
		if o.Share >= recycledAbove {
			r.Verdict = "recycled"
		}
	}
	return r, nil
}

// contactValues is the set of normalised e-mail addresses and phone
// numbers of the records.
func contactValues(recs []match.Record) map[string]bool {
	out := map[string]bool{}
	for _, r := range recs {
		for _, e := range r.Emails {
			out["e:"+e] = true
		}
		for _, p := range r.Phones {
			out["p:"+p] = true
		}
	}
	return out
}
