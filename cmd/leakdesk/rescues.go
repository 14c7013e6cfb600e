package main

import (
	"cmp"
	"time"

	"github.com/riverqueue/river"

	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/watch"
)

// Every leakdesk process that works River jobs (serve, notify, watch,
// worker) may share River's tables with the others, and whichever of
// them is River's leader rescues the jobs a crashed process left running.
// The leader would discard a job of a kind it cannot work, so each
// process registers every other kind as one it only rescues.

// rescuesBut returns what a client working the queues of the package
// named own ("notify", "watch" or "match") registers for the others'
// kinds. Watch and match jobs are rescued after this process's own bound
// (after, an hour if zero), which their processes take from the same
// --rescue-after; notify's after its own fixed bound.
func rescuesBut(own string, after time.Duration) func(*river.Workers) {
	after = cmp.Or(after, time.Hour)
	return func(workers *river.Workers) {
		if own != "notify" {
			notify.AddRescues(workers)
		}
		if own != "watch" {
			watch.AddRescues(workers, after)
		}
		if own != "match" {
			match.AddRescues(workers, after)
		}
	}
}
