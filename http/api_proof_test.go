package http

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/proof"
	"github.com/leakdesk/leakdesk/share/sharetest"
	"github.com/leakdesk/leakdesk/store"
)

// TestBundleThroughTheAPI: a checkpoint and an inclusion proof; the bundle
// is a zip signed by the server's key that verifies offline, with the
// evidence when asked.
func TestBundleThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		lead := f.caller("ana", leakdesk.RoleLead)
		f.unavailable(http.MethodPost, "/api/v1/incidents/1/bundle", lead)
		key := f.withSigner()
		f.upload("leak.csv", "email\njean.dupont@exemple.fr\n", lead)

		w := f.do(http.MethodPost, "/api/v1/incidents/1/checkpoint", "", lead)
		cp := decodeBody[leakdesk.Checkpoint](t, w.Body.String())
		if w.Code != http.StatusOK || cp.Incident != "INC-0001" || cp.Size < 2 || cp.KeyID != proof.KeyID(proof.PublicKeyOf(key)) {
			t.Fatalf("checkpoint: %d %s", w.Code, w.Body)
		}
		w = f.do(http.MethodGet, "/api/v1/incidents/1/events/2/proof", "", lead)
		p := decodeBody[proof.InclusionProof](t, w.Body.String())
		if w.Code != http.StatusOK || p.LeafIndex != 1 || p.Checkpoint.Root != cp.Root {
			t.Fatalf("prove: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodGet, "/api/v1/incidents/1/events/x/proof", "", lead); w.Code != http.StatusBadRequest {
			t.Errorf("prove event x: %d, want 400", w.Code)
		}

		w = f.do(http.MethodPost, "/api/v1/incidents/1/bundle", `{"with_evidence": true}`, lead)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/zip" {
			t.Fatalf("bundle: %d %s", w.Code, w.Body)
		}
		zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := proof.VerifyBundle(zr, proof.BundleOptions{PublicKey: proof.PublicKeyOf(key)})
		if err != nil || !rep.OK || !rep.KeyPinned {
			t.Fatalf("the bundle fails verification: %+v, %v", rep, err)
		}
		var content bool
		for _, zf := range zr.File {
			content = content || zf.UncompressedSize64 == 29 // the evidence, decrypted
		}
		if !content {
			t.Error("the bundle asked with evidence holds no evidence file")
		}
	})
}

// TestShareThroughTheAPI: the incident for CERTs validates as STIX 2.1 and
// MISP, with the evidence's hash and without the leaked address.
func TestShareThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		lead := f.caller("ana", leakdesk.RoleLead)
		f.unavailable(http.MethodGet, "/api/v1/incidents/1/share", lead)
		f.reconfigure(func(cfg *Config) {
			cfg.ShareKey, cfg.Exports = []byte("a key of the organisation's own"), store.NewExportService(f.db)
		})
		e := f.upload("jean.dupont@exemple.fr.csv", "email\njean.dupont@exemple.fr\n", lead)

		w := f.do(http.MethodGet, "/api/v1/incidents/1/share", "", lead)
		if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/stix+json") || !strings.Contains(w.Body.String(), e.SHA256) {
			t.Fatalf("share as STIX: %d %s", w.Code, w.Body)
		}
		sharetest.ValidateSTIX(t, w.Body.Bytes())
		if strings.Contains(w.Body.String(), "jean.dupont") {
			t.Errorf("the STIX bundle names the person: %s", w.Body)
		}
		w = f.do(http.MethodGet, "/api/v1/incidents/1/share?format=misp", "", lead)
		if w.Code != http.StatusOK {
			t.Fatalf("share as MISP: %d %s", w.Code, w.Body)
		}
		sharetest.ValidateMISP(t, w.Body.Bytes())
		if w := f.do(http.MethodGet, "/api/v1/incidents/1/share?format=pdf", "", lead); w.Code != http.StatusBadRequest {
			t.Errorf("share as pdf: %d, want 400", w.Code)
		}
	})
}

// withSigner signs with a new key, which it returns.
func (f *fixture) withSigner() ed25519.PrivateKey {
	f.t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		f.t.Fatal(err)
	}
	f.reconfigure(func(cfg *Config) {
		cfg.Proof = proof.NewService(f.incidents, store.NewCheckpointService(f.db), key, proof.Options{})
	})
	return key
}
