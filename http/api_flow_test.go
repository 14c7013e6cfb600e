package http

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/store"
)

// decodeBody reads a JSON answer into a T.
func decodeBody[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return v
}

// TestIncidentsThroughTheAPI: opening, listing within scope, and the
// two-person rule holding the awareness time until another lead approves.
func TestIncidentsThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		ana := bearer(f.token(f.account("ana", leakdesk.Grant{Role: leakdesk.RoleLead}), leakdesk.TokenScope{}))
		bob := bearer(f.token(f.account("bob", leakdesk.Grant{Role: leakdesk.RoleLead}), leakdesk.TokenScope{}))
		vic := bearer(f.token(f.account("vic", leakdesk.Grant{Role: leakdesk.RoleViewer, IncidentID: 2}), leakdesk.TokenScope{}))

		w := f.do(http.MethodPost, "/api/v1/incidents", `{"title": "a leak on a forum", "country": "fr"}`, ana)
		if created := decodeBody[leakdesk.IncidentView](t, w.Body.String()); w.Code != http.StatusOK || created.ID != "INC-0003" || created.TimeZone != "Europe/Paris" {
			t.Fatalf("create: %d %s", w.Code, w.Body)
		}
		list := decodeBody[[]leakdesk.IncidentView](t, f.do(http.MethodGet, "/api/v1/incidents", "", vic).Body.String())
		if len(list) != 1 || list[0].ID != "INC-0002" {
			t.Errorf("a viewer of INC-0002 lists %+v", list)
		}

		if w := f.do(http.MethodPut, "/api/v1/incidents/1/approvals/required", `{"approval_required": true}`, ana); w.Code != http.StatusOK {
			t.Fatalf("require approval: %d %s", w.Code, w.Body)
		}
		at := time.Date(2026, 3, 1, 21, 0, 0, 0, time.UTC)
		w = f.do(http.MethodPost, "/api/v1/incidents/1/aware", `{"at": "2026-03-01T21:00:00Z", "reason": "the host's e-mail"}`, ana)
		req := decodeBody[leakdesk.Approval](t, w.Body.String())
		if w.Code != http.StatusAccepted || req.Status != leakdesk.ApprovalPending || !strings.HasPrefix(req.RequestedBy, "token:") {
			t.Fatalf("aware on an incident that requires approval: %d %s", w.Code, w.Body)
		}
		if inc, _ := f.incidents.FindIncidentByID(t.Context(), 1); !inc.AwareAt.IsZero() {
			t.Fatalf("the awareness time moved before approval: %v", inc.AwareAt)
		}
		approve := "/api/v1/incidents/1/approvals/" + strconv.FormatInt(req.ID, 10) + "/approve"
		if w := f.do(http.MethodPost, approve, "", ana); w.Code != http.StatusForbidden {
			t.Errorf("the requester approving: %d, want 403", w.Code)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/2/approvals/"+strconv.FormatInt(req.ID, 10)+"/approve", "", bob); w.Code != http.StatusNotFound {
			t.Errorf("approving through another incident: %d, want 404", w.Code)
		}
		if w := f.do(http.MethodPost, approve, "", bob); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"approved_by":"token:`) {
			t.Fatalf("bob approving: %d %s", w.Code, w.Body)
		}
		if inc, _ := f.incidents.FindIncidentByID(t.Context(), 1); !inc.AwareAt.Equal(at) {
			t.Errorf("after approval the awareness time is %v, want %v", inc.AwareAt, at)
		}
		if w := f.do(http.MethodGet, "/api/v1/incidents/1/events", "", vic); w.Code != http.StatusForbidden {
			t.Errorf("a viewer of INC-0002 reading INC-0001's timeline: %d, want 403", w.Code)
		}
		events := decodeBody[[]leakdesk.Event](t, f.do(http.MethodGet, "/api/v1/incidents/1/events", "", bob).Body.String())
		if last := events[len(events)-1]; !strings.HasPrefix(last.Actor, "token:") || !strings.HasSuffix(last.Actor, "(bob)") {
			t.Errorf("the last event names %q, want bob's token", last.Actor)
		}
	})
}

// TestEvidenceAndCoverageThroughTheAPI: an upload is stored, a read is on
// the timeline under the reader, and coverage is masked for a viewer only.
func TestEvidenceAndCoverageThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		ana := bearer(f.token(f.account("ana", leakdesk.Grant{Role: leakdesk.RoleLead}), leakdesk.TokenScope{}))
		vic := bearer(f.token(f.account("vic", leakdesk.Grant{Role: leakdesk.RoleViewer}), leakdesk.TokenScope{}))

		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("source", "a forum post")
		fw, _ := mw.CreateFormFile("file", "leak.csv")
		io.WriteString(fw, "email\njean.dupont@exemple.fr\n")
		mw.Close()
		w := f.do(http.MethodPost, "/api/v1/incidents/1/evidence", body.String(), ana, func(r *http.Request) { r.Header.Set("Content-Type", mw.FormDataContentType()) })
		if e := decodeBody[leakdesk.Evidence](t, w.Body.String()); w.Code != http.StatusOK || e.Filename != "leak.csv" || e.Size != 29 {
			t.Fatalf("upload: %d %s", w.Code, w.Body)
		}
		w = f.do(http.MethodPost, "/api/v1/incidents/1/evidence/1/read", `{"purpose": "check the columns"}`, ana)
		if w.Code != http.StatusOK || w.Body.String() != "email\njean.dupont@exemple.fr\n" {
			t.Fatalf("read: %d %q", w.Code, w.Body)
		}
		events, err := f.incidents.FindEvents(t.Context(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if last := events[len(events)-1]; !strings.Contains(string(last.Details), "check the columns") || !strings.HasSuffix(last.Actor, "(ana)") {
			t.Errorf("the read is recorded as %s by %s: %s", last.Kind, last.Actor, last.Details)
		}

		r := &leakdesk.Recipient{Key: "c-1", Kind: leakdesk.RecipientAffected, ContactID: "c-1", Name: "Jean Dupont", Email: "jean.dupont@exemple.fr", Language: "fr"}
		if _, err := store.NewNoticeService(f.db).AddRecipients(t.Context(), 1, "local:setup", []*leakdesk.Recipient{r}); err != nil {
			t.Fatal(err)
		}
		w = f.do(http.MethodPost, "/api/v1/incidents/1/contacts", `{"recipient": "c-1", "channel": "phone", "outcome": "reached", "note": "told by phone"}`, ana)
		if attempt := decodeBody[leakdesk.ContactAttempt](t, w.Body.String()); w.Code != http.StatusOK || !strings.HasSuffix(attempt.Actor, "(ana)") {
			t.Errorf("log-contact: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/contacts", `{"recipient": "c-1", "channel": "ack", "outcome": "reached"}`, ana); w.Code != http.StatusForbidden {
			t.Errorf("an acknowledgement written through the API: %d, want 403", w.Code)
		}
		for caller, want := range map[string]string{"lead": "jean.dupont@exemple.fr", "viewer": "j***@e***.fr"} {
			prepare := map[string]func(*http.Request){"lead": ana, "viewer": vic}[caller]
			cov := decodeBody[notify.Coverage](t, f.do(http.MethodGet, "/api/v1/incidents/1/coverage", "", prepare).Body.String())
			if len(cov.Entries) != 1 || cov.Entries[0].Recipient.Email != want {
				t.Errorf("coverage as %s: %+v, want the e-mail %s", caller, cov.Entries, want)
			}
		}
	})
}
