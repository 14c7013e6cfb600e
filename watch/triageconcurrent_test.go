package watch_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/watch"
)

// TestRecutTriagedBesideItsOriginalIsRecycled: files are triaged several
// at once; a recut whose original is read at the same time is still
// found recycled, as the original is taken in first.
func TestRecutTriagedBesideItsOriginalIsRecycled(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		ctx := context.Background()
		registry := t.TempDir() + "/registry.csv"
		writeFile(t, registry, csv("first_name,last_name,email,phone", people(1, 100)))
		triage := store.NewTriageService(d.DB)
		cfg := watch.Config{Triage: watch.TriageConfig{Registry: registry, AlertMin: 1000000}}
		desk, err := watch.NewDesk(ctx, d.DB.SQL(), d.DB.Dialect(), triage, d.Vault, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		// Both are queued before the queue starts, so that it fetches them
		// together; the original is the larger, and so read for longer.
		original := people(500000, 20000)
		var recut []string
		for i, row := range original {
			if i%5 != 0 {
				f := strings.Split(row, ",")
				recut = append(recut, f[3]+";"+f[2])
			}
		}
		p := leakdesk.LocalPrincipal("tester")
		var ids []int64
		for _, content := range []string{csv("first,last,email,phone", original), csv("tel;mail", recut)} {
			r, err := desk.Intake.Take(ctx, strings.NewReader(content), "feed", "", p)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.File.ID)
		}
		if err := desk.Queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { desk.Queue.Stop(context.Background()) })
		first, second := waitDone(t, triage, ids[0]), waitDone(t, triage, ids[1])
		if first.RecycledOf != 0 {
			t.Errorf("the original is recycled of file %d", first.RecycledOf)
		}
		if second.RecycledOf != ids[0] || second.RecycledShare < 0.9 {
			t.Errorf("the recut is recycled of file %d (%.2f), want of %d", second.RecycledOf, second.RecycledShare, ids[0])
		}
	})
}
