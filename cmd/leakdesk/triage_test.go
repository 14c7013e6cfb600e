package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/vault"
)

// TestTriageShredAndMove: triage move puts a file kept for the master key
// under its own key, and triage shred destroys it, with --confirm and a
// reason, naming who did it; the file's triage result stays.
func TestTriageShredAndMove(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		ctx := context.Background()
		// A first command makes the vault and its key.
		c.ok("incident", "new", "--title", "x", "--aware-at", "now")
		dump := filepath.Join(t.TempDir(), "first.csv")
		os.WriteFile(dump, []byte("email\nfirst@example.org\n"), 0o644)
		c.ok("evidence", "add", "INC-0001", dump, "--source", "feed")

		key, err := os.ReadFile(filepath.Join(c.env["LEAKDESK_DATA"], "key.txt"))
		if err != nil {
			t.Fatal(err)
		}
		v, err := vault.Open(filepath.Join(c.env["LEAKDESK_DATA"], "evidence"), string(key))
		if err != nil {
			t.Fatal(err)
		}
		blob, err := v.Put(ctx, strings.NewReader("email\nperson1@example.org\n")) // kept before case keys
		if err != nil {
			t.Fatal(err)
		}
		triage := store.NewTriageService(c.openStore(t))
		f, _, err := triage.ReceiveTriage(ctx, &leakdesk.TriageFile{SHA256: blob.SHA256, Size: blob.Size, Name: "leak.csv", Source: "feed", Actor: "local:tester"},
			func(context.Context, *sql.Tx, int64) error { return nil })
		if err != nil {
			t.Fatal(err)
		}

		if out := c.ok("triage", "move"); !strings.Contains(out, "1 file(s) moved") || !v.CaseHolds(blob.SHA256) {
			t.Fatalf("triage move: %s", out)
		}
		if _, errOut, code := c.run("triage", "shred", "1", "--reason", "retention"); code != exitInvalid || !strings.Contains(errOut, "--confirm") {
			t.Errorf("shred without --confirm: exit %d, %s", code, errOut)
		}
		if _, errOut, code := c.run("triage", "shred", "1", "--confirm"); code != exitInvalid || !strings.Contains(errOut, "reason") {
			t.Errorf("shred without a reason: exit %d, %s", code, errOut)
		}
		var shred leakdesk.KeptFileShred
		c.json(&shred, "triage", "shred", "1", "--confirm", "--reason", "no registry contact")
		if shred.SHA256 != blob.SHA256 || shred.Actor != "local:tester" || shred.Reason != "no registry contact" {
			t.Errorf("shred: %+v", shred)
		}
		if _, err := v.Cases().Open(ctx, blob.SHA256); leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED {
			t.Errorf("the shredded file opens: %v", err)
		}
		if got, err := triage.FindTriage(ctx, f.ID); err != nil || got.Shredded == nil || got.Shredded.Actor != "local:tester" {
			t.Errorf("triage file after the shred: %+v, %v", got, err)
		}
	})
}
