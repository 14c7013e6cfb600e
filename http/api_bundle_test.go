package http

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/proof"
	"github.com/leakdesk/leakdesk/proof/prooftest"
)

// TestBundleVerifyUpload: a bundle the server made verifies when sent
// back; one with an event altered is reported failing; a body that is no
// zip is refused.
func TestBundleVerifyUpload(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		key := f.withSigner()
		lead := f.caller("ana", leakdesk.RoleLead)
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/notes", `{"text": "the forum post is gone"}`, lead); w.Code != http.StatusOK {
			t.Fatalf("note: %d %s", w.Code, w.Body)
		}
		w := f.do(http.MethodPost, "/api/v1/incidents/1/bundle", "", lead)
		if w.Code != http.StatusOK {
			t.Fatalf("bundle: %d %s", w.Code, w.Body)
		}
		bundle := w.Body.Bytes()
		// Verifying reads nothing of the store: a viewer of another
		// incident may.
		viewer := bearer(f.token(f.account("val", leakdesk.Grant{Role: leakdesk.RoleViewer, IncidentID: 2}), leakdesk.TokenScope{}))

		w = f.do(http.MethodPost, "/api/v1/bundles/verify", string(bundle), viewer)
		rep := decodeBody[proof.BundleReport](t, w.Body.String())
		if w.Code != http.StatusOK || !rep.OK || rep.KeyID != proof.KeyID(proof.PublicKeyOf(key)) || rep.Events != 2 {
			t.Fatalf("verify the server's own bundle: %d %s", w.Code, w.Body)
		}

		w = f.do(http.MethodPost, "/api/v1/bundles/verify", string(prooftest.EditZip(t, bundle, func(files map[string][]byte) {
			changed := false
			for name, data := range files {
				altered := bytes.ReplaceAll(data, []byte("the forum post is gone"), []byte("the forum post is back"))
				changed = changed || !bytes.Equal(altered, data)
				files[name] = altered
			}
			if !changed {
				t.Fatal("no file of the bundle holds the note")
			}
		})), viewer)
		if rep := decodeBody[proof.BundleReport](t, w.Body.String()); w.Code != http.StatusOK || rep.OK || rep.Problem == "" {
			t.Errorf("an altered bundle: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/bundles/verify", "not a zip", viewer); w.Code != http.StatusBadRequest {
			t.Errorf("a body that is no zip: %d %s", w.Code, w.Body)
		}
	})
}
