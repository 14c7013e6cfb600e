package verdict

import (
	"context"
	"fmt"
	"time"

	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/trace"
)

// oldAfter is how long before the registry's newest change data must have
// been taken to be called old rather than recent.
const oldAfter = 90 * 24 * time.Hour

// Currency says when the leaked data was taken, from the registry's history.
type Currency struct {
	Verdict string        `json:"verdict"` // current, recent, old, unknown
	Dating  *trace.Dating `json:"dating,omitempty"`
	Latest  time.Time     `json:"latest_change,omitzero"` // the newest change in the history
	// AgeDays is how much older than the newest change the data is at the
	// least: 0 when nothing leaked has changed since.
	AgeDays  int      `json:"age_days"`
	Evidence []string `json:"evidence"`
}

func currency(ctx context.Context, n *match.Normaliser, reg *match.Registry, leaked []match.Record, history []match.Change) Currency {
	if len(history) == 0 {
		return Currency{Verdict: Unknown, Evidence: []string{"no registry history given (--history): the leak cannot be dated"}}
	}
	c := Currency{}
	for _, ch := range history {
		if ch.At.After(c.Latest) {
			c.Latest = ch.At
		}
	}
	d := trace.Date(ctx, n, reg, leaked, history)
	c.Dating = &d
	c.Evidence = []string{d.Note, fmt.Sprintf("the registry's history runs to %s", c.Latest.Format(time.DateOnly))}
	switch {
	case d.Informative == 0:
		c.Verdict = Unknown
	case d.To.IsZero():
		c.Verdict = "current"
		c.Evidence = append(c.Evidence, "no leaked value has changed since: the data is as current as the registry")
	default:
		age := max(c.Latest.Sub(d.To), 0)
		c.AgeDays = int(age.Hours() / 24)
		c.Verdict = "recent"
		if age > oldAfter {
			c.Verdict = "old"
		}
		c.Evidence = append(c.Evidence, fmt.Sprintf("leaked values were replaced in the registry at least %d days before its newest change", c.AgeDays))
	}
	return c
}
