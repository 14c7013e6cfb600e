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

		c.approvals(t, corrected, plain, id(corrected))

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

// approvals: the held request is listed on its incident's page; its
// requester cannot approve it, nor anyone through another incident's
// path; a second lead does, which carries it out. A waiver's note is
// hidden from a role that does not see personal data.
func (c *consoleActions) approvals(t *testing.T, path, otherPath string, incidentID int64) {
	t.Helper()
	ctx := context.Background()
	list, err := c.cfg.Approvals.FindApprovals(ctx, incidentID)
	if err != nil || len(list) != 1 {
		t.Fatalf("requests: %+v, %v", list, err)
	}
	approve := "/approvals/" + itoa(list[0].ID) + "/approve"
	c.mustShow(c.get(path), http.StatusOK, "Waiting for a second approval", "a customer called on Sunday", `action="`+path+approve+`"`)
	c.mustShow(c.post(path+approve, url.Values{}), http.StatusForbidden, "Not approved", "cannot approve it")
	second := c.caller("leo", leakdesk.RoleLead)
	c.mustShow(c.post(otherPath+approve, url.Values{}, second), http.StatusNotFound, "Not approved")
	viewer := c.caller("vic", leakdesk.RoleViewer)
	if w := c.post(path+approve, url.Values{}, viewer); w.Code != http.StatusForbidden {
		t.Errorf("a viewer approved: %d", w.Code)
	}

	waiver := &leakdesk.Approval{IncidentID: incidentID, Action: leakdesk.ActionRecipientWaive, Summary: "waive C-001: moved abroad, says her sister",
		Params: []byte(`{}`), RequestedBy: "lea"}
	if err := c.cfg.Approvals.RequestApproval(ctx, waiver); err != nil {
		t.Fatal(err)
	}
	legal := c.caller("lou", leakdesk.RoleLegal)
	if w := c.do(http.MethodGet, path, "", legal); !strings.Contains(w.Body.String(), "the note is hidden for your role") || strings.Contains(w.Body.String(), "her sister") {
		t.Errorf("legal reads the waiver's note:\n%s", w.Body)
	}
	c.mustShow(c.get(path), http.StatusOK, "moved abroad, says her sister")

	c.mustRedirect(c.post(path+approve, url.Values{}, second), path+"?approved="+itoa(list[0].ID))
	c.mustShow(c.get(path+"?approved="+itoa(list[0].ID)), http.StatusOK, "Request "+itoa(list[0].ID)+" is approved and carried out")
	if inc, err := c.incidents.FindIncidentByID(ctx, incidentID); err != nil || inc.Status != leakdesk.StatusOpen {
		t.Errorf("after the approval the incident is %+v, %v", inc, err)
	}
}
