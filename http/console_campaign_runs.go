package http

import (
	"context"
	"log/slog"
	"sync"
)

// campaignRuns runs the campaigns started from the console past the
// request that started them, one at a time per campaign: a second start
// of a running one is refused, and a run that failed says why on the
// notifications page. The outbox records every delivery, so a run cut
// short (the server stopping) is resumed by starting it again.
type campaignRuns struct {
	log     *slog.Logger
	mu      sync.Mutex
	running map[string]bool   // incident/campaign
	failed  map[string]string // incident/campaign -> why the last run stopped
}

func newCampaignRuns(log *slog.Logger) *campaignRuns {
	return &campaignRuns{log: log, running: map[string]bool{}, failed: map[string]string{}}
}

// start runs fn in the background under key, unless a run of key is
// going on; it reports whether it started one. fn's context outlives the
// request, keeping its values (the principal) but not its cancellation.
func (c *campaignRuns) start(ctx context.Context, key string, fn func(context.Context) error) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running[key] {
		return false
	}
	c.running[key] = true
	delete(c.failed, key)
	go func() {
		err := fn(context.WithoutCancel(ctx))
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.running, key)
		if err != nil {
			c.failed[key] = err.Error()
			c.log.Error("campaign run from the console", "campaign", key, "error", err)
		}
	}()
	return true
}

// state says whether key runs, and why its last run failed ("" if not).
func (c *campaignRuns) state(key string) (running bool, failure string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.running[key], c.failed[key]
}
