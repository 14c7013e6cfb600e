package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify/notifytest"
	"github.com/leakdesk/leakdesk/store"
)

// discardJob does to job what River's rescuer does to a job whose last
// attempt was cut short by a crash: it is discarded, and no worker is
// told.
func discardJob(t *testing.T, db *store.DB, job int) {
	t.Helper()
	res, err := db.SQL().Exec(fmt.Sprintf(`UPDATE river_job SET state = 'discarded', attempt = 10, finalized_at = CURRENT_TIMESTAMP
		WHERE id = %d AND state IN ('available', 'scheduled')`, job))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("job %d not discarded (%d rows, %v): it was taken already", job, n, err)
	}
}

// TestAbandonedJobEndsTheWait: a distributed match one of whose piece
// jobs River discards with no worker told (its last attempt cut short)
// ends "match --distribute" with the reason and exit 8, the run failed
// once in the store and never merged, while a worker matches the other
// pieces.
func TestAbandonedJobEndsTheWait(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs worker processes")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		dir := t.TempDir()
		leak := filepath.Join(dir, "mixed.txt")
		c.ok("sample", "--seed", "7", "--orgs", "260", "--mixed-dump", leak, "--lines", "20000")
		db := c.openStore(t)
		count := counter(t, db)
		run := startWaiting(t, c, bin, "--registry", leak+".registry.csv", leak)
		job := count(`SELECT job_id FROM match_pieces WHERE run_id = 1 AND seq = 0`)
		discardJob(t, db, job)
		worker := startWorker(t, bin, c.environ())
		code, errOut := run.wait(t, worker)
		want := fmt.Sprintf("piece 0: its job %d was discarded by River after 10 attempts", job)
		if code != exitUnread || !strings.Contains(errOut, "match run 1 failed") || !strings.Contains(errOut, want) {
			t.Fatalf("match --distribute with a discarded piece: exit %d, want %d with %q\n%s\nworker:\n%s", code, exitUnread, want, tail(errOut), tail(worker.log()))
		}
		if n := count(`SELECT count(*) FROM match_runs WHERE id = 1 AND failed_at IS NOT NULL AND failed_piece = 0 AND merged_at IS NULL`); n != 1 {
			t.Errorf("run 1 not failed by piece 0, or merged")
		}
		if n := count(`SELECT count(*) FROM river_job WHERE kind = 'match.merge'`); n != 0 {
			t.Errorf("%d merge jobs for a failed run; want none", n)
		}
	})
}

// TestWatchRunThatCannotStartFails: a large file whose distributed run
// waits on a piece job that River discarded ends failed; taken in again
// with its kept blob corrupted, its run cannot even start (the blob fails
// its full check) and it ends failed at once, with the reason, exactly
// once and with no alert; taken in again once the blob is put back, it
// is queued again for a run of its own.
func TestWatchRunThatCannotStartFails(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs real processes")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		dir, drop := t.TempDir(), t.TempDir()
		leak := filepath.Join(dir, "mixed.txt")
		c.ok("sample", "--seed", "5", "--orgs", "260", "--mixed-dump", leak, "--lines", "30000")
		mp := notifytest.Start(t)
		args := []string{"watch", drop, "--registry", leak + ".registry.csv", "--alert-min", "1", "--settle", "200ms",
			"--distribute", "--distribute-min", "1000000", "--piece-size", "262144",
			"--smtp", "smtp://" + mp.SMTP + "?tls=none", "--from", from, "--alert-to", "dpo@example.org"}
		watcher, watchLog := startSender(t, bin, c.environ(), args)
		t.Cleanup(func() { watcher.Process.Kill(); watcher.Wait() })
		db := c.openStore(t)
		count := counter(t, db)
		triage := store.NewTriageService(db)

		// No worker runs; the first piece's job is discarded.
		copyInto(t, leak, filepath.Join(drop, "mixed.txt"))
		for deadline := time.Now().Add(60 * time.Second); count(`SELECT count(*) FROM match_runs`) == 0; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no run started\n%s", watchLog)
			}
		}
		job := count(`SELECT job_id FROM match_pieces WHERE run_id = 1 AND seq = 0`)
		discardJob(t, db, job)
		id := findTriage(t, db, triage, "mixed.txt").ID
		f := waitTriaged(t, triage, id)
		if want := fmt.Sprintf("piece 0: its job %d was discarded by River", job); f.State != leakdesk.TriageFailed || !strings.Contains(f.Detail, want) {
			t.Fatalf("file whose piece job was discarded: %s, %q; want failed with %q\n%s", f.State, f.Detail, want, tail(watchLog.String()))
		}

		// Its kept blob corrupted, the file taken in again: its run
		// cannot start.
		blob := vaultBlob(t, c.env["LEAKDESK_DATA"], leak)
		kept := mustRead(t, blob)
		corrupt := append([]byte(nil), kept...)
		corrupt[len(corrupt)/2] ^= 0xff
		replaceFile(t, blob, corrupt)
		copyInto(t, leak, filepath.Join(drop, "mixed-again.txt"))
		for deadline := time.Now().Add(60 * time.Second); count(fmt.Sprintf(`SELECT retries FROM triage_files WHERE id = %d`, id)) != 1; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the failed file taken in again is not queued again\n%s", tail(watchLog.String()))
			}
		}
		f = waitTriaged(t, triage, id)
		time.Sleep(time.Second) // an alert on its way arrives
		if f.State != leakdesk.TriageFailed || !strings.Contains(f.Detail, "could not be started (integrity)") || !f.AlertedAt.IsZero() {
			t.Fatalf("file whose blob is corrupted: %s, %q, alerted at %v; want failed at once, no alert\n%s", f.State, f.Detail, f.AlertedAt, tail(watchLog.String()))
		}
		if n := len(mp.Messages()); n != 0 {
			t.Errorf("%d mails for a failed file; want none", n)
		}
		if n := count(`SELECT count(*) FROM match_runs`); n != 1 {
			t.Errorf("%d runs; want only the first, the second never started", n)
		}
		if n := count(`SELECT count(*) FROM river_job WHERE kind = 'watch.triage' AND state = 'completed'`); n != 2 {
			t.Errorf("%d triage jobs completed; want 2, the second at its first attempt", n)
		}
		if log := watchLog.String(); strings.Count(log, "file not triaged: its match run could not be started") != 1 {
			t.Errorf("the watch's log does not say once that the run could not start:\n%s", tail(log))
		}

		// Put back, taken in again: queued again, for a run of its own.
		replaceFile(t, blob, kept)
		copyInto(t, leak, filepath.Join(drop, "mixed-third.txt"))
		key := fmt.Sprintf("triage-%d-retry-2", id)
		for deadline := time.Now().Add(60 * time.Second); count(`SELECT count(*) FROM match_runs WHERE run_key = '`+key+`'`) != 1; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no run %s for the file taken in a third time\n%s", key, tail(watchLog.String()))
			}
		}
	})
}
