package http

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/proof"
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

		w = f.do(http.MethodPost, "/api/v1/bundles/verify", string(alterBundle(t, bundle, "the forum post is gone", "the forum post is back")), viewer)
		if rep := decodeBody[proof.BundleReport](t, w.Body.String()); w.Code != http.StatusOK || rep.OK || rep.Problem == "" {
			t.Errorf("an altered bundle: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/bundles/verify", "not a zip", viewer); w.Code != http.StatusBadRequest {
			t.Errorf("a body that is no zip: %d %s", w.Code, w.Body)
		}
	})
}

// alterBundle rewrites the bundle with old replaced by new in every file.
func alterBundle(t *testing.T, bundle []byte, old, new string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(bundle), int64(len(bundle)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	changed := false
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		altered := strings.ReplaceAll(string(data), old, new)
		changed = changed || altered != string(data)
		fw, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, altered)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !changed {
		t.Fatalf("no file of the bundle holds %q", old)
	}
	return out.Bytes()
}
