package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk/vault"
)

// buildBinary compiles leakdesk once for tests that need a real process.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "leakdesk")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestKilledEvidenceAddLeavesNoDebris kills "evidence add" at random points
// and checks, after each kill, that no half-written blob is visible, that
// no row points at a missing blob, and that the next run sweeps the debris.
func TestKilledEvidenceAddLeavesNoDebris(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real process")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		c.ok("incident", "new", "--title", "crash", "--aware-at", "now")
		data := c.env["LEAKDESK_DATA"]
		dump := filepath.Join(t.TempDir(), "dump.bin")
		f, _ := os.Create(dump)
		io.CopyN(f, rand.Reader, 96<<20)
		f.Close()

		env := c.environ()
		// Time one uninterrupted run in a scratch data directory, so that
		// the kills land inside the window where the file is being written.
		scratch := t.TempDir()
		if out, err := exec.Command(bin, "--data", scratch, "incident", "new", "--title", "timing", "--aware-at", "now").CombinedOutput(); err != nil {
			t.Fatalf("scratch incident: %v\n%s", err, out)
		}
		start := time.Now()
		if out, err := exec.Command(bin, "--data", scratch, "evidence", "add", "1", dump, "--source", "timing").CombinedOutput(); err != nil {
			t.Fatalf("timing run: %v\n%s", err, out)
		}
		window := time.Since(start)

		rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 1))
		interrupted := 0
		for attempt := range 8 {
			cmd := exec.Command(bin, "evidence", "add", "1", dump, "--source", "crash test")
			cmd.Env = env
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(float64(window) * (0.05 + 0.9*rng.Float64())))
			cmd.Process.Signal(syscall.SIGKILL)
			err := cmd.Wait()
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) && exitErr.Sys().(syscall.WaitStatus).Signaled() {
				interrupted++
			} else if err != nil {
				t.Fatalf("attempt %d: %v\n%s", attempt, err, stderr.String())
			}
			checkVaultConsistent(t, c, data)
		}
		if interrupted == 0 {
			t.Fatal("no kill landed while evidence add was running: the test proved nothing")
		}
		t.Logf("%d of 8 runs killed mid-way", interrupted)

		// A run left to finish stores the file once, and it verifies.
		c.ok("evidence", "add", "1", dump, "--source", "crash test")
		var list []map[string]any
		c.json(&list, "evidence", "list", "1")
		if len(list) != 1 {
			t.Fatalf("evidence rows = %d, want 1", len(list))
		}
		c.ok("evidence", "verify", "1")
	})
}

// checkVaultConsistent asserts the invariants a crash must keep.
func checkVaultConsistent(t *testing.T, c *cli, data string) {
	t.Helper()
	// Every rows' blob exists and is whole: evidence verify exits 0. Running
	// it also opens the vault, which sweeps dead writers' partial files, and
	// creates the key if the kill came before the first run made it.
	if _, errOut, code := c.run("evidence", "verify", "1"); code != 0 {
		t.Fatalf("after a kill, evidence verify: exit %d, %s", code, errOut)
	}
	if partials, _ := filepath.Glob(filepath.Join(data, "evidence", "tmp", "*")); len(partials) != 0 {
		t.Fatalf("partial blobs survived the next run: %v", partials)
	}
	// Every visible blob is whole, even one whose row was never written.
	v := openDataVault(t, data)
	blobs, _ := filepath.Glob(filepath.Join(data, "evidence", "sha256", "*", "*.age"))
	for _, b := range blobs {
		if _, err := v.Check(context.Background(), strings.TrimSuffix(filepath.Base(b), ".age")); err != nil {
			t.Fatalf("a kill left a damaged blob %s: %v", b, err)
		}
	}
}

// openDataVault opens the vault of a data directory with its key.
func openDataVault(t *testing.T, data string) *vault.Vault {
	t.Helper()
	key, err := os.ReadFile(filepath.Join(data, "key.txt"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(filepath.Join(data, "evidence"), strings.TrimSpace(string(key)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
