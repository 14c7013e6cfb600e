package http

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
)

// TestIntakeRoleTakesFilesInAndReadsNoIncident: a feed's token of the
// intake role gets past authorisation on the intake routes only (this
// server takes no files in, so they answer 503), and is refused every
// incident, its evidence and its alarms; the role is granted on all
// incidents or not at all.
func TestIntakeRoleTakesFilesInAndReadsNoIncident(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		feed := f.caller("feed", leakdesk.RoleIntake)
		f.unavailable(http.MethodGet, "/api/v1/intake/1", feed)
		f.unavailable(http.MethodPost, "/api/v1/intake", feed)
		for _, path := range []string{"/api/v1/incidents/1", "/api/v1/incidents/1/evidence", "/api/v1/incidents/1/alarms", "/api/v1/incidents/1/events"} {
			if w := f.do(http.MethodGet, path, "", feed); w.Code != http.StatusForbidden {
				t.Errorf("GET %s as intake: %d, want 403", path, w.Code)
			}
		}
		if w := f.do(http.MethodGet, "/api/v1/incidents", "", feed); strings.Contains(w.Body.String(), "first") {
			t.Errorf("the incident list as intake: %d %s, want no incident", w.Code, w.Body)
		}
		acc := f.account("feed-on-one")
		err := f.accounts.GrantRole(t.Context(), leakdesk.Grant{AccountID: acc.ID, Role: leakdesk.RoleIntake, IncidentID: 1}, "local:setup")
		if leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("intake granted on one incident: %v, want %s", err, leakdesk.EINVALID)
		}
	})
}
