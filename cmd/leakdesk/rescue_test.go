package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/leakdesk/leakdesk/internal/riverdb"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/watch"
)

// TestWorkerRescuesOtherProcessesJobs leaves jobs running, as a serve and
// a watch killed mid-job would, and starts a leakdesk worker alone, so
// that it is River's leader. It must put back the jobs that have run for
// longer than their own processes allow, though it works neither queue,
// and leave alone a notice batch still within its bound, however short
// the worker's own --rescue-after.
func TestWorkerRescuesOtherProcessesJobs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a real worker process")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		ctx := context.Background()
		db := c.openStore(t)
		driver, err := riverdb.Open(ctx, db.SQL(), db.Dialect(), slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		client, err := river.NewClient(driver, &river.Config{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		byID := ` WHERE id = $1`
		if db.Dialect() == "sqlite" {
			byID = ` WHERE id = ?`
		}
		insert := func(args river.JobArgs, ranFor string) int64 {
			t.Helper()
			res, err := client.Insert(ctx, args, nil)
			if err != nil {
				t.Fatal(err)
			}
			started := `now() - interval '` + ranFor + `'`
			if db.Dialect() == "sqlite" {
				started = `datetime('now', 'subsec', '-` + ranFor + `')`
			}
			if _, err := db.SQL().ExecContext(ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = `+started+byID, res.Job.ID); err != nil {
				t.Fatal(err)
			}
			return res.Job.ID
		}
		staleNotice := insert(notify.DeliverArgs{Incident: 1, Notice: 1, Deliveries: []int64{1}}, "3 hours")
		liveNotice := insert(notify.DeliverArgs{Incident: 1, Notice: 2, Deliveries: []int64{2}}, "2 minutes")
		staleTriage := insert(watch.TriageArgs{File: 1}, "3 hours")

		worker := startWorker(t, bin, c.environ(), "--rescue-after", "3s")
		state := func(id int64) string {
			t.Helper()
			var s string
			if err := db.SQL().QueryRowContext(ctx, `SELECT state FROM river_job`+byID, id).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		rescued := func(id int64) bool { s := state(id); return s == "available" || s == "retryable" }
		for deadline := time.Now().Add(90 * time.Second); !(rescued(staleNotice) && rescued(staleTriage)); time.Sleep(200 * time.Millisecond) {
			if state(staleNotice) == "discarded" || state(staleTriage) == "discarded" || time.Now().After(deadline) {
				t.Fatalf("stale notice job %s, stale triage job %s; want both put back\n%s",
					state(staleNotice), state(staleTriage), worker.log())
			}
		}
		if s := state(liveNotice); s != "running" {
			t.Errorf("a notice batch running for 2 minutes is %s; want it left running: its queue allows an hour", s)
		}
	})
}
