package http

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
)

// A proposed incident is confirmed from its page: a correction needs its
// reason and, under the two-person rule, waits for another lead; a plain
// confirmation opens the incident at the alert's time. An open incident
// offers no confirmation.
func TestConsoleConfirm(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		ctx := context.Background()
		c := newConsoleActions(t, d)
		c.mustShow(c.get("/console/incidents/INC-0001"), http.StatusOK)
		if w := c.get("/console/incidents/INC-0001"); strings.Contains(w.Body.String(), "Confirm this incident") {
			t.Fatal("an open incident offers a confirmation")
		}
		alertAt := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
		propose := func(key string) string {
			inc := &leakdesk.Incident{Title: "alert " + key, AwareAt: alertAt, Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
			if _, err := c.incidents.ProposeIncident(ctx, leakdesk.IncidentProposal{Key: key}, inc, "local:watch"); err != nil {
				t.Fatal(err)
			}
			return "/console/incidents/" + inc.PublicID()
		}
		corrected, plain := propose("alert-corrected"), propose("alert-plain")
		c.mustShow(c.get(corrected), http.StatusOK, "Confirm this incident", `for="confirm-aware-at"`, `for="confirm-reason"`)

		c.mustShow(c.post(corrected+"/confirm", url.Values{"aware_at": {"last sunday"}}), http.StatusBadRequest, "Not confirmed", "not a date and time", "last sunday")
		earlier := alertAt.Add(-30 * time.Hour)
		c.mustShow(c.post(corrected+"/confirm", url.Values{"aware_at": {earlier.Format("2006-01-02 15:04")}}), http.StatusBadRequest, "Not confirmed", "reason")

		id := func(path string) int64 {
			n, err := leakdesk.ParseIncidentID(path[len("/console/incidents/"):])
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if w := c.do(http.MethodPut, "/api/v1/incidents/"+leakdesk.FormatIncidentID(id(corrected))+"/approvals/required", `{"approval_required": true}`, c.as); w.Code != http.StatusOK {
			t.Fatalf("require approval: %d %s", w.Code, w.Body)
		}
		c.mustRedirect(c.post(corrected+"/confirm", url.Values{"aware_at": {earlier.Format("2006-01-02 15:04")}, "reason": {"a customer called on Sunday"}}), corrected+"?held=confirm")
		c.mustShow(c.get(corrected+"?held=confirm"), http.StatusOK, "waits for a second approval")
		if inc, _ := c.incidents.FindIncidentByID(ctx, id(corrected)); inc.Status != leakdesk.StatusProposed || !inc.AwareAt.Equal(alertAt) {
			t.Errorf("while held, the incident is %s, aware at %v", inc.Status, inc.AwareAt)
		}

		c.mustRedirect(c.post(plain+"/confirm", url.Values{}), plain)
		inc, err := c.incidents.FindIncidentByID(ctx, id(plain))
		if err != nil || inc.Status != leakdesk.StatusOpen || !inc.AwareAt.Equal(alertAt) {
			t.Fatalf("confirmed as proposed: %+v, %v; want open, aware at %v", inc, err, alertAt)
		}
		if w := c.get(plain); strings.Contains(w.Body.String(), "Confirm this incident") {
			t.Error("a confirmed incident still offers a confirmation")
		}
	})
}
