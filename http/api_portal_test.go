package http

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
)

// TestPortalAndErasureThroughTheAPI: the portal's commands and erasure are
// in the API with the command line's JSON: a link made there opens its
// organisation's page, a question asked there is listed and answered, and
// an erased recipient's address is gone from the page.
func TestPortalAndErasureThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		portalPeople(t, f)
		comms := f.caller("carl", leakdesk.RoleCommunications)
		lead := f.caller("lea", leakdesk.RoleLead)
		first := "/api/v1/incidents/INC-0001"

		w := f.do("POST", first+"/portal/links", `{"org": "O-A", "days": 30}`, comms)
		var link struct {
			ID    int64  `json:"id"`
			OrgID string `json:"org_id"`
			URL   string `json:"url"`
		}
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &link) != nil || link.OrgID != "O-A" || !strings.Contains(link.URL, "/portal/ldp_") {
			t.Fatalf("make a link: %d %s", w.Code, w.Body)
		}
		secret := link.URL[strings.Index(link.URL, "/portal/"):]
		if page := f.do("GET", secret, ""); page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "Ada Alpha") {
			t.Fatalf("the link made through the API opens: %d", page.Code)
		}
		if w := f.do("POST", first+"/portal/links", `{"org": "O-A"}`, f.caller("vic", leakdesk.RoleViewer)); w.Code != http.StatusForbidden {
			t.Errorf("a viewer made a link: %d", w.Code)
		}

		body, asForm := postForm(map[string][]string{"question": {"Was our VPN configuration in the leak?"}})
		if w := f.do("POST", secret+"/questions", body, asForm); w.Code >= 400 {
			t.Fatalf("ask: %d %s", w.Code, w.Body)
		}
		var questions []*leakdesk.PortalQuestion
		w = f.do("GET", first+"/questions", "", comms)
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &questions) != nil || len(questions) != 1 || !questions[0].Open() {
			t.Fatalf("questions: %d %s", w.Code, w.Body)
		}
		path := first + "/questions/" + strconv.FormatInt(questions[0].ID, 10) + "/answer"
		if w := f.do("POST", path, `{"answer": "No: names and e-mail addresses only."}`, comms); w.Code != http.StatusOK {
			t.Fatalf("answer: %d %s", w.Code, w.Body)
		}
		if w := f.do("POST", path, `{"answer": "again"}`, comms); w.Code != http.StatusConflict {
			t.Errorf("a second answer: %d, want 409", w.Code)
		}
		if page := f.do("GET", secret, ""); !strings.Contains(page.Body.String(), "names and e-mail addresses only") {
			t.Errorf("the portal does not show the answer")
		}

		if w := f.do("POST", first+"/erase", `{"subject": "A-1"}`, comms); w.Code != http.StatusForbidden {
			t.Errorf("communications erased a person: %d", w.Code)
		}
		var erased leakdesk.ErasureOutcome
		w = f.do("POST", first+"/erase", `{"subject": "A-1"}`, lead)
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &erased) != nil {
			t.Fatalf("erase: %d %s", w.Code, w.Body)
		}
		if page := f.do("GET", secret, ""); strings.Contains(page.Body.String(), "ada@alpha.example") {
			t.Errorf("the portal still shows an erased address")
		}
		if w := f.do("POST", first+"/retain", `{"until": "2099-01-01T00:00:00Z"}`, lead); w.Code != http.StatusBadRequest {
			t.Errorf("retention ending in 2099: %d, want 400", w.Code)
		}
		if w := f.do("POST", first+"/portal/links/"+strconv.FormatInt(link.ID, 10)+"/revoke", "", comms); w.Code != http.StatusOK {
			t.Fatalf("revoke: %d %s", w.Code, w.Body)
		}
		if page := f.do("GET", secret, ""); page.Code == http.StatusOK {
			t.Errorf("a revoked link still opens its page")
		}
	})
}
