package http

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
)

// TestConsolePagesKeepTheCachedFindingsAndCoverage: the store caches the
// findings and the coverage between requests, and the pages search,
// filter and mask their own copies: a search, or a masked page, never
// changes what the next request shows.
func TestConsolePagesKeepTheCachedFindingsAndCoverage(t *testing.T) {
	desk := newConsoleDesk(t, t.TempDir(), deskSize{contacts: 120, organisations: 12, notices: 1, acknowledged: 30})
	lead := desk.handler(account("lea", leakdesk.RoleLead))
	viewer := desk.handler(account("vic", leakdesk.RoleViewer))
	inc := "/console/incidents/" + desk.incident.PublicID()
	get := func(h http.Handler, path string) string {
		t.Helper()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		b, _ := io.ReadAll(w.Result().Body)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, w.Code)
		}
		return string(b) // as sent: html/template writes "+" as "&#43;"
	}
	steps := []struct {
		h           http.Handler
		path        string
		shows, hide []string
	}{
		{lead, inc + "/findings", []string{"Contacts 1 to 50 of 120", "Person000000 Surname"}, nil},
		{lead, inc + "/findings?q=Organisation+0003", []string{"Contacts 1 to 10 of 10", "Person000003 Surname"}, []string{"Person000004 Surname"}},
		{lead, inc + "/findings", []string{"Contacts 1 to 50 of 120", "linked to 120 affected contacts", "Person000000 Surname", "Person000004 Surname"}, nil},
		{viewer, inc + "/findings", []string{"P*** S***"}, []string{"Person000000"}},
		{lead, inc + "/findings?q=person000000", []string{"Contacts 1 to 1 of 1", "Person000000 Surname"}, nil},
		{viewer, inc + "/findings?q=person000000", []string{"No contact matches.", "linked to 120 affected contacts"}, nil},
		{lead, inc + "/findings?q=Organisation+0003&page=9", []string{"Contacts 1 to 10 of 10", "linked to 120 affected contacts"}, nil},
		{lead, inc + "/findings?page=99999999999999999", []string{"Contacts 101 to 120 of 120", "Page 3 of 3"}, nil},
		{lead, inc + "/coverage", []string{"30 reached on evidence", "of 90 not reached", "call &#43;33 6 12"}, nil},
		{viewer, inc + "/coverage", []string{"call &#43;** * ** ** ** "}, []string{"call &#43;33 6 12"}},
		{lead, inc + "/coverage", []string{"30 reached on evidence", "of 90 not reached", "call &#43;33 6 12"}, nil},
	}
	for _, s := range steps {
		body := get(s.h, s.path)
		for _, want := range s.shows {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s does not show %q", s.path, want)
			}
		}
		for _, not := range s.hide {
			if strings.Contains(body, not) {
				t.Errorf("GET %s shows %q", s.path, not)
			}
		}
	}
}
