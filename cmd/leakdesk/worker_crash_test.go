package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// workerProc is a "leakdesk worker" process whose log is read as it comes.
type workerProc struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	done  chan struct{}
}

func startWorker(t *testing.T, bin string, env []string, args ...string) *workerProc {
	t.Helper()
	w := &workerProc{cmd: exec.Command(bin, append([]string{"worker", "-v"}, args...)...), done: make(chan struct{})}
	w.cmd.Env = env
	pipe, err := w.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(w.done)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			w.mu.Lock()
			w.lines = append(w.lines, sc.Text())
			w.mu.Unlock()
		}
	}()
	t.Cleanup(func() { w.cmd.Process.Kill(); w.cmd.Wait() })
	return w
}

// midPiece reports whether the worker's last word is that it started a
// piece.
func (w *workerProc) midPiece() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := len(w.lines) - 1; i >= 0; i-- {
		switch {
		case strings.Contains(w.lines[i], "msg=\"matching piece\""):
			return true
		case strings.Contains(w.lines[i], "msg=\"piece matched\""):
			return false
		}
	}
	return false
}

func (w *workerProc) log() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.lines, "\n")
}

// TestKilledWorkerLosesNoPiece: three worker processes match a run's
// pieces; one is killed with SIGKILL in the middle of a piece. The piece
// is taken again, every piece counts once, the merge runs once, and the
// findings are byte for byte those of a single "leakdesk match".
func TestKilledWorkerLosesNoPiece(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills real processes")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		dir := t.TempDir()
		leak := filepath.Join(dir, "mixed.txt")
		c.ok("sample", "--seed", "5", "--orgs", "260", "--mixed-dump", leak, "--lines", "60000")
		registry := leak + ".registry.csv"
		want := c.ok("match", "--format", "json", "--registry", registry, leak)

		env := c.environ()
		workers := []*workerProc{}
		for range 3 {
			workers = append(workers, startWorker(t, bin, env, "--rescue-after", "3s"))
		}
		match := exec.Command(bin, "match", "--distribute", "--piece-size", "1", "--progress-every", "200ms", "--format", "json", "--registry", registry, leak)
		match.Env = env
		var out, errOut bytes.Buffer
		match.Stdout, match.Stderr = &out, &errOut
		if err := match.Start(); err != nil {
			t.Fatal(err)
		}
		killed := false
		for deadline := time.Now().Add(60 * time.Second); !killed && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if workers[0].midPiece() {
				workers[0].cmd.Process.Signal(syscall.SIGKILL)
				killed = true
			}
		}
		if !killed {
			t.Fatalf("worker 0 never started a piece:\n%s", workers[0].log())
		}
		finished := make(chan error, 1)
		go func() { finished <- match.Wait() }()
		select {
		case err := <-finished:
			if err != nil {
				t.Fatalf("match --distribute: %v\n%s\nworker 1:\n%s", err, errOut.String(), workers[1].log())
			}
		case <-time.After(150 * time.Second):
			match.Process.Kill()
			t.Fatalf("match --distribute did not end:\n%s\nworker 1:\n%s\nworker 2:\n%s", tail(errOut.String()), workers[1].log(), workers[2].log())
		}
		if got := out.String(); got != want {
			t.Fatalf("distributed findings differ from one process's:\n%.600s\nwant\n%.600s", got, want)
		}
		if !strings.Contains(errOut.String(), "merged") || !strings.Contains(errOut.String(), "/s, end about") {
			t.Errorf("no progress shown:\n%s", errOut.String())
		}

		db := c.openStore(t)
		count := counter(t, db)
		pieces := count(`SELECT pieces FROM match_runs`)
		if done := count(`SELECT pieces_done FROM match_runs`); pieces < 6 || done != pieces {
			t.Errorf("%d of %d pieces counted; want all, each once, of several", done, pieces)
		}
		if n := count(`SELECT count(*) FROM match_pieces WHERE partial IS NULL`); n != 0 {
			t.Errorf("%d pieces without partial findings", n)
		}
		if n := count(`SELECT count(*) FROM river_job WHERE kind = 'match.merge'`); n != 1 {
			t.Errorf("%d merge jobs; want 1", n)
		}
		if n := count(`SELECT count(*) FROM river_job WHERE kind = 'match.piece' AND attempt > 1`); n < 1 {
			t.Errorf("no piece was taken again after the kill")
		}
		t.Logf("%d pieces; %s", pieces, fmt.Sprint(count(`SELECT count(*) FROM river_job WHERE kind = 'match.piece' AND attempt > 1`), " taken again"))

		var progress struct {
			Pieces     int   `json:"pieces"`
			PiecesDone int   `json:"pieces_done"`
			Bytes      int64 `json:"bytes"`
			BytesDone  int64 `json:"bytes_done"`
			Merged     bool  `json:"merged"`
		}
		c.json(&progress, "match", "--progress", "1")
		if progress.Pieces != pieces || progress.PiecesDone != pieces || progress.BytesDone != progress.Bytes || !progress.Merged {
			t.Errorf("match --progress 1: %+v; want every piece and byte done, merged", progress)
		}

		// Into an incident: the merged findings are recorded there, once,
		// as a single match's.
		c.ok("incident", "new", "--title", "distributed", "--aware-at", "now")
		c.ok("match", "--distribute", "--piece-size", "1", "--progress-every", "200ms", "--incident", "INC-0001", "--registry", registry, leak)
		stored, err := store.NewFindingsService(db).LatestFindings(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Actor == "" {
			t.Errorf("findings recorded without who acted")
		}
		stored.ID, stored.Actor, stored.CreatedAt = 0, "", time.Time{}
		var single leakdesk.Findings
		if err := json.Unmarshal([]byte(want), &single); err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(stored)
		b, _ := json.Marshal(&single)
		if !bytes.Equal(a, b) {
			t.Errorf("findings recorded in the incident differ from a single match's")
		}
		if n := count(`SELECT count(*) FROM findings`); n != 1 {
			t.Errorf("%d findings recorded; want 1", n)
		}
	})
}

// tail is the end of a long log.
func tail(s string) string { return s[max(len(s)-2000, 0):] }
