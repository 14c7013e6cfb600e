package http

import (
	"html/template"
	"time"

	"github.com/leakdesk/leakdesk"
)

// Layout of the clocks picture, in pixels.
const (
	clocksWidth  = 880
	clocksLabelW = 330 // the obligation's name, left of the bars
	clocksRight  = 180 // room for the status word right of the bars
	clocksRowH   = 30
	clocksTop    = 24 // room for the "now" label
)

// Colours of the clocks, dark enough to read on white and to print in
// grey: the status is also written beside each bar, so colour is never
// the only sign.
const (
	colourInk     = "#1a1a1a"
	colourMuted   = "#4d4d4d"
	colourDue     = "#1f5fa8"
	colourLate    = "#b3261e"
	colourMet     = "#2e6b30"
	colourNowLine = "#000000"
)

// clocksSVG draws one bar per obligation with a due time, from awareness
// to due, a "now" line, and a mark where each was filed; bars past due
// and never filed are marked late. Obligations without a due time (not
// started, no fixed time, not applicable) are listed without a bar.
func clocksSVG(awareAt, now time.Time, deadlines []leakdesk.Deadline) template.HTML {
	start, end := clocksSpan(awareAt, now, deadlines)
	height := clocksTop + clocksRowH*max(1, len(deadlines)) + 24
	s := newSVG(clocksWidth, height, "Legal clocks: one bar per obligation from awareness to due, with now marked")
	plotW := float64(clocksWidth - clocksLabelW - clocksRight)
	x := func(t time.Time) float64 {
		return float64(clocksLabelW) + plotW*float64(t.Sub(start))/float64(end.Sub(start))
	}
	if len(deadlines) == 0 {
		s.text(10, clocksTop+18, "start", colourMuted, "No obligation applies yet.")
	}
	for i, d := range deadlines {
		y := float64(clocksTop + i*clocksRowH)
		s.text(float64(clocksLabelW-8), y+18, "end", colourInk, shorten(d.Title, 50))
		word, colour := clockWord(d, now)
		if d.Due.IsZero() || awareAt.IsZero() {
			s.text(float64(clocksLabelW), y+18, "start", colourMuted, word)
			continue
		}
		s.rect(x(awareAt), y+6, max(1, x(d.Due)-x(awareAt)), clocksRowH-12, colour, colourInk,
			d.Title+": due "+d.Due.UTC().Format(time.RFC3339)+", "+word)
		if !d.FiledAt.IsZero() {
			fx := x(d.FiledAt)
			s.line(fx, y+1, fx, y+clocksRowH-1, colourInk, 4, "")
			word += ", filed " + d.FiledAt.UTC().Format("01-02 15:04")
		}
		s.text(float64(clocksWidth-clocksRight+8), y+18, "start", colour, word)
	}
	if !awareAt.IsZero() {
		nx := x(now)
		s.line(nx, clocksTop-4, nx, float64(height-20), colourNowLine, 2, "6 3")
		s.text(nx, clocksTop-8, "middle", colourNowLine, "now "+now.UTC().Format("2006-01-02 15:04")+" UTC")
		s.text(float64(clocksLabelW), float64(height-6), "start", colourMuted, "aware "+awareAt.UTC().Format("2006-01-02 15:04")+" UTC")
		s.text(float64(clocksWidth-clocksRight), float64(height-6), "end", colourMuted, end.UTC().Format("2006-01-02 15:04")+" UTC")
	}
	return s.html()
}

// clocksSpan is the time the picture covers: from awareness to the last
// due time, filing or now, whichever is latest, with a margin.
func clocksSpan(awareAt, now time.Time, deadlines []leakdesk.Deadline) (start, end time.Time) {
	start, end = awareAt, now
	if start.IsZero() || !start.Before(now) {
		start = now.Add(-time.Hour)
	}
	for _, d := range deadlines {
		for _, t := range []time.Time{d.Due, d.FiledAt} {
			if t.After(end) {
				end = t
			}
		}
	}
	return start, end.Add(end.Sub(start) / 20)
}

// clockWord says where a deadline stands, and in which colour.
func clockWord(d leakdesk.Deadline, now time.Time) (word, colour string) {
	switch {
	case d.Status == leakdesk.DeadlineNotApplicable:
		return "does not apply", colourMuted
	case d.Status == leakdesk.DeadlineNotStarted:
		return "not started", colourMuted
	case d.Status == leakdesk.DeadlineMet:
		return "met", colourMet
	case d.Status == leakdesk.DeadlineLate:
		return "late", colourLate
	case d.Due.IsZero():
		return "without undue delay", colourMuted
	case !now.Before(d.Due):
		return "late", colourLate
	}
	return "due", colourDue
}
