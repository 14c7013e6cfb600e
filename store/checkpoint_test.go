package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

func TestCheckpoints(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		incidents := newIncidents(t, h.db)
		svc := store.NewCheckpointService(h.db)
		inc := mustCreate(t, incidents, newIncident("checkpointed"))
		other := mustCreate(t, incidents, newIncident("never checkpointed"))

		if ids, err := svc.FindUnsigned(ctx); err != nil || len(ids) != 2 {
			t.Fatalf("unsigned before any checkpoint: %v, %v", ids, err)
		}
		cp := &leakdesk.Checkpoint{
			IncidentID: inc.ID, Incident: inc.PublicID(), Size: 1, Root: "ab", Head: inc.HeadHash,
			Time: time.Date(2026, 3, 1, 21, 0, 0, 123456000, time.UTC), KeyID: "k1", Signature: []byte{1, 2, 0, 255}, Timestamp: []byte{9, 8},
		}
		if err := svc.AddCheckpoint(ctx, cp); err != nil {
			t.Fatal(err)
		}
		wantCode(t, svc.AddCheckpoint(ctx, cp), leakdesk.ECONFLICT)
		wantCode(t, svc.AddCheckpoint(ctx, &leakdesk.Checkpoint{IncidentID: 999, Size: 1}), leakdesk.ENOTFOUND)

		list, err := svc.FindCheckpoints(ctx, inc.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("find: %v, %v", list, err)
		}
		got := list[0]
		if got.Incident != "INC-0001" || got.Size != 1 || got.Root != "ab" || got.Head != inc.HeadHash || !got.Time.Equal(cp.Time) ||
			got.KeyID != "k1" || !bytes.Equal(got.Signature, cp.Signature) || !bytes.Equal(got.Timestamp, cp.Timestamp) {
			t.Fatalf("read back %+v, stored %+v", got, cp)
		}
		if ids, err := svc.FindUnsigned(ctx); err != nil || len(ids) != 1 || ids[0] != other.ID {
			t.Fatalf("unsigned after a checkpoint: %v, %v", ids, err)
		}
	})
}
