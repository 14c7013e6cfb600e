package main

import (
	mrand "math/rand/v2"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk/proof/prooftest"
)

// TestKilledCheckpointLeavesAConsistentStore kills a command while it
// signs, timestamps and witnesses its checkpoint, and checks after each
// kill that the log still verifies against the store and the witness, and
// that the next command signs what the killed one left unsigned.
func TestKilledCheckpointLeavesAConsistentStore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real process")
	}
	bin := buildBinary(t)
	tsa := prooftest.NewTSA(t, "leakdesk test TSA")
	tsa.Delay = 150 * time.Millisecond // the kills land while the token is awaited, too
	eachBackend(t, func(t *testing.T, backend string) {
		c := signedCLI(t, backend, tsa, "dir:"+t.TempDir())
		c.ok("incident", "new", "--title", "crash", "--aware-at", "now")
		start := time.Now()
		if out, err := c.command(bin, "incident", "note", "1", "timing").CombinedOutput(); err != nil {
			t.Fatalf("timing run: %v\n%s", err, out)
		}
		window := time.Since(start)
		for i := range 6 {
			cmd := c.command(bin, "incident", "note", "1", "killed")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(window/3 + time.Duration(mrand.Int64N(int64(window))))
			cmd.Process.Kill()
			cmd.Wait()
			if _, errOut, code := c.run("incident", "verify", "1"); code != 0 {
				t.Fatalf("after kill %d: exit %d\n%s", i, code, errOut)
			}
		}
		c.ok("incident", "checkpoint", "1")
		out := c.ok("incident", "verify", "1")
		if strings.Contains(out, "warning") || !strings.Contains(out, "matches") {
			t.Fatalf("after the kills, the log is not wholly signed and witnessed:\n%s", out)
		}
	})
}

// command is the leakdesk binary run in the CLI's environment.
func (c *cli) command(bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = c.environ()
	return cmd
}
