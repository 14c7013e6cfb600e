package proof_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/proof"
	"github.com/leakdesk/leakdesk/store"
)

// TestVerifyBundleFile: a bundle file is checked against the published
// key and the witness a person names; another organisation's key fails
// the bundle, and what cannot be read is a clear error, not a report.
func TestVerifyBundleFile(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		ctx := context.Background()
		dir := t.TempDir()
		incidents := store.NewIncidentService(d.DB, d.Rules)
		inc := &leakdesk.Incident{Title: "a paste", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
		if err := incidents.CreateIncident(ctx, inc, "alice"); err != nil {
			t.Fatal(err)
		}
		witness, err := proof.ParseWitness("dir:"+filepath.Join(dir, "witness"), nil)
		if err != nil {
			t.Fatal(err)
		}
		key := newKey(t)
		svc := proof.NewService(incidents, store.NewCheckpointService(d.DB), key, proof.Options{Witness: witness})
		b, err := svc.SignedBundle(ctx, inc.ID, store.NewEvidenceService(d.DB, d.Vault), store.NewFindingsService(d.DB), "alice", false)
		if err != nil {
			t.Fatal(err)
		}
		bundle := filepath.Join(dir, "bundle.zip")
		f, err := os.Create(bundle)
		if err != nil {
			t.Fatal(err)
		}
		if err := proof.WriteBundle(ctx, f, b); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		writeFile := func(name string, data []byte) string {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}
		ours := writeFile("ours.pem", proof.PublicKeyPEM(proof.PublicKeyOf(key)))
		theirs := writeFile("theirs.pem", proof.PublicKeyPEM(proof.PublicKeyOf(newKey(t))))

		rep, err := proof.VerifyBundleFile(ctx, bundle, proof.BundleCheck{PublicKeyFile: ours, Witness: witness.String()})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK || !rep.KeyPinned || rep.Witness != witness.String() || rep.WitnessedSize != b.Events[len(b.Events)-1].Seq {
			t.Fatalf("with our key and the witness: %+v", rep)
		}
		if rep, err := proof.VerifyBundleFile(ctx, bundle, proof.BundleCheck{PublicKeyFile: theirs}); err != nil || rep.OK {
			t.Fatalf("with another key: %+v, %v; want a failed report", rep, err)
		}
		for name, check := range map[string]proof.BundleCheck{
			"missing key file": {PublicKeyFile: filepath.Join(dir, "none.pem")},
			"key not PEM":      {PublicKeyFile: bundle},
			"missing TSA cert": {TSACertFile: filepath.Join(dir, "none.pem")},
			"TSA cert not PEM": {TSACertFile: bundle},
		} {
			if _, err := proof.VerifyBundleFile(ctx, bundle, check); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
				t.Errorf("%s: %v, want EINVALID", name, err)
			}
		}
		if _, err := proof.VerifyBundleFile(ctx, ours, proof.BundleCheck{}); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("a PEM file as the bundle: %v, want EINVALID", err)
		}
		if _, err := proof.VerifyBundleFile(ctx, filepath.Join(dir, "none.zip"), proof.BundleCheck{}); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("a missing bundle: %v, want EINVALID", err)
		}
	})
}
