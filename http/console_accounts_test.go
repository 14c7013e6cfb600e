package http

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
)

var secretPattern = regexp.MustCompile(`value="(ldt_[A-Za-z0-9_-]+)"`)

// TestConsoleAccounts: an admin lists, adds and changes accounts from the
// console's forms, through the account service the command line uses; a
// token made there works once and stops when revoked; refused input
// leaves nothing behind; anyone else is refused every page.
func TestConsoleAccounts(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, Limits{})
		admin := bearer(f.token(f.account("root", leakdesk.Grant{Role: leakdesk.RoleAdmin}), leakdesk.TokenScope{}))
		lead := bearer(f.token(f.account("lea", leakdesk.Grant{Role: leakdesk.RoleLead}), leakdesk.TokenScope{}))
		post := func(path string, values url.Values, who func(*http.Request)) *httptest.ResponseRecorder {
			body, asForm := postForm(values)
			return f.do("POST", path, body, who, asForm)
		}

		// Only an admin's navigation links to the accounts page.
		adminLead := bearer(f.token(f.account("boss", leakdesk.Grant{Role: leakdesk.RoleAdmin}, leakdesk.Grant{Role: leakdesk.RoleLead}), leakdesk.TokenScope{}))
		for who, want := range map[string]bool{"admin and lead": true, "lead": false} {
			as := map[string]func(*http.Request){"admin and lead": adminLead, "lead": lead}[who]
			for _, path := range []string{"/console/", "/console/incidents/INC-0001"} {
				w := f.do("GET", path, "", as)
				if got := strings.Contains(w.Body.String(), `<a href="/console/accounts">Accounts</a>`); w.Code != http.StatusOK || got != want {
					t.Errorf("%s's %s: status %d, links to the accounts: %v, want %v", who, path, w.Code, got, want)
				}
			}
		}
		if w := post("/console/accounts", url.Values{"name": {"carol"}, "password": {"short"}, "role": {"viewer"}}, admin); w.Code != http.StatusBadRequest {
			t.Errorf("a short password: %d", w.Code)
		}
		if w := post("/console/accounts", url.Values{"name": {"carol"}, "role": {"emperor"}}, admin); w.Code != http.StatusBadRequest {
			t.Errorf("an unknown role: %d", w.Code)
		}
		if _, err := f.accounts.FindAccountByName(context.Background(), "carol"); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("a refused account was created: %v", err)
		}
		w := post("/console/accounts", url.Values{"name": {"carol"}, "display_name": {"Carol C."}, "password": {"correct horse battery"}, "role": {"communications"}, "incident": {"INC-0001"}}, admin)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/accounts/carol" {
			t.Fatalf("add carol: %d %s", w.Code, w.Body)
		}
		if w := post("/console/accounts/carol/grants", url.Values{"role": {"viewer"}}, admin); w.Code != http.StatusSeeOther {
			t.Fatalf("grant: %d %s", w.Code, w.Body)
		}
		list := f.do("GET", "/console/accounts", "", admin)
		if list.Code != http.StatusOK || !strings.Contains(list.Body.String(), "communications on INC-0001") || !strings.Contains(list.Body.String(), "viewer on all incidents") {
			t.Fatalf("accounts page: %d %s", list.Code, list.Body)
		}
		if w := post("/console/accounts/carol/revoke", url.Values{"role": {"communications"}, "incident": {"1"}}, admin); w.Code != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", w.Code, w.Body)
		}
		carol, err := f.accounts.FindAccountByName(context.Background(), "carol")
		if err != nil || len(carol.Grants) != 1 || carol.Grants[0].Role != leakdesk.RoleViewer || carol.DisplayName != "Carol C." {
			t.Fatalf("carol after the changes: %+v, %v", carol, err)
		}

		made := post("/console/accounts/carol/tokens", url.Values{"note": {"ci"}, "role": {"viewer"}, "days": {"3"}}, admin)
		m := secretPattern.FindStringSubmatch(made.Body.String())
		if made.Code != http.StatusOK || m == nil || made.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("make a token: %d %s", made.Code, made.Body)
		}
		if w := f.do("GET", "/api/v1/whoami", "", bearer(m[1])); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "carol") {
			t.Fatalf("the new token: %d %s", w.Code, w.Body)
		}
		if page := f.do("GET", "/console/accounts/carol", "", admin); strings.Contains(page.Body.String(), m[1]) || !strings.Contains(page.Body.String(), "ci") {
			t.Errorf("the account page shows the secret again, or not the token")
		}
		tokens, err := f.accounts.FindTokens(context.Background(), carol.ID)
		if err != nil || len(tokens) != 1 {
			t.Fatalf("tokens: %+v, %v", tokens, err)
		}
		if w := post("/console/accounts/root/tokens/"+itoa(tokens[0].ID)+"/revoke", nil, admin); w.Code != http.StatusNotFound {
			t.Errorf("revoking carol's token through root's address: %d", w.Code)
		}
		if w := post("/console/accounts/carol/tokens/"+itoa(tokens[0].ID)+"/revoke", nil, admin); w.Code != http.StatusSeeOther {
			t.Fatalf("revoke the token: %d %s", w.Code, w.Body)
		}
		if w := f.do("GET", "/api/v1/whoami", "", bearer(m[1])); w.Code != http.StatusUnauthorized {
			t.Errorf("a revoked token: %d", w.Code)
		}
		if w := post("/console/accounts/carol/disable", nil, admin); w.Code != http.StatusSeeOther {
			t.Fatalf("disable: %d", w.Code)
		}
		if page := f.do("GET", "/console/accounts/carol", "", admin); !strings.Contains(page.Body.String(), `<dd id="state">disabled</dd>`) {
			t.Errorf("carol's page after disabling:\n%s", page.Body)
		}
		events, err := f.accounts.FindAccountEvents(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		byRoot := 0
		for _, ev := range events {
			if strings.Contains(ev.Actor, "root") && ev.Account == "carol" {
				byRoot++
			}
		}
		if byRoot < 6 {
			t.Errorf("%d account events name root as the actor; want every change: %+v", byRoot, events)
		}

		for _, path := range []string{"/console/accounts", "/console/accounts/carol"} {
			if w := f.do("GET", path, "", lead); w.Code != http.StatusForbidden || strings.Contains(w.Body.String(), "carol") && path == "/console/accounts" {
				t.Errorf("a lead on %s: %d", path, w.Code)
			}
		}
		if w := post("/console/accounts", url.Values{"name": {"mallory"}, "role": {"admin"}}, lead); w.Code != http.StatusForbidden {
			t.Errorf("a lead added an account: %d", w.Code)
		}
		if w := post("/console/accounts/lea/grants", url.Values{"role": {"admin"}}, lead); w.Code != http.StatusForbidden {
			t.Errorf("a lead made itself admin: %d", w.Code)
		}
	})
}
