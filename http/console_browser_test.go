package http

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/browsertest"
)

// The console's pages, read in a real Chromium over a real SQLite store:
// what each shows, masked for a viewer, refused to an admin, and their
// accessibility basics. With -update the incident page and the coverage
// board are saved to docs/img for the README.
func TestConsoleBrowser(t *testing.T) {
	desk := newConsoleDesk(t, t.TempDir(), deskSize{contacts: 120, organisations: 12, notices: 1, acknowledged: 30})
	lead := desk.serve(t, account("lea", leakdesk.RoleLead)).URL
	viewer := desk.serve(t, account("vic", leakdesk.RoleViewer)).URL
	admin := desk.serve(t, account("ada", leakdesk.RoleAdmin)).URL
	inc := "/console/incidents/" + desk.incident.PublicID()
	browser := browsertest.Start(t)

	tests := []struct {
		name, url  string
		shows      []string
		hides      []string
		boxes      int    // at least this many boxes in the page's picture
		accessible bool   // run the accessibility pass
		screenshot string // the file in docs/img that -update writes
	}{
		{name: "incidents", url: lead + "/console/", accessible: true,
			shows: []string{"Open incidents", desk.incident.PublicID(), "Customer list on a forum", "Notify the supervisory authority", "1d 18h 00m"}},
		{name: "incident", url: lead + inc, accessible: true, boxes: 2, screenshot: "console-incident.png",
			shows: []string{"Legal clocks", "met, filed", "Band", "Factors", "dump.csv", "Acme SA, 1 rue de la Paix", "The chain of", "verifies", "assessment.confirmed"}},
		{name: "findings", url: lead + inc + "/findings", accessible: true,
			shows: []string{"Contacts 1 to 50 of 120", "Person000000 Surname", "person000000@client0000.example", "Page 1 of 3", "Organisation 0011"}},
		{name: "findings searched", url: lead + inc + "/findings?q=Organisation+0003&page=2",
			shows: []string{"Contacts 1 to 10 of 10", "Person000003 Surname"}, hides: []string{"Person000004 Surname"}},
		{name: "findings masked", url: viewer + inc + "/findings",
			shows: []string{"P*** S***", "p***@c***.example", "masked for your role"}, hides: []string{"Person000000", "person000000@"}},
		{name: "findings masked search", url: viewer + inc + "/findings?q=person000000", shows: []string{"No contact matches."}},
		{name: "coverage", url: lead + inc + "/coverage", accessible: true, boxes: 12, screenshot: "console-coverage.png",
			shows: []string{"30 reached on evidence", "Not reached", "of 90 not reached", "call +33 6 12"}},
		{name: "coverage masked", url: viewer + inc + "/coverage",
			shows: []string{"call +** * ** ** ** "}, hides: []string{"call +33 6 12", "Person000031 Surname"}},
		{name: "incident refused", url: admin + inc,
			shows: []string{"Forbidden", "needs the role"}, hides: []string{"Customer list on a forum"}},
	}
	// With its script, the search swaps the results in place and puts the
	// query in the address, under the page's CSP.
	t.Run("findings search with htmx", func(t *testing.T) {
		b := browser.For(t)
		b.Visit(lead + inc + "/findings")
		if !browsertest.Eval[bool](b, `typeof htmx === "object"`) {
			b.Failf("htmx did not load")
		}
		browsertest.Eval[bool](b, `document.getElementById("q").value = "Organisation 0005"; document.querySelector("form.search button").click(); true`)
		b.WaitText("Contacts 1 to 10 of 10")
		b.ShowsText("Person000005 Surname")
		if q := browsertest.Eval[string](b, `new URLSearchParams(location.search).get("q") || ""`); q != "Organisation 0005" {
			b.Failf("the address holds q=%q after the search, want the query in it", q)
		}
		if n := b.Count("h1"); n != 1 {
			b.Failf("the page has %d h1 after the swap: the whole page was put in the results", n)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := browser.For(t)
			b.Visit(tt.url)
			b.ShowsText(tt.shows...)
			b.HidesText(tt.hides...)
			if n := b.Count("figure.chart svg rect"); n < tt.boxes {
				b.Failf("the page's picture has %d boxes, want at least %d", n, tt.boxes)
			}
			// Before the accessibility pass: its Tab walk scrolls the page
			// to its last field, and the README wants the top.
			if tt.screenshot != "" && *update {
				saveScreenshot(t, b.Screenshot(), tt.screenshot)
			}
			if tt.accessible {
				b.CheckAccessibility()
			}
		})
	}
}

// saveScreenshot writes png to docs/img for the README.
func saveScreenshot(t *testing.T, png []byte, name string) {
	t.Helper()
	path := filepath.Join("..", "docs", "img", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
