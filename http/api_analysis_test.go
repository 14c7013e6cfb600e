package http

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/status"
)

// upload adds a file as evidence of incident 1 through the API.
func (f *fixture) upload(name, content string, prepare func(*http.Request)) *leakdesk.Evidence {
	f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("source", "a forum post")
	fw, _ := mw.CreateFormFile("file", name)
	io.WriteString(fw, content)
	mw.Close()
	w := f.do(http.MethodPost, "/api/v1/incidents/1/evidence", body.String(), prepare, func(r *http.Request) { r.Header.Set("Content-Type", mw.FormDataContentType()) })
	if w.Code != http.StatusOK {
		f.t.Fatalf("upload %s: %d %s", name, w.Code, w.Body)
	}
	return decodeBody[*leakdesk.Evidence](f.t, w.Body.String())
}

// TestStatusAndEvidenceVerifyThroughTheAPI: the status page counts the
// evidence, and a verification checks each piece and is on the timeline.
func TestStatusAndEvidenceVerifyThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		ana := bearer(f.token(f.account("ana", leakdesk.Grant{Role: leakdesk.RoleAnalyst}), leakdesk.TokenScope{}))
		f.upload("leak.csv", "email\njean.dupont@exemple.fr\n", ana)

		w := f.do(http.MethodGet, "/api/v1/incidents/1/status", "", ana)
		if st := decodeBody[status.Status](t, w.Body.String()); w.Code != http.StatusOK || st.Incident != "INC-0001" || st.Evidence != 1 || len(st.Clocks) == 0 {
			t.Fatalf("status: %d %s", w.Code, w.Body)
		}
		before, _ := f.recordSize()
		w = f.do(http.MethodPost, "/api/v1/incidents/1/evidence/verify", "", ana)
		if checks := decodeBody[[]leakdesk.EvidenceCheck](t, w.Body.String()); w.Code != http.StatusOK || len(checks) != 1 || !checks[0].OK || checks[0].Evidence.Filename != "leak.csv" {
			t.Fatalf("verify: %d %s", w.Code, w.Body)
		}
		if after, _ := f.recordSize(); after != before+1 {
			t.Errorf("the verification added %d events, want 1", after-before)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/2/evidence/verify", "", ana); w.Code != http.StatusOK || w.Body.String() != "[]\n" {
			t.Errorf("verify with no evidence: %d %q", w.Code, w.Body)
		}
	})
}
