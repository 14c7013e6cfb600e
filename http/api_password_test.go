package http

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
)

// TestPasswordAndAccountLogThroughTheAPI: an admin sets a password, which
// then logs in, and reads it in the account audit log under their name; a
// weak password and a lead are refused.
func TestPasswordAndAccountLogThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		admin := f.caller("adm", leakdesk.RoleAdmin)
		lead := f.caller("lea", leakdesk.RoleLead)
		f.account("bob")
		const password = "a long passphrase for bob"

		before := f.snapshot()
		if w := f.do(http.MethodPut, "/api/v1/accounts/bob/password", `{"password": "short"}`, admin); w.Code != http.StatusBadRequest {
			t.Errorf("a weak password: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPut, "/api/v1/accounts/bob/password", `{"password": "`+password+`"}`, lead); w.Code != http.StatusForbidden {
			t.Errorf("a lead sets a password: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPut, "/api/v1/accounts/nobody/password", `{"password": "`+password+`"}`, admin); w.Code != http.StatusNotFound {
			t.Errorf("an unknown account: %d %s", w.Code, w.Body)
		}
		f.unchanged("refused passwords", before)
		if res := f.login("bob", password); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("bob logs in with a password not yet set: %d", res.StatusCode)
		}

		w := f.do(http.MethodPut, "/api/v1/accounts/bob/password", `{"password": "`+password+`"}`, admin)
		if acc := decodeBody[leakdesk.Account](t, w.Body.String()); w.Code != http.StatusOK || acc.Name != "bob" || strings.Contains(w.Body.String(), password) {
			t.Fatalf("set bob's password: %d %s", w.Code, w.Body)
		}
		w = f.do(http.MethodGet, "/api/v1/account-events", "", admin)
		log := decodeBody[[]*leakdesk.AccountEvent](t, w.Body.String())
		if w.Code != http.StatusOK || len(log) == 0 || log[len(log)-1].Account != "bob" || !strings.HasSuffix(log[len(log)-1].Actor, "(adm)") || strings.Contains(w.Body.String(), password) {
			t.Fatalf("account log: %d %s", w.Code, w.Body)
		}
		if res := f.login("bob", password); res.StatusCode != http.StatusSeeOther || len(res.Cookies()) == 0 {
			t.Errorf("bob logs in with the password set: %d", res.StatusCode)
		}
		if w := f.do(http.MethodGet, "/api/v1/account-events", "", lead); w.Code != http.StatusForbidden {
			t.Errorf("a lead reads the account log: %d", w.Code)
		}
	})
}
