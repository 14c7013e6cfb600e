package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify/notifytest"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/watch"
)

// TestWatchTriagesLargeFileInPieces: watch --distribute hands a file
// above --distribute-min to two worker processes, cut into pieces, and
// triages a small file itself. One worker is killed with SIGKILL in the
// middle of a piece, and the watch with SIGKILL once the run is started,
// then started again. The large file's triage (rows, contacts, recycled,
// row set) is that of an in-process triage of the same file; its run is
// started once and merged once, every piece counted once; its alert goes
// out once by mail and once by webhook; the workers read it from the
// vault, so no plaintext of it is ever on disk.
func TestWatchTriagesLargeFileInPieces(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills real processes")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		ctx := context.Background()
		dir, drop := t.TempDir(), t.TempDir()
		leak := filepath.Join(dir, "mixed.txt")
		c.ok("sample", "--seed", "5", "--orgs", "260", "--mixed-dump", leak, "--lines", "60000")
		registry := leak + ".registry.csv"
		small := filepath.Join(dir, "small.csv")
		if err := os.WriteFile(small, []byte("first,last,email\n"+watchPeople(1, 50)), 0o600); err != nil {
			t.Fatal(err)
		}
		mp := notifytest.Start(t)
		var mu sync.Mutex
		hooks := map[int64]int{}
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var a struct{ File int64 }
			json.NewDecoder(r.Body).Decode(&a)
			mu.Lock()
			hooks[a.File]++
			mu.Unlock()
		}))
		defer hook.Close()

		env := c.environ()
		args := []string{"watch", drop, "--registry", registry, "--alert-min", "1", "--settle", "200ms", "--rescue-after", "3s",
			"--distribute", "--distribute-min", "1000000", "--piece-size", "262144",
			"--smtp", "smtp://" + mp.SMTP + "?tls=none", "--from", from, "--alert-to", "dpo@example.org", "--webhook", hook.URL}
		watcher, watchLog := startSender(t, bin, env, args)
		t.Cleanup(func() { watcher.Process.Kill(); watcher.Wait() })
		workers := []*workerProc{startWorker(t, bin, env, "--rescue-after", "3s"), startWorker(t, bin, env, "--rescue-after", "3s")}
		for _, f := range []string{leak, small} {
			copyInto(t, f, filepath.Join(drop, filepath.Base(f)))
		}

		db := c.openStore(t)
		count := counter(t, db)
		killedWorker, killedWatch := false, false
		for deadline := time.Now().Add(60 * time.Second); !(killedWorker && killedWatch) && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if !killedWorker && workers[0].midPiece() {
				workers[0].cmd.Process.Signal(syscall.SIGKILL)
				killedWorker = true
			}
			if !killedWatch && count(`SELECT count(*) FROM match_runs`) > 0 {
				watcher.Process.Signal(syscall.SIGKILL)
				killedBySignal(t, watcher.Wait(), watchLog)
				watcher, watchLog = startSender(t, bin, env, args)
				killedWatch = true
				noDecryptedCopy(t, c.env["LEAKDESK_DATA"], leak) // while the run goes on
			}
		}
		if !killedWorker || !killedWatch {
			t.Fatalf("worker killed: %v, watch killed: %v\nworker 0:\n%s\nwatch:\n%s", killedWorker, killedWatch, workers[0].log(), watchLog)
		}

		triage := store.NewTriageService(db)
		big, smallFile := findTriage(t, db, triage, "mixed.txt"), findTriage(t, db, triage, "small.csv")
		for deadline := time.Now().Add(120 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			f, err := triage.FindTriage(ctx, big.ID)
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			hooked := len(hooks)
			mu.Unlock()
			if big = f; f.State != leakdesk.TriageQueued && len(mp.Messages()) > 0 && hooked > 0 {
				break
			}
		}
		time.Sleep(time.Second) // any copy still on its way arrives
		watcher.Process.Signal(syscall.SIGINT)
		if err := watcher.Wait(); err != nil {
			t.Fatalf("watch: %v\n%s", err, watchLog)
		}
		if big.State != leakdesk.TriageDone || big.Contacts == 0 || big.AlertedAt.IsZero() {
			t.Fatalf("large file: %s with %d contacts, alerted at %v; want done, alerted\nwatch:\n%s\nworker 1:\n%s",
				big.State, big.Contacts, big.AlertedAt, tail(watchLog.String()), tail(workers[1].log()))
		}

		// The same file triaged in this process, from the same vault.
		// The alert's proposal may have moved it into an incident already.
		v := openDataVault(t, c.env["LEAKDESK_DATA"])
		var blobs leakdesk.BlobStore = v.Cases()
		var incident int64
		if db.SQL().QueryRow(`SELECT incident_id FROM evidence WHERE sha256 = '`+big.SHA256+`'`).Scan(&incident) == nil {
			blobs = v.ForIncident(incident)
		}
		tw, err := watch.NewTriageWorker(ctx, triage, blobs, watch.TriageConfig{Registry: registry, AlertMin: 1}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		ref := &leakdesk.TriageFile{ID: big.ID, Name: big.Name, SHA256: big.SHA256, Size: big.Size, Source: big.Source}
		alert, err := tw.Triage(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if !alert || ref.State != big.State || ref.Rows != big.Rows || ref.Contacts != big.Contacts || ref.RecycledOf != big.RecycledOf ||
			!bytes.Equal(ref.RowSet, big.RowSet) || len(big.RowSet) < 100 {
			t.Errorf("in pieces: %s, %d rows, %d contacts, recycled of %d, row set %.80s\nin process: %s, %d rows, %d contacts, recycled of %d, row set %.80s (alert %v)",
				big.State, big.Rows, big.Contacts, big.RecycledOf, big.RowSet, ref.State, ref.Rows, ref.Contacts, ref.RecycledOf, ref.RowSet, alert)
		}

		if n := count(`SELECT count(*) FROM match_runs`); n != 1 {
			t.Errorf("%d match runs; want one, for the large file only", n)
		}
		runPieces := count(`SELECT pieces FROM match_runs`)
		if done := count(`SELECT pieces_done FROM match_runs WHERE merged_at IS NOT NULL`); runPieces < 6 || done != runPieces {
			t.Errorf("%d of %d pieces counted in a merged run; want all, each once, of several", done, runPieces)
		}
		if n := count(`SELECT count(*) FROM river_job WHERE kind = 'match.merge'`); n != 1 {
			t.Errorf("%d merge jobs; want 1", n)
		}
		if n := count(`SELECT count(*) FROM river_job WHERE kind = 'match.piece' AND attempt > 1`); n < 1 {
			t.Errorf("no piece was taken again after the kill")
		}
		if smallFile, err = triage.FindTriage(ctx, smallFile.ID); err != nil || smallFile.State != leakdesk.TriageDone || smallFile.Rows != 50 {
			t.Errorf("small file: %+v, %v; want done here with 50 rows", smallFile, err)
		}
		ids := map[string]int{}
		for _, m := range mp.Messages() {
			ids[m.MessageID]++
		}
		if len(mp.Messages()) != 1 || len(ids) != 1 || len(hooks) != 1 || hooks[big.ID] != 1 {
			t.Errorf("%d mails (%d Message-IDs), webhook calls by file %v; want one of each, for file %d", len(mp.Messages()), len(ids), hooks, big.ID)
		}
		t.Logf("%d pieces, %d taken again; %d rows, %d contacts, row set of %d bytes",
			runPieces, count(`SELECT count(*) FROM river_job WHERE kind = 'match.piece' AND attempt > 1`), big.Rows, big.Contacts, len(big.RowSet))
		noDecryptedCopy(t, c.env["LEAKDESK_DATA"], leak)
	})
}

// noDecryptedCopy fails if any file under dir holds the plaintext of
// leak, whole or its start: the workers read it from the vault by range.
func noDecryptedCopy(t *testing.T, dir, leak string) {
	t.Helper()
	plain, err := os.ReadFile(leak)
	if err != nil {
		t.Fatal(err)
	}
	start := plain[:64<<10]
	var looked int
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil // a spool or a partial may go while we walk
		}
		f, err := os.Open(path)
		if err != nil {
			return nil
		}
		defer f.Close()
		head := make([]byte, len(start))
		n, _ := io.ReadFull(f, head)
		looked++
		if bytes.Equal(head[:n], start) {
			t.Errorf("%s holds the leak decrypted", path)
		}
		return nil
	})
	if err != nil || looked == 0 {
		t.Fatalf("looked at %d files under %s: %v", looked, dir, err)
	}
}

// findTriage waits for the file taken in under name (a test's own, in
// the query as it is) and returns it.
func findTriage(t *testing.T, db *store.DB, triage *store.TriageService, name string) *leakdesk.TriageFile {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var id int64
		if err := db.SQL().QueryRow(`SELECT id FROM triage_files WHERE name = '` + name + `'`).Scan(&id); err == nil {
			f, err := triage.FindTriage(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("%s was never taken in", name)
	return nil
}

// copyInto copies src to dst under a name the watcher leaves alone, then
// renames it in.
func copyInto(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst+".part", b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(dst+".part", dst); err != nil {
		t.Fatal(err)
	}
}

// counter returns a function that reads one number from db.
func counter(t *testing.T, db *store.DB) func(query string) int {
	return func(query string) int {
		t.Helper()
		var n int
		if err := db.SQL().QueryRow(query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
}
