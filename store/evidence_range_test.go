package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// TestEvidenceRange: a ranged read of evidence is logged like a stream's,
// reads the content, and, given the seal of its check, refuses the blob
// once another file is put in its place.
func TestEvidenceRange(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db)
		incidents := newIncidents(t, h.db)
		v, _ := newVault(t)
		svc := store.NewEvidenceService(h.db, v)
		inc := mustCreate(t, incidents, newIncident("ranged"))
		content := bytes.Repeat([]byte("someone@example.test;Test;Person\n"), 5000) // several age chunks
		e := &leakdesk.Evidence{IncidentID: inc.ID, Filename: "dump.csv", Source: "forum", AddedBy: "alice"}
		if err := svc.AddEvidence(ctx, e, bytes.NewReader(content)); err != nil {
			t.Fatal(err)
		}
		_, checked, err := svc.OpenEvidenceRange(ctx, inc.ID, "1", "bob", "check before cutting", "")
		if err != nil {
			t.Fatal(err)
		}
		checked.Close()
		_, r, err := svc.OpenEvidenceRange(ctx, inc.ID, e.SHA256, "carol", "piece 2", checked.Seal())
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(io.NewSectionReader(r, 1000, 70_000))
		r.Close()
		if err != nil || !bytes.Equal(got, content[1000:71_000]) {
			t.Fatalf("ranged read: %v, equal %v", err, bytes.Equal(got, content[1000:71_000]))
		}
		ev := lastEvent(t, incidents, inc.ID)
		var details leakdesk.EvidenceReadPayload
		json.Unmarshal(ev.Details, &details)
		if ev.Kind != leakdesk.EventEvidenceRead || ev.Actor != "carol" || details.Purpose != "piece 2" || details.SHA256 != e.SHA256 {
			t.Fatalf("ranged read not logged: %+v", ev)
		}

		// Another incident's blob of the same content, copied over this
		// one: a valid age file, but not the one checked.
		other := mustCreate(t, incidents, newIncident("other"))
		if err := svc.AddEvidence(ctx, &leakdesk.Evidence{IncidentID: other.ID, Filename: "x", Source: "y", AddedBy: "alice"}, bytes.NewReader(content)); err != nil {
			t.Fatal(err)
		}
		swapped, err := os.ReadFile(incidentBlobPath(v, other.ID, e.SHA256))
		if err != nil {
			t.Fatal(err)
		}
		path := incidentBlobPath(v, inc.ID, e.SHA256)
		if err := os.WriteFile(path+".swap", swapped, 0o400); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path+".swap", path); err != nil {
			t.Fatal(err)
		}
		_, r, err = svc.OpenEvidenceRange(ctx, inc.ID, "1", "carol", "piece 3", checked.Seal())
		if err == nil {
			r.Close()
		}
		wantCode(t, err, leakdesk.EINTEGRITY)
	})
}
