package main

import (
	"database/sql"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestFinishedBatchesAreDurable kills a campaign mid-way with SIGKILL and
// reads the database from a fresh connection: every batch that River
// counts as done has its outcomes recorded, and a durability barrier (a
// synchronous commit, see store/durable.go) was committed after the last
// of them. That the barrier's commit waits for the disk is checked by the
// store's TestSyncFlushesRelaxedCommits.
func TestFinishedBatchesAreDurable(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real process")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		notifyIncident(t, c, 600, true)
		send := exec.Command(bin, "notify", "send", "1", "--campaign", "first", "--from", from,
			"--outbox", filepath.Join(t.TempDir(), "outbox"), "--connections", "1", "--batch", "20")
		send.Env = c.environ()
		if err := send.Start(); err != nil {
			t.Fatal(err)
		}
		driver, dsn, args := "sqlite", filepath.Join(c.env["LEAKDESK_DATA"], "leakdesk.db"), "json(args)"
		if url := c.env["LEAKDESK_DB"]; url != "" {
			driver, dsn, args = "pgx", url, "args"
		}
		db, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		finished := `FROM river_job WHERE kind = 'notify.deliver' AND state = 'completed'`
		// Kill once a few batches are done, while others are in flight.
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			var n int
			if db.QueryRow(`SELECT count(*) `+finished).Scan(&n) == nil && n >= 2 {
				break
			}
		}
		send.Process.Signal(syscall.SIGKILL)
		send.Wait()

		var syncedAt string
		if err := db.QueryRow(`SELECT synced_at FROM durability_marks`).Scan(&syncedAt); err != nil {
			t.Fatalf("no durability barrier was committed: %v", err)
		}
		rows, err := db.Query(`SELECT ` + args + ` ` + finished)
		if err != nil {
			t.Fatal(err)
		}
		var done []int64
		for rows.Next() {
			var raw []byte
			var args struct{ Deliveries []int64 }
			if err := rows.Scan(&raw); err != nil || json.Unmarshal(raw, &args) != nil {
				t.Fatalf("job args %q: %v", raw, err)
			}
			done = append(done, args.Deliveries...)
		}
		rows.Close()
		if len(done) == 0 {
			t.Fatal("no batch finished before the kill: the test proves nothing")
		}
		for _, id := range done {
			var state, updated string
			if err := db.QueryRow(`SELECT state, `+textOf(driver, "updated_at")+` FROM deliveries WHERE id = `+strconv.FormatInt(id, 10)).Scan(&state, &updated); err != nil {
				t.Fatal(err)
			}
			if state != "sent" || updated > syncedAt {
				t.Errorf("delivery %d of a finished batch: %s at %s, last barrier at %s", id, state, updated, syncedAt)
			}
		}
		t.Logf("%d deliveries in finished batches, all recorded before the last barrier (%s)", len(done), syncedAt)
	})
}

// textOf reads a time column as the canonical text the barrier stores.
func textOf(driver, column string) string {
	if driver == "pgx" {
		return `to_char(` + column + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
	}
	return column
}
