package http

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
)

// TestRouteAccessIsDeclared: every route is public, open to any
// authenticated principal, or names an action that Policy has a rule for.
func TestRouteAccessIsDeclared(t *testing.T) {
	s, err := newServer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range s.routes() {
		if err := checkAccess(rt.access); err != nil {
			t.Errorf("%s: %v", rt.pattern, err)
		}
	}
}

func checkAccess(a access) error {
	set := 0
	for _, b := range []bool{a.public, a.anyone, a.action != ""} {
		if b {
			set++
		}
	}
	if set != 1 {
		return leakdesk.Errorf(leakdesk.EINVALID, "want exactly one of public, anyone or an action")
	}
	if _, ok := leakdesk.RuleFor(a.action); a.action != "" && !ok {
		return leakdesk.Errorf(leakdesk.EINVALID, "action %s has no rule in leakdesk.Policy", a.action)
	}
	return nil
}

// TestAuthorisationMatrix sends every authenticated route as every role,
// with no credentials, with a token scoped to another incident, and as a
// disabled account, and checks each is allowed or refused as Policy says.
// Allowed means neither 401 nor 403: the empty bodies sent may well be
// invalid.
func TestAuthorisationMatrix(t *testing.T) {
	testbackends.Each(t, testMatrix)
}

func testMatrix(t *testing.T, d *testbackends.Desk) {
	f := newFixture(t, d, Limits{Login: Rate{Every: 1, Burst: 1000}, TokenFailures: Rate{Every: 1, Burst: 1000}, AckLinks: Rate{Every: 1, Burst: 1000}})
	type caller struct {
		name   string
		secret string
		grants []leakdesk.Grant // what Policy is checked against; nil: not authenticated
	}
	var callers []caller
	for _, role := range leakdesk.Roles() {
		grant := leakdesk.Grant{Role: role}
		acc := f.account("r-"+string(role), grant)
		callers = append(callers, caller{string(role), f.token(acc, leakdesk.TokenScope{}), []leakdesk.Grant{grant}})
	}
	lead := f.account("lead-elsewhere", leakdesk.Grant{Role: leakdesk.RoleLead})
	scope := leakdesk.TokenScope{IncidentID: 2}
	callers = append(callers, caller{"token for INC-0002", f.token(lead, scope), scope.Grants([]leakdesk.Grant{{Role: leakdesk.RoleLead}})})
	gone := f.account("disabled", leakdesk.Grant{Role: leakdesk.RoleLead})
	goneToken := f.token(gone, leakdesk.TokenScope{})
	if err := f.accounts.DisableAccount(t.Context(), gone.ID, "local:setup"); err != nil {
		t.Fatal(err)
	}
	callers = append(callers, caller{"no credentials", "", nil}, caller{"disabled account", goneToken, nil})

	s, err := newServer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, rt := range s.routes() {
		if rt.access.public {
			continue
		}
		method, path, _ := strings.Cut(rt.pattern, " ")
		path = strings.NewReplacer("{id}", "1", "{account}", "nobody", "{token}", "999", "{req}", "999", "{kind}", "cnil", "{ref}", "1", "{seq}", "1", "{$}", "").Replace(path)
		body := ""
		if method != http.MethodGet {
			body = "{}"
		}
		for _, c := range callers {
			var prepare []func(*http.Request)
			if c.secret != "" {
				prepare = append(prepare, bearer(c.secret))
			}
			rec := f.do(method, path, body, prepare...)
			got := rec.Code
			want := expected(rt.access, c.grants, strings.Contains(rt.pattern, "{id}"))
			// A console page sends a browser with no session to the login
			// form, where the API answers 401.
			if want == http.StatusUnauthorized && !strings.HasPrefix(path, "/api/") && got == http.StatusSeeOther && strings.HasPrefix(rec.Header().Get("Location"), "/login") {
				got = http.StatusUnauthorized
			}
			switch {
			case want == 0 && (got == http.StatusUnauthorized || got == http.StatusForbidden):
				t.Errorf("%s as %s: %d, want allowed", rt.pattern, c.name, got)
			case want != 0 && got != want:
				t.Errorf("%s as %s: %d, want %d", rt.pattern, c.name, got, want)
			}
			checked++
		}
	}
	if checked < 25*len(callers) {
		t.Fatalf("only %d requests checked", checked)
	}
}

// expected is the status Policy calls for: 401 without a principal, 403
// for a refusal, 0 when allowed. Routes with an {id} are sent for INC-0001.
func expected(a access, grants []leakdesk.Grant, onIncident bool) int {
	if grants == nil {
		return http.StatusUnauthorized
	}
	incident := leakdesk.AllIncidents
	if onIncident {
		incident = 1
	}
	allowed := a.anyone
	if a.action != "" {
		rule, _ := leakdesk.RuleFor(a.action)
		for _, g := range grants {
			covers := g.Covers(incident) || (a.scoped && g.IncidentID != leakdesk.AllIncidents)
			allowed = allowed || covers && slices.Contains(rule.Roles, g.Role)
		}
	}
	if allowed {
		return 0
	}
	return http.StatusForbidden
}
