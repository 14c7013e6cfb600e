package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/vault"
)

// copyTree copies the fixture directory src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	if out, err := exec.Command("cp", "-r", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("copy %s: %v\n%s", src, err, out)
	}
}

// oldRelease is a data directory written by release f084be5, before
// per-incident keys: incident 1 holds leak-before.txt, encrypted for the
// master key in DATA/key.txt. Its directory is made 0755 and its database
// 0644, as a careless copy would leave them.
func oldRelease(t *testing.T) *cli {
	t.Helper()
	c := newCLI(t, "sqlite")
	data := filepath.Join(t.TempDir(), "data")
	copyTree(t, filepath.Join("testdata", "release-f084be5", "data"), data)
	os.Chmod(data, 0o755)
	os.Chmod(filepath.Join(data, "leakdesk.db"), 0o644)
	c.env["LEAKDESK_DATA"] = data
	return c
}

func TestKeyFileOutsideTheDataDirectory(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	keyFile := filepath.Join(t.TempDir(), "master.key")
	c.env["LEAKDESK_KEY_FILE"] = keyFile
	c.ok("incident", "new", "--title", "x", "--aware-at", "now")
	leak := filepath.Join(t.TempDir(), "leak.txt")
	os.WriteFile(leak, []byte("Acme SAS | jeanne@example.test\n"), 0o600)
	_, errOut, code := c.run("evidence", "add", "1", leak, "--source", "forum")
	if code != 0 || !strings.Contains(errOut, "new evidence key was created at "+keyFile) || strings.Contains(errOut, "inside the data directory") {
		t.Fatalf("first evidence with --key-file: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(c.env["LEAKDESK_DATA"], "key.txt")); err == nil {
		t.Error("a key was written into the data directory although LEAKDESK_KEY_FILE is set")
	}
	if _, errOut, code := c.run("evidence", "verify", "1"); code != 0 || errOut != "" {
		t.Fatalf("verify with the key outside: exit %d, %q", code, errOut)
	}

	// The same key moved into the data directory works, with a warning,
	// once per command.
	inside := filepath.Join(c.env["LEAKDESK_DATA"], "key.txt")
	if err := os.Rename(keyFile, inside); err != nil {
		t.Fatal(err)
	}
	delete(c.env, "LEAKDESK_KEY_FILE")
	_, errOut, code = c.run("evidence", "verify", "1")
	if code != 0 || strings.Count(errOut, "inside the data directory") != 1 || !strings.Contains(errOut, "--key-file") {
		t.Fatalf("key inside the data directory: exit %d, %q", code, errOut)
	}
	// --key-file pointing inside is warned about too.
	_, errOut, _ = c.run("--key-file", inside, "evidence", "verify", "1")
	if !strings.Contains(errOut, "inside the data directory") {
		t.Fatalf("--key-file inside the data directory: no warning in %q", errOut)
	}
}

func TestLooseDataDirectoryIsTightened(t *testing.T) {
	t.Parallel()
	c := oldRelease(t)
	data := c.env["LEAKDESK_DATA"]
	_, errOut, code := c.run("incident", "show", "1")
	if code != 0 || !strings.Contains(errOut, data+" was open to other users (mode 0755)") || !strings.Contains(errOut, "leakdesk.db was open to other users (mode 0644)") {
		t.Fatalf("loose modes: exit %d, %q", code, errOut)
	}
	for path, want := range map[string]os.FileMode{data: 0o700, filepath.Join(data, "leakdesk.db"): 0o600} {
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %04o", path, info.Mode().Perm(), err, want)
		}
	}
	if _, errOut, _ := c.run("incident", "show", "1"); strings.Contains(errOut, "open to other users") {
		t.Errorf("warned again once tightened: %q", errOut)
	}

	// A new data directory is private from the start.
	fresh := newCLI(t, "sqlite")
	fresh.env["LEAKDESK_DATA"] = filepath.Join(t.TempDir(), "new")
	fresh.ok("incident", "new", "--title", "x", "--aware-at", "now")
	for path, want := range map[string]os.FileMode{fresh.env["LEAKDESK_DATA"]: 0o700, filepath.Join(fresh.env["LEAKDESK_DATA"], "leakdesk.db"): 0o600} {
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != want {
			t.Errorf("new %s: mode %v (%v), want %04o", path, info.Mode().Perm(), err, want)
		}
	}
}

// TestShredKeepsOldEvidenceReadable opens a vault written before
// per-incident keys: its evidence stays readable, new evidence gets the
// incident's key, and shredding makes only that unreadable.
func TestShredKeepsOldEvidenceReadable(t *testing.T) {
	t.Parallel()
	c := oldRelease(t)
	before, err := os.ReadFile(filepath.Join("testdata", "release-f084be5", "leak-before.txt"))
	if err != nil {
		t.Fatal(err)
	}
	get := func(ref string) (string, int) {
		out := filepath.Join(t.TempDir(), "out")
		_, errOut, code := c.run("evidence", "get", "1", ref, "--out", out, "--purpose", "test")
		if code != 0 {
			return errOut, code
		}
		got, _ := os.ReadFile(out)
		return string(got), code
	}
	if got, code := get("1"); code != 0 || got != string(before) {
		t.Fatalf("evidence written by the old release: exit %d, %q", code, got)
	}
	after := filepath.Join(t.TempDir(), "leak-after.txt")
	os.WriteFile(after, []byte("Org | Name\nBeta SA | Paul Test\n"), 0o600)
	c.ok("evidence", "add", "1", after, "--source", "seller's message")
	if got, code := get("2"); code != 0 || !strings.Contains(got, "Paul Test") {
		t.Fatalf("evidence under the incident's key: exit %d, %q", code, got)
	}

	if _, errOut, code := c.run("incident", "shred", "1"); code != exitInvalid || !strings.Contains(errOut, "--confirm") {
		t.Fatalf("shred without --confirm: exit %d, %s", code, errOut)
	}
	if _, errOut, code := c.run("incident", "shred", "1", "--confirm"); code != exitConflict || !strings.Contains(errOut, "closed") {
		t.Fatalf("shred of an open incident: exit %d, %s", code, errOut)
	}
	c.ok("incident", "close", "1", "--reason", "done", "--waive", "gdpr.art33.authority=test", "--waive", "gdpr.art34.subjects=test", "--waive", "gdpr.art33-5.register=test")
	out := c.ok("incident", "shred", "1", "--confirm")
	if !strings.Contains(out, "1 evidence file(s) can no longer be read; 1 stored before") {
		t.Fatalf("shred said %q", out)
	}
	var events []*leakdesk.Event
	c.json(&events, "incident", "log", "1")
	last := events[len(events)-1]
	if last.Kind != leakdesk.EventEvidenceShredded || last.Actor != "local:tester" {
		t.Errorf("last event %s by %s, want %s by local:tester", last.Kind, last.Actor, leakdesk.EventEvidenceShredded)
	}

	if got, code := get("2"); code != exitUnauthorized || !strings.Contains(got, "crypto-shredded") {
		t.Errorf("shredded evidence: exit %d, %q", code, got)
	}
	if got, code := get("1"); code != 0 || got != string(before) {
		t.Errorf("evidence from before per-incident keys after the shred: exit %d, %q", code, got)
	}
	if _, errOut, code := c.run("incident", "verify", "1"); code != 0 {
		t.Errorf("the timeline no longer verifies after the shred: exit %d, %s", code, errOut)
	}
	var list []leakdesk.Evidence
	c.json(&list, "evidence", "list", "1")
	if len(list) != 2 || list[1].SHA256 == "" {
		t.Errorf("the evidence list lost its hashes: %+v", list)
	}
}

// TestSpoolOfAKilledProcessIsRemoved kills a process that holds a decrypted
// spool, then checks that the next command removes it.
func TestSpoolOfAKilledProcessIsRemoved(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a real process")
	}
	t.Parallel()
	c := oldRelease(t)
	spoolRoot := filepath.Join(c.env["LEAKDESK_DATA"], "evidence", "spool")
	holder := exec.Command(os.Args[0], "-test.run", "^TestHoldSpool$")
	holder.Env = append(os.Environ(), "LEAKDESK_HOLD_SPOOL="+filepath.Join(c.env["LEAKDESK_DATA"], "evidence"))
	var stdout bytes.Buffer
	holder.Stdout = &stdout
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	var left []string
	for deadline := time.Now().Add(20 * time.Second); len(left) == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		left, _ = filepath.Glob(filepath.Join(spoolRoot, "*", "plaintext"))
	}
	if len(left) == 0 {
		holder.Process.Kill()
		t.Fatalf("the holder made no spool: %s", stdout.String())
	}
	// While the holder lives, another command leaves its spool alone.
	c.ok("evidence", "verify", "1")
	if _, err := os.Stat(left[0]); err != nil {
		t.Fatalf("a live process's spool was removed: %v", err)
	}
	holder.Process.Signal(syscall.SIGKILL)
	holder.Wait()
	c.ok("evidence", "verify", "1")
	if entries, _ := os.ReadDir(spoolRoot); len(entries) != 0 {
		t.Errorf("spool left after the next command: %v", entries)
	}
}

// TestHoldSpool is the process TestSpoolOfAKilledProcessIsRemoved kills: it
// claims a spool, writes plaintext into it and waits.
func TestHoldSpool(t *testing.T) {
	vaultDir := os.Getenv("LEAKDESK_HOLD_SPOOL")
	if vaultDir == "" {
		t.Skip("run by TestSpoolOfAKilledProcessIsRemoved")
	}
	spool, err := vault.ClaimSpool(vaultDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(spool.Dir(), "plaintext"), []byte("decrypted evidence"), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Minute)
}
