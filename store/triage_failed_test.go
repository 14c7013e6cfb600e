package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// TestFailedTriageIsQueuedAgainOnce: a file whose triage failed is
// completed as failed, not compared for recycling; taken in again, at
// the same moment by several intakes, it is queued again once, with one
// job, and a file that is done is not.
func TestFailedTriageIsQueuedAgainOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		svc := store.NewTriageService(h.db)
		f := receiveFile(t, svc, 1)
		f.State, f.Detail = leakdesk.TriageFailed, "not triaged: its match run 3 failed"
		if done, err := svc.CompleteTriage(ctx, f, nil); err != nil || !done {
			t.Fatalf("complete as failed: %v, %v", done, err)
		}
		if before, err := svc.TriagedBefore(ctx, f.ID+1); err != nil || len(before) != 0 {
			t.Fatalf("a failed file compared for recycling: %d, %v", len(before), err)
		}
		var jobs, queued atomic.Int32
		enqueue := func(context.Context, *sql.Tx, int64) error { jobs.Add(1); return nil }
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, created, err := svc.ReceiveTriage(ctx, &leakdesk.TriageFile{SHA256: fmt.Sprintf("%064x", 1), Name: "again.csv", Source: "test", Actor: "local:t"}, enqueue)
				if err != nil || got.ID != f.ID {
					t.Errorf("taken in again: %+v, %v", got, err)
					return
				}
				if created {
					queued.Add(1)
				}
			}()
		}
		wg.Wait()
		if jobs.Load() != 1 || queued.Load() != 1 {
			t.Fatalf("a failed file taken in 4 times: %d jobs, %d said queued; want 1", jobs.Load(), queued.Load())
		}
		got, err := svc.FindTriage(ctx, f.ID)
		if err != nil || got.State != leakdesk.TriageQueued || got.Retries != 1 || got.Detail != "" || !got.DoneAt.IsZero() {
			t.Fatalf("after the retry: %+v, %v", got, err)
		}
		got.State, got.Rows = leakdesk.TriageDone, 10
		if done, err := svc.CompleteTriage(ctx, got, nil); err != nil || !done {
			t.Fatalf("complete the retry: %v, %v", done, err)
		}
		if _, created, err := svc.ReceiveTriage(ctx, &leakdesk.TriageFile{SHA256: fmt.Sprintf("%064x", 1), Source: "test", Actor: "local:t"}, enqueue); err != nil || created || jobs.Load() != 1 {
			t.Fatalf("a done file taken in again: queued %v, %d jobs, %v", created, jobs.Load(), err)
		}
	})
}
