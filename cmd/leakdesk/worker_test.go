package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// TestDistributedMatchReadsAsOneProcess: with a worker process, "match
// --distribute" reports a cut file none of whose pieces holds a record as
// unread, and matches an incident's evidence read through the vault (each
// read logged by the worker), as one "match" does.
func TestDistributedMatchReadsAsOneProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a worker process")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		dir := t.TempDir()
		leak := filepath.Join(dir, "mixed.txt")
		c.ok("sample", "--seed", "7", "--orgs", "260", "--mixed-dump", leak, "--lines", "20000")
		registry := leak + ".registry.csv"
		blank := filepath.Join(dir, "header-then-blank.csv")
		if err := os.WriteFile(blank, []byte("email;first_name;last_name\n"+strings.Repeat("\n", 600_000)), 0o600); err != nil {
			t.Fatal(err)
		}
		worker := startWorker(t, bin, c.environ())
		var lastStart string // what the last distributed match said on stderr
		distributed := func(args ...string) (string, int) {
			t.Helper()
			cmd := c.command(bin, append([]string{"match", "--distribute", "--piece-size", "1", "--format", "json", "--registry", registry}, args...)...)
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			done := make(chan error, 1)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(120 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("match --distribute %s did not end:\n%s\nworker:\n%s", strings.Join(args, " "), tail(errOut.String()), tail(worker.log()))
			}
			if !strings.Contains(errOut.String(), "pieces") {
				t.Errorf("match --distribute %s: no run started:\n%s", strings.Join(args, " "), errOut.String())
			}
			lastStart = errOut.String()
			return out.String(), cmd.ProcessState.ExitCode()
		}

		// Files: the cut file of no record is unread, alone or among
		// files that read.
		for _, files := range [][]string{{leak, blank}, {blank}} {
			want, _, wantCode := c.run(append([]string{"match", "--format", "json", "--registry", registry}, files...)...)
			if !strings.Contains(want, "header line and no record") {
				t.Fatalf("one match does not report %s unread: the test proves nothing\n%.400s", blank, want)
			}
			got, code := distributed(files...)
			if got != want || code != wantCode {
				t.Errorf("distributed match of %d file(s): exit %d, want %d; findings identical: %v\n%.600s", len(files), code, wantCode, got == want, got)
			}
		}

		// Evidence: the workers read it through the vault, by its hash,
		// in the third run; both files are larger than a piece, so each
		// is checked in full when the run starts, then read by range.
		c.ok("incident", "new", "--title", "evidence", "--aware-at", "now")
		c.ok("evidence", "add", "1", leak, "--source", "forum")
		c.ok("evidence", "add", "1", blank, "--source", "forum")
		single := recordedFindings(t, c.ok("match", "--format", "json", "--incident", "INC-0001", "--registry", registry))
		got, code := distributed("--incident", "INC-0001")
		if code != 0 {
			t.Fatalf("distributed match of the evidence: exit %d\n%s", code, tail(worker.log()))
		}
		if merged := recordedFindings(t, got); merged != single || !strings.Contains(single, "evidence #1") {
			t.Fatalf("distributed findings of the evidence differ from one match's:\n%.600s\nwant\n%.600s", merged, single)
		}
		var events []struct {
			Actor   string
			Kind    string
			Details leakdesk.EvidenceReadPayload
		}
		c.json(&events, "incident", "log", "1")
		var pieces int
		_, said, _ := strings.Cut(lastStart, "match run 3:")
		if _, err := fmt.Sscanf(said, "%d pieces", &pieces); err != nil || pieces < 4 {
			t.Fatalf("evidence run of %d pieces (%v); want several per file\n%s", pieces, err, lastStart)
		}
		var reads, byWorker, ranged, checks, recorded int
		for _, e := range events {
			recorded += btoi(e.Kind == leakdesk.EventFindingsRecorded)
			if e.Kind != leakdesk.EventEvidenceRead {
				continue
			}
			reads++
			checks += btoi(strings.Contains(e.Details.Purpose, "check in full"))
			if strings.Contains(e.Details.Purpose, "piece of match run 3") && strings.HasPrefix(e.Actor, "local:") && len(e.Details.SHA256) == 64 {
				byWorker++
				ranged += btoi(strings.Contains(e.Details.Purpose, ", bytes "))
			}
		}
		if reads != 2+2+pieces || checks != 2 || byWorker != pieces || ranged != pieces {
			t.Errorf("%d evidence reads logged: %d checks at the start, %d by the worker for the run (%d of a byte range); want 2 by one match, 2 checks and one per piece of %d by the worker",
				reads, checks, byWorker, ranged, pieces)
		}
		if recorded != 2 {
			t.Errorf("findings recorded %d times; want once by each match", recorded)
		}
	})
}

// recordedFindings is the findings JSON without what differs between two
// recordings of the same findings: their number, who and when.
func recordedFindings(t *testing.T, out string) string {
	t.Helper()
	var f leakdesk.Findings
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatalf("findings are not JSON: %v\n%.300s", err, out)
	}
	if f.Actor == "" {
		t.Errorf("findings recorded without who acted")
	}
	f.ID, f.Actor, f.CreatedAt = 0, "", time.Time{}
	b, _ := json.Marshal(&f)
	return string(b)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
