package http

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
)

// generousLimits keep rate limits out of tests about something else.
func generousLimits() Limits {
	r := Rate{Every: time.Millisecond, Burst: 1000}
	return Limits{Login: r, TokenFailures: r, AckLinks: r}
}

// login posts the form and returns the response.
func (f *fixture) login(name, password string, prepare ...func(*http.Request)) *http.Response {
	f.t.Helper()
	form := url.Values{"name": {name}, "password": {password}}.Encode()
	prepare = append([]func(*http.Request){func(r *http.Request) { r.Header.Set("Content-Type", "application/x-www-form-urlencoded") }}, prepare...)
	return f.do(http.MethodPost, "/login", form, prepare...).Result()
}

func withCookie(c *http.Cookie) func(*http.Request) {
	return func(r *http.Request) { r.AddCookie(c) }
}

// unchanged fails the test if the timelines or the account log grew
// since before.
func (f *fixture) unchanged(what string, before [2]int) {
	f.t.Helper()
	events, accountEvents := f.recordSize()
	if now := [2]int{events, accountEvents}; now != before {
		f.t.Errorf("%s changed the record: %v events and account events, before %v", what, now, before)
	}
}

func (f *fixture) snapshot() [2]int {
	events, accountEvents := f.recordSize()
	return [2]int{events, accountEvents}
}

// TestSessionLogin: a login sets a session cookie with the right flags,
// the cookie authenticates, and logging out revokes it in the store.
func TestSessionLogin(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		f.account("ana", leakdesk.Grant{Role: leakdesk.RoleLead})
		res := f.login("ana", "ana-password")
		if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 1 {
			t.Fatalf("login: %d, cookies %v", res.StatusCode, res.Cookies())
		}
		c := res.Cookies()[0]
		if c.Name != sessionCookie || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure {
			t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, not Secure on a loopback test server", c)
		}
		w := f.do(http.MethodGet, "/api/v1/whoami", "", withCookie(c))
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"name":"ana"`) {
			t.Fatalf("whoami with the cookie: %d %s", w.Code, w.Body)
		}
		// A note through the session is recorded under the account.
		w = f.do(http.MethodPost, "/api/v1/incidents/INC-0001/notes", `{"text": "called the host"}`, withCookie(c))
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"actor":"ana"`) {
			t.Fatalf("note: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/logout", "", withCookie(c)); w.Code != http.StatusSeeOther {
			t.Fatalf("logout: %d", w.Code)
		}
		if w := f.do(http.MethodGet, "/api/v1/whoami", "", withCookie(c)); w.Code != http.StatusUnauthorized {
			t.Errorf("whoami after logout: %d, want 401", w.Code)
		}
	})
}

// TestBadCredentialsChangeNothing: each gets its status, and the
// timelines and the account log stay as they were.
func TestBadCredentialsChangeNothing(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		ana := f.account("ana", leakdesk.Grant{Role: leakdesk.RoleLead})
		viewer := f.account("vic", leakdesk.Grant{Role: leakdesk.RoleViewer})
		revokedSecret := f.token(ana, leakdesk.TokenScope{})
		tokens, err := f.accounts.FindTokens(t.Context(), ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.accounts.RevokeToken(t.Context(), tokens[0].ID, "local:setup"); err != nil {
			t.Fatal(err)
		}
		viewerSecret := f.token(viewer, leakdesk.TokenScope{})
		anaSecret := f.token(ana, leakdesk.TokenScope{})
		goodCookie := f.login("ana", "ana-password").Cookies()[0]
		forged := *goodCookie
		forged.Value = tamper(goodCookie.Value)
		gone := f.account("gone", leakdesk.Grant{Role: leakdesk.RoleLead})
		if err := f.accounts.DisableAccount(t.Context(), gone.ID, "local:setup"); err != nil {
			t.Fatal(err)
		}
		note := `{"text": "must not be recorded"}`
		const path = "/api/v1/incidents/1/notes"
		before := f.snapshot()

		if res := f.login("ana", "wrong password!"); res.StatusCode != http.StatusUnauthorized || len(res.Cookies()) != 0 {
			t.Errorf("wrong password: %d, cookies %v", res.StatusCode, res.Cookies())
		}
		if res := f.login("gone", "gone-password"); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("disabled account: %d, want 401", res.StatusCode)
		}
		for name, prepare := range map[string]func(*http.Request){
			"revoked token":  bearer(revokedSecret),
			"forged cookie":  withCookie(&forged),
			"made-up cookie": withCookie(&http.Cookie{Name: sessionCookie, Value: "ld_s_forged"}),
		} {
			if w := f.do(http.MethodPost, path, note, prepare); w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), `"code":"unauthorized"`) {
				t.Errorf("%s: %d %s, want 401", name, w.Code, w.Body)
			}
		}
		w := f.do(http.MethodPost, path, note, bearer(viewerSecret))
		if w.Code != http.StatusForbidden {
			t.Errorf("viewer writing a note: %d, want 403", w.Code)
		}
		logs := f.logs.String()
		if !strings.Contains(logs, "refused") || !strings.Contains(logs, "principal=\"token:") || !strings.Contains(logs, "action=incident.note") || strings.Contains(logs, viewerSecret) {
			t.Errorf("the refusal is not logged as it should be:\n%s", logs)
		}
		w = f.do(http.MethodPost, path, note, bearer(anaSecret), func(r *http.Request) {
			r.Host = "leakdesk.example"
			r.Header.Set("Origin", "https://attacker.example")
			r.Header.Set("Sec-Fetch-Site", "cross-site")
		})
		if w.Code != http.StatusForbidden {
			t.Errorf("cross-origin POST: %d, want 403", w.Code)
		}
		f.db.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
		if w := f.do(http.MethodGet, "/api/v1/whoami", "", bearer(anaSecret)); w.Code != http.StatusUnauthorized {
			t.Errorf("expired token: %d, want 401", w.Code)
		}
		f.db.Now = time.Now
		f.unchanged("bad credentials", before)

		// The same note, same-origin and well authenticated, is recorded: the
		// refusals above were not for the request itself.
		if w := f.do(http.MethodPost, path, note, bearer(anaSecret)); w.Code != http.StatusOK {
			t.Errorf("the genuine note: %d %s", w.Code, w.Body)
		}
	})
}

// tamper changes a secret's last character.
func tamper(secret string) string {
	last := "A"
	if strings.HasSuffix(secret, last) {
		last = "B"
	}
	return secret[:len(secret)-1] + last
}

// TestLoginBurstIsRateLimited: past the burst, even the right password
// gets 429 with Retry-After, and nothing is recorded.
func TestLoginBurstIsRateLimited(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		limits := generousLimits()
		limits.Login = Rate{Every: time.Minute, Burst: 3}
		limits.TokenFailures = Rate{Every: time.Minute, Burst: 2}
		f := newFixture(t, d, limits)
		f.account("ana", leakdesk.Grant{Role: leakdesk.RoleLead})
		before := f.snapshot()
		for i := range 3 {
			if res := f.login("ana", "guess number "+string(rune('a'+i))); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d, want 401", i, res.StatusCode)
			}
		}
		res := f.login("ana", "ana-password")
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "60" || len(res.Cookies()) != 0 {
			t.Fatalf("login past the burst: %d, Retry-After %q, cookies %v", res.StatusCode, res.Header.Get("Retry-After"), res.Cookies())
		}
		for range 2 {
			f.do(http.MethodGet, "/api/v1/whoami", "", bearer("ld_t_guess"))
		}
		if w := f.do(http.MethodGet, "/api/v1/whoami", "", bearer("ld_t_guess")); w.Code != http.StatusTooManyRequests {
			t.Errorf("token guess past the burst: %d, want 429", w.Code)
		}
		f.unchanged("a burst of logins", before)
	})
}

// TestSecurityHeaders are on every response: pages, API answers, errors.
func TestSecurityHeaders(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		for _, path := range []string{"/healthz", "/login", "/api/v1/incidents", "/api/v1/openapi.json", "/nowhere"} {
			h := f.do(http.MethodGet, path, "").Header()
			if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("%s: headers %v", path, h)
			}
		}
	})
}

// TestInternalErrorsShowNothing: a failure the server did not expect (here
// the database gone) is a 500 whose body says nothing of its cause, which
// goes to the log.
func TestInternalErrorsShowNothing(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		secret := f.token(f.account("ana", leakdesk.Grant{Role: leakdesk.RoleLead}), leakdesk.TokenScope{})
		f.db.Close()
		w := f.do(http.MethodGet, "/api/v1/incidents", "", bearer(secret))
		if w.Code != http.StatusInternalServerError && w.Code != http.StatusServiceUnavailable {
			t.Fatalf("with the database closed: %d %s", w.Code, w.Body)
		}
		if body := w.Body.String(); strings.Contains(body, "sql") || strings.Contains(body, "closed") {
			t.Errorf("the answer shows internals: %s", body)
		}
		if !strings.Contains(f.logs.String(), "closed") {
			t.Errorf("the cause is not in the log:\n%s", f.logs.String())
		}
	})
}

// TestPageWithoutSessionGoesToLogin: a page (console routes are added to
// the table like API routes) sends a browser without a session to /login,
// where the API would answer 401.
func TestPageWithoutSessionGoesToLogin(t *testing.T) {
	s, err := newServer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	page := s.guard(route{"GET /incidents/{id}", need(leakdesk.ActionIncidentRead), "a page", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("the page ran without a principal")
	})})
	w := httptest.NewRecorder()
	page.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/incidents/1", nil))
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login" {
		t.Errorf("a page without a session: %d to %q, want 303 to /login", w.Code, w.Header().Get("Location"))
	}
}
