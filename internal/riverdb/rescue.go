package riverdb

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
)

// RescueOnly is a worker of kind T for a River client that does not work
// T's queue. Processes of notify, watch and match share River's tables,
// and whichever client is River's leader rescues the jobs left running
// by a crash: a job of a kind the leader has no worker for is discarded,
// not rescued. Registered, RescueOnly lets the leader put such a job back
// for the process that works its queue.
type RescueOnly[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	// After is how long a job of kind T may run before it is taken as cut
	// short: the bound of the process that works it, so that a leader with
	// a shorter one of its own does not take back a job still running.
	// Zero leaves it to the leader's own bound.
	After time.Duration
}

// Work is never called: the client does not work T's queue.
func (RescueOnly[T]) Work(context.Context, *river.Job[T]) error {
	return errors.New("this process rescues these jobs but does not work them")
}

// Timeout is the bound a leader applies before rescuing a job of kind T.
func (r RescueOnly[T]) Timeout(*river.Job[T]) time.Duration { return r.After }
