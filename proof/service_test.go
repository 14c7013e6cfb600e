package proof_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/proof"
	"github.com/leakdesk/leakdesk/store"
)

// TestSignedBundle: the bundle of an incident just changed carries a
// checkpoint over every event, and verifies offline.
func TestSignedBundle(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		ctx := context.Background()
		incidents := store.NewIncidentService(d.DB, d.Rules)
		inc := &leakdesk.Incident{Title: "a paste", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
		if err := incidents.CreateIncident(ctx, inc, "alice"); err != nil {
			t.Fatal(err)
		}
		key := newKey(t)
		svc := proof.NewService(incidents, store.NewCheckpointService(d.DB), key, proof.Options{})
		b, err := svc.SignedBundle(ctx, inc.ID, store.NewEvidenceService(d.DB, d.Vault), store.NewFindingsService(d.DB), "alice", false)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(b.Checkpoints); n != 1 || b.Checkpoints[0].Size != b.Events[len(b.Events)-1].Seq {
			t.Fatalf("%d checkpoints for %d events", n, len(b.Events))
		}
		var buf bytes.Buffer
		if err := proof.WriteBundle(ctx, &buf, b); err != nil {
			t.Fatal(err)
		}
		if rep := verifyBundle(t, buf.Bytes(), proof.BundleOptions{}); !rep.OK {
			t.Fatalf("the bundle fails: %+v", rep)
		}
	})
}
