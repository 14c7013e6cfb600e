package main

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyNamesAnEditedSideTable: a status set to closed by hand leaves
// the chain intact, and verify names the row and exits 7; so does close.
func TestVerifyNamesAnEditedSideTable(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	c.ok("incident", "new", "--title", "x", "--aware-at", "now")
	c.ok("incident", "verify", "1")
	db, err := sql.Open("sqlite", filepath.Join(c.env["LEAKDESK_DATA"], "leakdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE incidents SET status = 'closed' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := c.run("incident", "verify", "1")
	if code != exitIntegrity || !strings.Contains(errOut, `incidents id 1: status is "closed" in the table but "open" on the timeline`) ||
		!strings.Contains(out, "1 row(s) of the side tables disagree") {
		t.Fatalf("verify after a direct close: exit %d\n%s%s", code, out, errOut)
	}
	var report struct {
		OK            bool `json:"ok"`
		Disagreements []struct{ Table, Field, Stored, Recorded string }
	}
	out, _, code = c.run("incident", "verify", "1", "--format", "json")
	if err := json.Unmarshal([]byte(out), &report); err != nil || code != exitIntegrity || report.OK || len(report.Disagreements) != 1 ||
		report.Disagreements[0].Field != "status" {
		t.Fatalf("verify --format json: %s, exit %d", out, code)
	}
	if _, errOut, code := c.run("incident", "close", "1", "--reason", "done"); code != exitIntegrity || !strings.Contains(errOut, "record is in doubt") {
		t.Fatalf("close after a direct close: exit %d, %s", code, errOut)
	}
	// A report is still written, for the clock does not wait, but it says
	// that the record it is drawn from is in doubt.
	if out := c.ok("report", "1", "--kind", "register", "--lang", "en"); !strings.Contains(out, "IN DOUBT: 1 row(s) of the side tables disagree") {
		t.Fatalf("the register entry does not say the record is in doubt:\n%s", out)
	}
}
