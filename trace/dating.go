package trace

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
)

// Change is one dated change of a registry contact; see match.Change.
type Change = match.Change

// ReadHistory reads a registry history file; see match.ReadHistory.
func ReadHistory(path string) ([]Change, error) { return match.ReadHistory(path) }

// Dating estimates when the leaked data was taken; the timeline keeps it
// as it is.
type Dating = leakdesk.LeakDating

// window is a time interval; a zero end is unbounded.
type window struct{ from, to time.Time }

// Date estimates when the leaked records were taken. Each leaked row,
// linked to its registry contact, holds values that were current only
// between some changes of that contact; the estimate is the span that the
// most rows agree on.
func Date(ctx context.Context, n *match.Normaliser, reg *match.Registry, leaked []match.Record, history []Change) Dating {
	byContact := map[string][]Change{}
	for _, c := range history {
		byContact[c.ContactID] = append(byContact[c.ContactID], c)
	}
	for _, changes := range byContact {
		sort.Slice(changes, func(i, j int) bool { return changes[i].At.Before(changes[j].At) })
	}
	matcher := match.NewMatcher(reg, match.DefaultWeights())
	var windows []window
	for i, l := range leaked {
		if i%1024 == 0 && ctx.Err() != nil {
			break
		}
		best, _ := matcher.Best(l)
		if best == nil || (best.Class != match.ClassCertain && best.Class != match.ClassProbable) {
			continue
		}
		changes := byContact[best.Contact.ID]
		if len(changes) == 0 {
			continue
		}
		if w, ok := rowWindow(n, l, best.Contact, changes); ok {
			windows = append(windows, w)
		}
	}
	d := Dating{Informative: len(windows)}
	if len(windows) == 0 {
		d.Note = "no leaked value has changed in the registry history: the leak cannot be dated"
		return d
	}
	d.From, d.To, d.Support = densest(windows)
	switch {
	case d.From.IsZero():
		d.Note = fmt.Sprintf("the leaked data was taken before %s (%d of %d rows whose values changed agree)", d.To.Format("2006-01-02"), d.Support, d.Informative)
	case d.To.IsZero():
		d.Note = fmt.Sprintf("the leaked data was taken after %s (%d of %d rows whose values changed agree)", d.From.Format("2006-01-02"), d.Support, d.Informative)
	default:
		d.Note = fmt.Sprintf("the leaked data was taken between %s and %s (%d of %d rows whose values changed agree)", d.From.Format("2006-01-02"), d.To.Format("2006-01-02"), d.Support, d.Informative)
	}
	return d
}

// rowWindow is when a leaked row's e-mail and phone values were all
// current for the contact, given its changes in time order; it reports
// false when the row says nothing about time (no value ever changed) or
// holds a value never known (damage).
func rowWindow(n *match.Normaliser, l match.Record, c *match.Contact, changes []Change) (window, bool) {
	w := window{}
	bounded := false
	fields := map[string][]string{}
	fields["email"] = append(fields["email"], l.Emails...)
	for _, p := range l.RawPhones {
		fields["phone"] = append(fields["phone"], match.PhoneSuffix(p))
	}
	for field, values := range fields {
		for _, v := range values {
			fw, changed, known := valueWindow(n, field, v, c, changes)
			if !known {
				return window{}, false
			}
			if changed {
				bounded = true
				w = intersect(w, fw)
			}
		}
	}
	return w, bounded && (w.from.IsZero() || w.to.IsZero() || w.from.Before(w.to))
}

// valueWindow is when value was the contact's (for phones, either number):
// from the change that set it to the change that replaced it.
func valueWindow(n *match.Normaliser, field, value string, c *match.Contact, changes []Change) (window, bool, bool) {
	same := func(s string) bool {
		if field == "email" {
			e, ok := n.Email(s)
			return ok && e == value
		}
		return match.PhoneSuffix(s) == value && value != ""
	}
	relevant := func(f string) bool { return f == field || field == "phone" && f == "mobile" }
	var w window
	changed, known := false, false
	for _, ch := range changes {
		if !relevant(ch.Field) {
			continue
		}
		if same(ch.New) {
			w.from, known, changed = ch.At, true, true
			w.to = time.Time{}
		}
		if same(ch.Old) {
			if !known {
				w.from = time.Time{}
			}
			w.to, known, changed = ch.At, true, true
		}
	}
	if !known {
		// Never changed: a current value, or damage.
		current := c.Emails
		if field == "phone" {
			current = c.Phones
		}
		for _, v := range current {
			if same(v) {
				return window{}, false, true
			}
		}
	}
	return w, changed, known
}

func intersect(a, b window) window {
	out := a
	if !b.from.IsZero() && (out.from.IsZero() || b.from.After(out.from)) {
		out.from = b.from
	}
	if !b.to.IsZero() && (out.to.IsZero() || b.to.Before(out.to)) {
		out.to = b.to
	}
	return out
}

// densest finds the span covered by the most windows.
func densest(ws []window) (from, to time.Time, count int) {
	type edge struct {
		at    time.Time
		delta int
	}
	var edges []edge
	open := 0
	for _, w := range ws {
		if w.from.IsZero() {
			open++
		} else {
			edges = append(edges, edge{w.from, +1})
		}
		if !w.to.IsZero() {
			edges = append(edges, edge{w.to, -1})
		}
	}
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].at.Equal(edges[j].at) {
			return edges[i].delta < edges[j].delta // close before open at the same instant
		}
		return edges[i].at.Before(edges[j].at)
	})
	best, bestFrom, bestTo := open, time.Time{}, time.Time{}
	if len(edges) > 0 {
		bestTo = edges[0].at
	}
	current := open
	for i, e := range edges {
		current += e.delta
		next := time.Time{}
		if i+1 < len(edges) {
			next = edges[i+1].at
		}
		if current > best {
			best, bestFrom, bestTo = current, e.at, next
		}
	}
	return bestFrom, bestTo, best
}
