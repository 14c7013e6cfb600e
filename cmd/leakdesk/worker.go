package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/watch"
)

func (a *app) workerCommand() *cobra.Command {
	var df dumpFlags
	var jobs int
	var rescue time.Duration
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Match the pieces of distributed match runs (match --distribute, watch --distribute) until interrupted",
		Long: `worker takes pieces of the runs that "leakdesk match --distribute" started,
matches them against the run's registry, and stores their partial
findings; the worker that finishes a run's last piece merges them. Run
any number, on any machines that share the database (--db) and see the
leaked and registry files at the same paths. A worker killed mid-piece
leaves it to be taken again after --rescue-after. See docs/distributed.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			// Workers share the embedded store with match and with each
			// other, and run unattended: one waits its turn to write
			// rather than stop when another holds the store for a while.
			a.busyTimeout = workerBusyTimeout
			db, err := a.openDB(ctx)
			if err != nil {
				return err
			}
			d := match.NewDistributor(store.NewMatchRunService(db), a.workerVault, df.opts, a.actor, a.logger)
			d.Summarise(watch.RowSetSummary, watch.NewSketchSummary) // the watch intake's large files
			q, err := match.NewQueue(ctx, db.SQL(), db.Dialect(), match.QueueConfig{Distributor: d, Jobs: jobs, RescueAfter: rescue,
				Rescues: rescuesBut("match", rescue), Logger: a.logger})
			if err != nil {
				return err
			}
			return workUntilDone(ctx, q)
		},
	}
	df.register(a, cmd)
	cmd.Flags().IntVar(&jobs, "jobs", 1, "how many pieces this worker matches at once (each uses --workers goroutines)")
	cmd.Flags().DurationVar(&rescue, "rescue-after", time.Hour, "how long a piece may run before it is taken as cut short by a crash and matched again; longer than any piece takes")
	return cmd
}

// workerBusyTimeout is how long a worker waits for the embedded store.
const workerBusyTimeout = time.Minute

// workerVault opens the evidence vault when a worker first takes a piece
// read from it (an incident's evidence, a file the watch keeps): a worker
// that never does needs no key.
func (a *app) workerVault(ctx context.Context) (match.VaultAccess, error) {
	evidence, err := a.evidence(ctx)
	if err != nil {
		return match.VaultAccess{}, err
	}
	v, err := a.openVault()
	if err != nil {
		return match.VaultAccess{}, err
	}
	spool, err := a.evidenceSpool()
	return match.VaultAccess{Evidence: evidence, Kept: v.KeptRanges(), SpoolDir: spool}, err
}

// workUntilDone works the queue until ctx ends, then lets running pieces
// finish. A piece cut short is taken again by a worker.
func workUntilDone(ctx context.Context, q *match.Queue) error {
	if err := q.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	<-ctx.Done()
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	return q.Stop(stopCtx)
}
