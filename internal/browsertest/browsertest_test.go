package browsertest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// The accessibility pass finds each kind of problem it checks for on a
// page built to have them, and none on the same page made right.
func TestAccessibilityProblems(t *testing.T) {
	page := func(body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<!doctype html><html lang=en><title>t</title><body>" + body + "</body></html>"))
		})
	}
	bad := httptest.NewServer(page(`<input id=q name=q>
<p style="color:#999999">pale text</p>
<svg width=10 height=10><rect width=10 height=10 /></svg>
<a href="/x" tabindex="-1">skipped by Tab</a>`))
	defer bad.Close()
	good := httptest.NewServer(page(`<label for=q>Search</label><input id=q name=q>
<p style="color:#333333">dark text</p>
<svg width=10 height=10 aria-label="a square"><rect width=10 height=10 /></svg>
<a href="/x">reached by Tab</a>`))
	defer good.Close()

	b := Start(t)
	b.Visit(bad.URL)
	problems := b.AccessibilityProblems()
	for _, want := range []string{"form field without a label: input#q", "contrast 2.85:1", "SVG without a title", "not reachable with Tab: a \"skipped by Tab\""} {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, want) }) {
			t.Errorf("the pass missed %q; it found:\n%s", want, strings.Join(problems, "\n"))
		}
	}
	b.Visit(good.URL)
	if problems := b.AccessibilityProblems(); len(problems) > 0 {
		t.Errorf("the pass found problems on a good page:\n%s", strings.Join(problems, "\n"))
	}
	b.Visit(good.URL)
	b.ShowsText("reached by Tab")
	b.HidesText("skipped by Tab")
}
