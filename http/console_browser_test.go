package http

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/browsertest"
)

// The console's pages, read in a real Chromium over a real SQLite store:
// what each shows, masked for a viewer, and their accessibility basics.
// With -update the incident page and the coverage board are saved to
// docs/img for the README.
func TestConsoleBrowser(t *testing.T) {
	desk := newConsoleDesk(t, t.TempDir(), deskSize{contacts: 120, organisations: 12, notices: 1, acknowledged: 30})
	lead := httptest.NewServer(desk.handler(account("lea", leakdesk.RoleLead)))
	defer lead.Close()
	viewer := httptest.NewServer(desk.handler(account("vic", leakdesk.RoleViewer)))
	defer viewer.Close()
	id := desk.incident.PublicID()
	browser := browsertest.Start(t)

	t.Run("incidents", func(t *testing.T) {
		b := browser.For(t)
		b.Visit(lead.URL + "/console/")
		b.ShowsText("Open incidents", id, "Customer list on a forum", "Notify the supervisory authority", "1d 18h 00m")
		b.CheckAccessibility()
	})
	t.Run("incident", func(t *testing.T) {
		b := browser.For(t)
		b.Visit(lead.URL + "/console/incidents/" + id)
		b.ShowsText("Legal clocks", "NIS2", "Band", "Factors", "dump.csv", "Acme SA, 1 rue de la Paix", "The chain of", "verifies", "assessment.confirmed")
		if n := b.Count("figure.chart svg rect"); n < 2 {
			b.Failf("the clocks picture has %d bars, want one per obligation with a due time", n)
		}
		b.CheckAccessibility()
		screenshot(t, b, "console-incident.png")
	})
	t.Run("findings", func(t *testing.T) {
		b := browser.For(t)
		b.Visit(lead.URL + "/console/incidents/" + id + "/findings")
		b.ShowsText("Contacts 1 to 50 of 120", "Person000000 Surname", "person000000@client0000.example", "Page 1 of 3", "Organisation 0011")
		b.CheckAccessibility()
		b.Visit(lead.URL + "/console/incidents/" + id + "/findings?q=Organisation+0003&page=2")
		b.ShowsText("Contacts 1 to 10 of 10", "Person000003 Surname")
		b.HidesText("Person000004 Surname")
	})
	t.Run("findings masked", func(t *testing.T) {
		b := browser.For(t)
		b.Visit(viewer.URL + "/console/incidents/" + id + "/findings")
		b.ShowsText("P*** S***", "p***@c***.example", "masked for your role")
		b.HidesText("Person000000", "person000000@")
		b.Visit(viewer.URL + "/console/incidents/" + id + "/findings?q=person000000")
		b.ShowsText("No contact matches.")
	})
	t.Run("coverage", func(t *testing.T) {
		b := browser.For(t)
		b.Visit(lead.URL + "/console/incidents/" + id + "/coverage")
		b.ShowsText("Coverage of "+id, "30 reached on evidence", "Not reached", "of 90 not reached", "call +33 6 12")
		if n := b.Count("figure.chart svg rect"); n < 12 {
			b.Failf("the coverage picture has %d boxes, want a bar for each of 12 organisations", n)
		}
		b.CheckAccessibility()
		screenshot(t, b, "console-coverage.png")
	})
	t.Run("coverage masked", func(t *testing.T) {
		b := browser.For(t)
		b.Visit(viewer.URL + "/console/incidents/" + id + "/coverage")
		b.ShowsText("call +** * ** ** ** ")
		b.HidesText("call +33 6 12", "Person000031 Surname")
	})
	t.Run("refused", func(t *testing.T) {
		b := browser.For(t)
		admin := httptest.NewServer(desk.handler(account("ada", leakdesk.RoleAdmin)))
		defer admin.Close()
		b.Visit(admin.URL + "/console/incidents/" + id)
		b.ShowsText("Forbidden", "needs the role")
		b.HidesText("Customer list on a forum")
	})
}

// screenshot saves the page to docs/img for the README when run with
// -update.
func screenshot(t *testing.T, b *browsertest.Browser, name string) {
	t.Helper()
	if !*update {
		return
	}
	path := filepath.Join("..", "docs", "img", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Screenshot(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("saved %s", strings.TrimPrefix(path, "../"))
}
