package proof

import (
	"context"
	"time"

	"github.com/leakdesk/leakdesk"
)

// Checkpointer signs timelines while a long-running process (serve, a
// campaign, a watcher) keeps appending to them, so that the record does not
// wait for the process to end before it can be witnessed:
//   - a tail that holds a filing, a notice or a closing is signed at the
//     next tick;
//   - any other tail once it reaches Every events, or once it has waited
//     MaxWait, so that a quiet incident is signed too;
//   - everything still unsigned when the run stops.
type Checkpointer struct {
	service *Service
	tails   func(context.Context) ([]leakdesk.UnsignedTail, error)

	Every    int64         // events; 0 means DefaultCheckpointEvery
	Interval time.Duration // between looks at the store; 0 means one second
	MaxWait  time.Duration // 0 means one minute

	waiting map[int64]time.Time // incident → when its unsigned tail was first seen
}

// DefaultCheckpointEvery is how many events a timeline may grow by before
// a long run signs it.
const DefaultCheckpointEvery = 1000

// NewCheckpointer returns a checkpointer that learns of unsigned timelines
// from tails, typically the store's FindUnsignedTails.
func NewCheckpointer(service *Service, tails func(context.Context) ([]leakdesk.UnsignedTail, error)) *Checkpointer {
	return &Checkpointer{service: service, tails: tails, waiting: make(map[int64]time.Time)}
}

// Run signs as described on Checkpointer until ctx is done, then signs
// whatever is left unsigned and returns. A checkpoint that fails is logged
// and tried again at the next tick: a long run must not stop serving
// because one timeline cannot be signed, and the failure stays visible to
// verify.
func (c *Checkpointer) Run(ctx context.Context) {
	interval := c.Interval
	if interval <= 0 {
		interval = time.Second
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			// The last pass outlives ctx, bounded, so that a stop still
			// signs what the run appended.
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			c.pass(final, true)
			return
		case <-tick.C:
			c.pass(ctx, false)
		}
	}
}

// pass signs the tails that are due, or all of them when all is true.
func (c *Checkpointer) pass(ctx context.Context, all bool) {
	tails, err := c.tails(ctx)
	if err != nil {
		c.service.logger.Error("unsigned timelines cannot be listed", "error", err)
		return
	}
	now := c.service.now()
	seen := make(map[int64]bool, len(tails))
	for _, t := range tails {
		seen[t.IncidentID] = true
		if !all && !c.due(t, now) {
			continue
		}
		if _, err := c.service.Checkpoint(ctx, t.IncidentID); err != nil {
			c.service.logger.Error("checkpoint not written", "incident", t.IncidentID, "size", t.Events, "error", err)
			continue
		}
		delete(c.waiting, t.IncidentID)
	}
	for id := range c.waiting {
		if !seen[id] {
			delete(c.waiting, id) // signed by another process
		}
	}
}

func (c *Checkpointer) due(t leakdesk.UnsignedTail, now time.Time) bool {
	every, maxWait := c.Every, c.MaxWait
	if every <= 0 {
		every = DefaultCheckpointEvery
	}
	if maxWait <= 0 {
		maxWait = time.Minute
	}
	first, ok := c.waiting[t.IncidentID]
	if !ok {
		c.waiting[t.IncidentID] = now
		first = now
	}
	return t.Decisive || t.Events-t.Signed >= every || now.Sub(first) >= maxWait
}
