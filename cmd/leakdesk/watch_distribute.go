package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/watch"
)

// intakeDistributeFlags hand the intake's large files to "leakdesk
// worker" processes, as match --distribute does; watch and serve share
// them.
type intakeDistributeFlags struct {
	on        bool
	minSize   int64
	pieceSize int64
}

func (f *intakeDistributeFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.on, "distribute", false, `triage files of at least --distribute-min bytes in pieces matched by "leakdesk worker" processes sharing the database`)
	fl.Int64Var(&f.minSize, "distribute-min", 64<<20, "with --distribute, the size in bytes from which a file is triaged in pieces; smaller files are triaged here")
	fl.Int64Var(&f.pieceSize, "piece-size", 64<<20, "with --distribute, about how many bytes of a line-format file one piece holds")
}

// distribution is where the desk's large files go; nil without
// --distribute.
func (f *intakeDistributeFlags) distribution(ctx context.Context, a *app) (*watch.Distribution, error) {
	if !f.on {
		return nil, nil
	}
	q, runs, err := a.matchRunQueue(ctx)
	if err != nil {
		return nil, err
	}
	return &watch.Distribution{Distributor: match.NewDistributor(runs, nil, dump.Options{}, a.actor, a.logger), Runs: runs,
		Enqueue: q.EnqueuePiece, MinSize: f.minSize, PieceSize: f.pieceSize}, nil
}

// matchRunQueue opens the store that this process shares with the
// workers, and the match queue to enqueue their pieces on.
func (a *app) matchRunQueue(ctx context.Context) (*match.Queue, *store.MatchRunService, error) {
	a.busyTimeout = workerBusyTimeout // the store is shared with the workers, as they share it
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, nil, err
	}
	q, err := match.NewQueue(ctx, db.SQL(), db.Dialect(), match.QueueConfig{Logger: a.logger})
	if err != nil {
		return nil, nil, err
	}
	return q, store.NewMatchRunService(db), nil
}
