package http

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
)

// TestSingleSignOn runs the whole OpenID Connect login against a local mock
// provider: a linked subject gets a session, an unlinked one and a forged
// state get 401 and no session.
func TestSingleSignOn(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		provider, err := mockoidc.Run()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { provider.Shutdown() })
		f := newFixture(t, d, generousLimits())
		cfg := provider.Config()
		sso, err := NewOIDC(t.Context(), cfg.Issuer, cfg.ClientID, cfg.ClientSecret, "http://leakdesk.test/login/oidc/callback", f.accounts)
		if err != nil {
			t.Fatal(err)
		}
		f.withOIDC(sso)
		admin := bearer(f.token(f.account("root", leakdesk.Grant{Role: leakdesk.RoleAdmin}), leakdesk.TokenScope{}))
		f.account("ana", leakdesk.Grant{Role: leakdesk.RoleLead})
		if w := f.do(http.MethodPut, "/api/v1/accounts/ana/oidc", `{"subject": "sub-ana"}`, admin); w.Code != http.StatusOK {
			t.Fatalf("link: %d %s", w.Code, w.Body)
		}

		cookies := f.ssoLogin(provider, "sub-ana", "")
		w := f.do(http.MethodGet, "/api/v1/whoami", "", withCookies(cookies))
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"name":"ana"`) {
			t.Fatalf("whoami after single sign-on: %d %s", w.Code, w.Body)
		}
		if cookies := f.ssoLogin(provider, "sub-nobody", ""); cookies != nil {
			t.Errorf("an unlinked subject got cookies %v", cookies)
		}
		if cookies := f.ssoLogin(provider, "sub-ana", "forged-state"); cookies != nil {
			t.Errorf("a forged state got cookies %v", cookies)
		}
	})
}

func (f *fixture) withOIDC(sso *OIDC) {
	f.t.Helper()
	var err error
	f.cfg.OIDC = sso
	if f.handler, err = NewServer(f.cfg); err != nil {
		f.t.Fatal(err)
	}
}

func withCookies(cookies []*http.Cookie) func(*http.Request) {
	return func(r *http.Request) {
		for _, c := range cookies {
			r.AddCookie(c)
		}
	}
}

// ssoLogin goes from /login/oidc to the provider, which logs in subject,
// and back to the callback (with state replaced when forgedState is set).
// It returns the session cookie, or nil when the callback refused (401).
func (f *fixture) ssoLogin(provider *mockoidc.MockOIDC, subject, forgedState string) []*http.Cookie {
	f.t.Helper()
	start := f.do(http.MethodGet, "/login/oidc", "").Result()
	if start.StatusCode != http.StatusFound {
		f.t.Fatalf("/login/oidc: %d", start.StatusCode)
	}
	provider.QueueUser(&mockoidc.MockUser{Subject: subject, Email: subject + "@example.com", EmailVerified: true})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(start.Header.Get("Location"))
	if err != nil {
		f.t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || back.Query().Get("code") == "" {
		f.t.Fatalf("the provider answered %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	if forgedState != "" {
		q := back.Query()
		q.Set("state", forgedState)
		back.RawQuery = q.Encode()
	}
	callback := f.do(http.MethodGet, "/login/oidc/callback?"+back.RawQuery, "", withCookies(start.Cookies())).Result()
	switch callback.StatusCode {
	case http.StatusSeeOther:
		var session []*http.Cookie
		for _, c := range callback.Cookies() {
			if c.Name == sessionCookie {
				session = append(session, c)
			}
		}
		return session
	case http.StatusUnauthorized:
		for _, c := range callback.Cookies() {
			if c.Name == sessionCookie {
				f.t.Errorf("a refused callback set a session cookie")
			}
		}
		return nil
	}
	f.t.Fatalf("callback: %d", callback.StatusCode)
	return nil
}
