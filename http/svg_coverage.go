package http

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"

	"github.com/leakdesk/leakdesk"
)

// coverageBand is one part of an organisation's stacked bar.
type coverageBand struct {
	Name, Colour string
}

// bandCount is the number of coverage bands.
const bandCount = 4

// coverageBands are the coverage states as the board groups them, from
// best known to worst; colours step down in lightness so that they stay
// apart in grey print.
func coverageBands() [bandCount]coverageBand {
	return [bandCount]coverageBand{
		{"reached on evidence", "#1b5e20"},
		{"sent, no evidence yet", "#5b8fd0"},
		{"waived with a reason", "#c8c8c8"},
		{"not reached", "#b3261e"},
	}
}

// orgCoverage counts one organisation's recipients by coverage band.
type orgCoverage struct {
	Name   string
	Counts [bandCount]int
}

func (o orgCoverage) total() int {
	n := 0
	for _, c := range o.Counts {
		n += c
	}
	return n
}

// coverageBandsOf counts recipients by band: reached on evidence, sent,
// waived, and not reached.
func coverageBandsOf(c leakdesk.CoverageCounts) [bandCount]int {
	return [bandCount]int{c.Reached(), c.Sent, c.Waived, c.Unreached}
}

// coverageByOrganisation orders the organisations' counts, the most
// unreached first, keeping at most limit organisations and summing the
// rest into one last row, so that the board stays one screen long.
func coverageByOrganisation(byOrganisation map[string]leakdesk.CoverageCounts, limit int) []orgCoverage {
	rows := make([]orgCoverage, 0, len(byOrganisation))
	at := make(map[string]int, len(byOrganisation))
	for name, c := range byOrganisation {
		if name == "" {
			name = "(no organisation)"
		}
		i, ok := at[name]
		if !ok {
			i, at[name] = len(rows), len(rows)
			rows = append(rows, orgCoverage{Name: name})
		}
		for band, n := range coverageBandsOf(c) {
			rows[i].Counts[band] += n
		}
	}
	slices.SortFunc(rows, func(a, b orgCoverage) int {
		return cmp.Or(cmp.Compare(b.Counts[3], a.Counts[3]), cmp.Compare(b.total(), a.total()), cmp.Compare(a.Name, b.Name))
	})
	if len(rows) <= limit {
		return rows
	}
	rest := orgCoverage{Name: fmt.Sprintf("%d other organisations", len(rows)-limit)}
	for _, r := range rows[limit:] {
		for i, c := range r.Counts {
			rest.Counts[i] += c
		}
	}
	return append(rows[:limit:limit], rest)
}

// Layout of the coverage board, in pixels.
const (
	coverageWidth  = 760
	coverageLabelW = 220
	coverageRight  = 70
	coverageRowH   = 24
	coverageLegend = 28
)

// coverageSVG stacks each organisation's recipients by band, every bar on
// the same scale (the largest organisation fills the width), with a legend
// and each bar's total written beside it.
func coverageSVG(rows []orgCoverage) template.HTML {
	height := coverageLegend + coverageRowH*max(1, len(rows)) + 8
	s := newSVG(coverageWidth, height, "Notification coverage by organisation: recipients reached, sent, waived and not reached")
	bands := coverageBands()
	for i, b := range bands {
		x := float64(10 + i*185)
		s.rect(x, 6, 14, 14, b.Colour, colourInk, b.Name)
		s.text(x+20, 18, "start", colourInk, b.Name)
	}
	if len(rows) == 0 {
		s.text(10, coverageLegend+18, "start", colourMuted, "Nobody in the audience yet.")
	}
	largest := 1
	for _, r := range rows {
		largest = max(largest, r.total())
	}
	plotW := float64(coverageWidth - coverageLabelW - coverageRight)
	for i, r := range rows {
		y := float64(coverageLegend + i*coverageRowH)
		s.text(float64(coverageLabelW-8), y+16, "end", colourInk, r.Name)
		x := float64(coverageLabelW)
		for band, n := range r.Counts {
			if n == 0 {
				continue
			}
			w := plotW * float64(n) / float64(largest)
			s.rect(x, y+4, w, coverageRowH-8, bands[band].Colour, colourInk, fmt.Sprintf("%s: %d %s", r.Name, n, bands[band].Name))
			x += w
		}
		s.text(x+6, y+16, "start", colourInk, fmt.Sprintf("%d", r.total()))
	}
	return s.html()
}
