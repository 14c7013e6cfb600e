package browsertest

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

//go:embed a11y.js
var a11yScript string

// a11yResult is what a11y.js returns.
type a11yResult struct {
	Problems    []string `json:"problems"`
	Interactive []string `json:"interactive"`
}

// CheckAccessibility fails the test, with artifacts, unless the page
// passes the basics: every form field has a label, every picture a title
// or text, text contrast is at least 4.5:1, and pressing Tab reaches every
// link, button and field.
func (b *Browser) CheckAccessibility() {
	b.t.Helper()
	if problems := b.AccessibilityProblems(); len(problems) > 0 {
		b.Failf("accessibility problems:\n  %s", strings.Join(problems, "\n  "))
	}
}

// AccessibilityProblems returns what CheckAccessibility fails on.
func (b *Browser) AccessibilityProblems() []string {
	b.t.Helper()
	res := eval[a11yResult](b, a11yScript)
	problems := res.Problems
	// Walk the page with the keyboard, as someone without a mouse would:
	// one more press than there are elements, from the top.
	b.do("focus the top of the page", chromedp.Evaluate[chromedp.Void]("document.activeElement && document.activeElement.blur()"))
	reached := map[string]bool{}
	for range len(res.Interactive) + 1 {
		b.do("press Tab", chromedp.KeyEvent(kb.Tab))
		reached[eval[string](b, `document.activeElement ? (document.activeElement.getAttribute("data-a11y") || "") : ""`)] = true
	}
	for i, el := range res.Interactive {
		if !reached[fmt.Sprint(i)] {
			problems = append(problems, "not reachable with Tab: "+el)
		}
	}
	return problems
}
