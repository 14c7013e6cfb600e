package http

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
)

// Every page is served with the console's CSP and holds no inline script
// or style, which that CSP would block; the static files carry their hash
// and are cached for a year only under it. Without a principal, or
// without the role, a page refuses.
func TestConsoleHeaders(t *testing.T) {
	desk := newConsoleDesk(t, t.TempDir(), deskSize{contacts: 10, organisations: 2, notices: 1, acknowledged: 2})
	lead := desk.serve(t, account("lea", leakdesk.RoleLead))
	id := desk.incident.PublicID()
	get := func(url string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, string(b)
	}
	inline := regexp.MustCompile(`<script>|<script [^>]*>[^<]|\sstyle=|\son[a-z]+=`)
	var static []string
	for _, path := range []string{"/console/", "/console/incidents/" + id, "/console/incidents/" + id + "/findings", "/console/incidents/" + id + "/coverage"} {
		res, body := get(lead.URL + path)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Security-Policy") != consoleCSP {
			t.Fatalf("%s: status %d, CSP %q", path, res.StatusCode, res.Header.Get("Content-Security-Policy"))
		}
		if m := inline.FindString(body); m != "" {
			t.Fatalf("%s holds inline code or style %q, which the CSP blocks", path, m)
		}
		static = regexp.MustCompile(`/static/[^"]+\?v=[0-9a-f]{16}`).FindAllString(body, -1)
	}
	if len(static) != 2 {
		t.Fatalf("the layout links %q, want the style sheet and the script, each with its hash", static)
	}
	for _, url := range static {
		res, body := get(lead.URL + strings.ReplaceAll(url, "&amp;", "&"))
		if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || len(body) < 1000 {
			t.Fatalf("%s: status %d, cache %q, %d bytes", url, res.StatusCode, res.Header.Get("Cache-Control"), len(body))
		}
		stale, _ := get(lead.URL + url[:strings.Index(url, "?")] + "?v=0000000000000000")
		if stale.Header.Get("Cache-Control") != "no-cache" {
			t.Fatalf("%s under another hash is cached: %q", url, stale.Header.Get("Cache-Control"))
		}
	}
	if res, _ := get(lead.URL + "/static/../console.go"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("a path out of static answers %d", res.StatusCode)
	}

	for _, tt := range []struct {
		p    *leakdesk.Principal
		path string
		want int
	}{
		{nil, "/console/", http.StatusUnauthorized},
		{account("ada", leakdesk.RoleAdmin), "/console/", http.StatusForbidden},
		{account("ana", leakdesk.RoleAnalyst), "/console/incidents/" + id + "/coverage", http.StatusForbidden},
		{account("lea", leakdesk.RoleLead), "/console/incidents/INC-0099", http.StatusNotFound},
		{account("lea", leakdesk.RoleLead), "/console/incidents/nonsense", http.StatusBadRequest},
		{&leakdesk.Principal{Kind: leakdesk.PrincipalAccount, Name: "other", AccountID: 2, Grants: []leakdesk.Grant{{Role: leakdesk.RoleLead, IncidentID: 42}}},
			"/console/incidents/" + id, http.StatusForbidden},
	} {
		rec := httptest.NewRecorder()
		desk.handler(tt.p).ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
		if rec.Code != tt.want {
			t.Errorf("%v GET %s: %d, want %d", tt.p, tt.path, rec.Code, tt.want)
		}
	}
}
