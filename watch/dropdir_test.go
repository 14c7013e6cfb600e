package watch_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/watch"
)

// TestDropDirsTakeManyFilesAtOnceEachOnce: files dropped together are
// taken in several at once, each once, and a content dropped again, even
// at the same moment, is seen.
func TestDropDirsTakeManyFilesAtOnceEachOnce(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		registry := filepath.Join(t.TempDir(), "registry.csv")
		writeFile(t, registry, csv("first_name,last_name,email,phone", people(1, 10)))
		// The queue is not started: the files are taken in, not triaged.
		cfg := watch.Config{Triage: watch.TriageConfig{Registry: registry, AlertMin: 1000000}}
		desk, err := watch.NewDesk(ctx, d.DB.SQL(), d.DB.Dialect(), store.NewTriageService(d.DB), d.Vault, cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		drop := t.TempDir()
		const files, copies = 6, 4
		for i := range files {
			writeFile(t, filepath.Join(drop, fmt.Sprintf("leak%d.csv", i)), csv("email", people(i*1000, 500)))
		}
		for i := range copies { // leak0.csv's content
			writeFile(t, filepath.Join(drop, fmt.Sprintf("again%d.csv", i)), csv("email", people(0, 500)))
		}

		dirs := watch.NewDropDirs(desk.Intake, []string{drop}, 20*time.Millisecond, leakdesk.LocalPrincipal("tester"), log)
		taken := make(chan *watch.Received, files+copies)
		dirs.Taken = func(_ string, r *watch.Received) { taken <- r }
		ran := make(chan error)
		go func() { ran <- dirs.Run(ctx) }()

		ids, seen := map[int64]bool{}, 0
		for range files + copies {
			select {
			case r := <-taken:
				if r.Seen {
					seen++
					continue
				}
				if ids[r.File.ID] {
					t.Errorf("file %d taken in twice", r.File.ID)
				}
				ids[r.File.ID] = true
			case err := <-ran:
				t.Fatalf("the watch stopped: %v", err)
			case <-time.After(30 * time.Second):
				t.Fatal("timed out")
			}
		}
		cancel()
		if err := <-ran; err != nil {
			t.Fatal(err)
		}
		if len(ids) != files || seen != copies {
			t.Errorf("%d files taken in and %d seen before; want %d and %d", len(ids), seen, files, copies)
		}
		left, err := os.ReadDir(drop)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 1 || left[0].Name() != watch.TakenDir {
			t.Errorf("left in the drop directory: %v", left)
		}
		if moved, _ := os.ReadDir(filepath.Join(drop, watch.TakenDir)); len(moved) != files+copies {
			t.Errorf("%d files moved to %s, want %d", len(moved), watch.TakenDir, files+copies)
		}
	})
}
