package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify/notifytest"
	"github.com/leakdesk/leakdesk/store"
)

// TestFailedRunEndsTheWait: a distributed match whose piece can no
// longer be read fails its run instead of waiting forever. A file
// truncated after the run is cut, and evidence whose blob is replaced
// after the run checked it, each end "match --distribute" with the
// reason and exit 8, the run failed in the store, shown failed by
// --progress, never merged; the evidence's failure is on the incident's
// timeline under the name of who started the run.
func TestFailedRunEndsTheWait(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs worker processes")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		dir := t.TempDir()
		leak := filepath.Join(dir, "mixed.txt")
		c.ok("sample", "--seed", "7", "--orgs", "260", "--mixed-dump", leak, "--lines", "20000")
		registry := leak + ".registry.csv"
		db := c.openStore(t)
		count := counter(t, db)

		// A file truncated once the run is cut: the pieces past its new
		// end no longer read.
		run := startWaiting(t, c, bin, "--registry", registry, leak)
		info, err := os.Stat(leak)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(leak, info.Size()/2); err != nil {
			t.Fatal(err)
		}
		worker := startWorker(t, bin, c.environ())
		code, errOut := run.wait(t, worker)
		if code != exitUnread || !strings.Contains(errOut, "match run 1 failed") || !strings.Contains(errOut, "shorter than when it was split") {
			t.Fatalf("match --distribute of a truncated file: exit %d, want %d with the reason\n%s\nworker:\n%s", code, exitUnread, tail(errOut), tail(worker.log()))
		}
		var progress struct {
			Failed  bool
			Merged  bool
			Failure leakdesk.MatchFailure
		}
		c.json(&progress, "match", "--progress", "1")
		if !progress.Failed || progress.Merged || progress.Failure.Code != leakdesk.EINTEGRITY || !strings.Contains(progress.Failure.Reason, "mixed.txt") {
			t.Errorf("progress of the failed run: %+v", progress)
		}
		if out := c.ok("match", "--progress", "1"); !strings.Contains(out, "failed: piece") {
			t.Errorf("progress of the failed run says %q", out)
		}
		if n := count(`SELECT count(*) FROM match_runs WHERE id = 1 AND failed_at IS NOT NULL AND merged_at IS NULL AND findings = ''`); n != 1 {
			t.Errorf("run 1 not failed, or merged, in the store")
		}
		worker.cmd.Process.Signal(syscall.SIGINT)
		<-worker.done

		// Evidence whose blob is replaced after the run's start checked
		// it: another blob, of another incident, put in its place.
		evidence := filepath.Join(dir, "evidence.txt")
		c.ok("sample", "--seed", "8", "--orgs", "260", "--mixed-dump", evidence, "--lines", "20000")
		other := filepath.Join(dir, "other.txt")
		if err := os.WriteFile(other, []byte("email\nnobody@example.invalid\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c.ok("incident", "new", "--title", "evidence", "--aware-at", "now")
		c.ok("incident", "new", "--title", "other", "--aware-at", "now")
		c.ok("evidence", "add", "1", evidence, "--source", "forum")
		c.ok("evidence", "add", "2", other, "--source", "forum")
		run = startWaiting(t, c, bin, "--registry", evidence+".registry.csv", "--incident", "INC-0001")
		data := c.env["LEAKDESK_DATA"]
		blob := vaultBlob(t, data, evidence)
		replaceFile(t, blob, mustRead(t, vaultBlob(t, data, other)))
		worker = startWorker(t, bin, c.environ())
		code, errOut = run.wait(t, worker)
		if code != exitUnread || !strings.Contains(errOut, "match run 2 failed") || !strings.Contains(errOut, "(integrity)") {
			t.Fatalf("match --distribute of replaced evidence: exit %d, want %d with the integrity reason\n%s\nworker:\n%s", code, exitUnread, tail(errOut), tail(worker.log()))
		}
		var events []struct {
			Actor   string
			Kind    string
			Details leakdesk.MatchRunFailedPayload
		}
		c.json(&events, "incident", "log", "1")
		var failed, recorded int
		for _, e := range events {
			recorded += btoi(e.Kind == leakdesk.EventFindingsRecorded)
			if e.Kind == leakdesk.EventMatchRunFailed {
				failed++
				if e.Details.Run != 2 || e.Details.Code != leakdesk.EINTEGRITY || !strings.HasPrefix(e.Actor, "local:") {
					t.Errorf("failure event by %q: %+v; want run 2, integrity, by who started it", e.Actor, e.Details)
				}
			}
		}
		if failed != 1 || recorded != 0 {
			t.Errorf("incident 1: %d failure events, %d findings recorded; want one failure, no findings", failed, recorded)
		}
		if n := count(`SELECT count(*) FROM match_runs WHERE failed_at IS NOT NULL AND merged_at IS NULL`); n != 2 {
			t.Errorf("%d failed runs; want 2", n)
		}
		if n := count(`SELECT count(*) FROM river_job WHERE kind = 'match.merge'`); n != 0 {
			t.Errorf("%d merge jobs for failed runs; want none", n)
		}
	})
}

// waitingMatch is a "match --distribute" that has started its run and
// waits for the workers.
type waitingMatch struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan struct{}
}

// startWaiting starts "match --distribute" of pieces of 256 KiB with no
// worker running, and returns once its run is recorded.
func startWaiting(t *testing.T, c *cli, bin string, args ...string) *waitingMatch {
	t.Helper()
	m := &waitingMatch{cmd: c.command(bin, append([]string{"match", "--distribute", "--piece-size", "1", "--format", "json"}, args...)...),
		stderr: &syncBuffer{}, done: make(chan struct{})}
	m.cmd.Stderr = m.stderr
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { m.cmd.Wait(); close(m.done) }()
	t.Cleanup(func() { m.cmd.Process.Kill(); <-m.done })
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(m.stderr.String(), "waiting for workers") {
			return m
		}
		select {
		case <-m.done:
			t.Fatalf("match --distribute ended before its run started:\n%s", m.stderr)
		default:
		}
	}
	t.Fatalf("match --distribute started no run:\n%s", m.stderr)
	return nil
}

// wait returns the match's exit code and stderr once it ends.
func (m *waitingMatch) wait(t *testing.T, worker *workerProc) (int, string) {
	t.Helper()
	select {
	case <-m.done:
	case <-time.After(90 * time.Second):
		t.Fatalf("match --distribute still waits:\n%s\nworker:\n%s", tail(m.stderr.String()), tail(worker.log()))
	}
	return m.cmd.ProcessState.ExitCode(), m.stderr.String()
}

// vaultBlob is the path of the blob that holds the content of file.
func vaultBlob(t *testing.T, data, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	name := hex.EncodeToString(sum[:]) + ".age"
	var found string
	filepath.WalkDir(filepath.Join(data, "evidence"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == name {
			found = path
		}
		return nil
	})
	if found == "" {
		t.Fatalf("no blob of %s in the vault", file)
	}
	return found
}

// TestWatchFailedRunIsNoAlert: a large file that watch --distribute hands
// to a worker, whose kept blob is replaced once the run is started, ends
// failed, with the run and the reason in its detail, never done or
// unread, and raises no alert. Taken in again once its blob is put back,
// it is triaged by a run of its own and alerts once.
func TestWatchFailedRunIsNoAlert(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs real processes")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		ctx := context.Background()
		dir, drop := t.TempDir(), t.TempDir()
		leak := filepath.Join(dir, "mixed.txt")
		c.ok("sample", "--seed", "5", "--orgs", "260", "--mixed-dump", leak, "--lines", "30000")
		registry := leak + ".registry.csv"
		strangers := filepath.Join(dir, "strangers.csv")
		if err := os.WriteFile(strangers, []byte("email\nnobody1@example.invalid\nnobody2@example.invalid\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		mp := notifytest.Start(t)
		env := c.environ()
		args := []string{"watch", drop, "--registry", registry, "--alert-min", "1", "--settle", "200ms", "--rescue-after", "3s",
			"--distribute", "--distribute-min", "1000000", "--piece-size", "262144",
			"--smtp", "smtp://" + mp.SMTP + "?tls=none", "--from", from, "--alert-to", "dpo@example.org"}
		watcher, watchLog := startSender(t, bin, env, args)
		t.Cleanup(func() { watcher.Process.Kill(); watcher.Wait() })

		db := c.openStore(t)
		count := counter(t, db)
		triage := store.NewTriageService(db)
		copyInto(t, strangers, filepath.Join(drop, "strangers.csv"))
		if f := waitTriaged(t, triage, findTriage(t, db, triage, "strangers.csv").ID); f.State != leakdesk.TriageDone || f.Contacts != 0 {
			t.Fatalf("strangers: %+v", f)
		}
		copyInto(t, leak, filepath.Join(drop, "mixed.txt"))
		for deadline := time.Now().Add(60 * time.Second); count(`SELECT count(*) FROM match_runs`) == 0; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no run started\n%s", watchLog)
			}
		}
		// The kept file's blob replaced by the other kept file's.
		data := c.env["LEAKDESK_DATA"]
		blob := vaultBlob(t, data, leak)
		kept, err := os.ReadFile(blob)
		if err != nil {
			t.Fatal(err)
		}
		replaceFile(t, blob, mustRead(t, vaultBlob(t, data, strangers)))
		worker := startWorker(t, bin, env, "--rescue-after", "3s")
		big := waitTriaged(t, triage, findTriage(t, db, triage, "mixed.txt").ID)
		time.Sleep(time.Second) // an alert on its way arrives
		if big.State != leakdesk.TriageFailed || !strings.Contains(big.Detail, "match run 1 failed") || !strings.Contains(big.Detail, "(integrity)") ||
			!big.AlertedAt.IsZero() || big.Rows != 0 || len(big.RowSet) != 0 {
			t.Fatalf("large file: %s, %q, alerted at %v; want failed, with the reason, no alert\nwatch:\n%s\nworker:\n%s",
				big.State, big.Detail, big.AlertedAt, tail(watchLog.String()), tail(worker.log()))
		}
		if n := len(mp.Messages()); n != 0 {
			t.Errorf("%d mails for a failed file; want none", n)
		}
		if log := watchLog.String(); !strings.Contains(log, "file not triaged: its match run failed") || strings.Contains(log, "mixed.txt") {
			t.Errorf("the watch's log does not say the file failed, or names it:\n%s", tail(log))
		}
		if n := count(`SELECT count(*) FROM match_runs WHERE failed_at IS NOT NULL AND merged_at IS NULL`); n != 1 {
			t.Errorf("%d failed runs; want 1", n)
		}

		// Its cause fixed, the file taken in again is triaged anew.
		replaceFile(t, blob, kept)
		copyInto(t, leak, filepath.Join(drop, "mixed-again.txt"))
		for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			f, err := triage.FindTriage(ctx, big.ID)
			if err != nil {
				t.Fatal(err)
			}
			if big = f; f.State == leakdesk.TriageDone && len(mp.Messages()) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the file taken in again: %s, %q, %d mails\nwatch:\n%s\nworker:\n%s", f.State, f.Detail, len(mp.Messages()), tail(watchLog.String()), tail(worker.log()))
			}
		}
		if big.Retries != 1 || big.Contacts == 0 || count(`SELECT count(*) FROM match_runs WHERE merged_at IS NOT NULL AND run_key = 'triage-`+fmt.Sprint(big.ID)+`-retry-1'`) != 1 {
			t.Errorf("the retry: %d retries, %d contacts; want one retry, merged by a run of its own", big.Retries, big.Contacts)
		}
		time.Sleep(time.Second)
		if n := len(mp.Messages()); n != 1 {
			t.Errorf("%d mails after the retry; want 1", n)
		}
	})
}

// waitTriaged waits until file id is no longer queued.
func waitTriaged(t *testing.T, triage *store.TriageService, id int64) *leakdesk.TriageFile {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		f, err := triage.FindTriage(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if f.State != leakdesk.TriageQueued {
			return f
		}
	}
	t.Fatalf("file %d is still queued", id)
	return nil
}

// replaceFile puts content in path's place at once.
func replaceFile(t *testing.T, path string, content []byte) {
	t.Helper()
	if err := os.WriteFile(path+".swap", content, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".swap", path); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
