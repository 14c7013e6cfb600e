package match

import (
	"context"
	"time"

	"github.com/leakdesk/leakdesk"
)

// mergedPoll is how often Wait looks whether its run is merged: one
// indexed row read, cheap beside what the workers do.
const mergedPoll = 100 * time.Millisecond

// Wait waits for run id to be merged, and returns it with its findings.
// It calls show with the run at most every `every`, and once more when the
// run ends. The run is looked at more often than it is shown, so that a
// small run's findings come as soon as they are merged. A failed run,
// whether a worker recorded why or River gave up on one of its jobs with
// no worker told (FailAbandoned), is an EUNREAD error: part of the leak
// was not read, so its findings are unknown, not empty.
func (d *Distributor) Wait(ctx context.Context, id int64, every time.Duration, show func(run *leakdesk.MatchRun, now time.Time)) (*leakdesk.MatchRun, error) {
	tick := time.NewTicker(min(every, mergedPoll))
	defer tick.Stop()
	shown, checked := time.Now(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
		if time.Since(checked) >= AbandonedCheck {
			if _, err := d.FailAbandoned(ctx, id); err != nil {
				return nil, err
			}
			checked = time.Now()
		}
		run, err := d.runs.FindMatchRun(ctx, id)
		if err != nil {
			return nil, err
		}
		ended := run.Findings != nil || run.Failure != nil
		if now := time.Now(); ended || now.Sub(shown) >= every {
			show(run, now)
			shown = now
		}
		switch {
		case run.Failure != nil:
			return nil, leakdesk.Errorf(leakdesk.EUNREAD, "match run %d failed, its findings are unknown: %s", run.ID, run.Failure)
		case run.Findings != nil:
			return run, nil
		}
	}
}
