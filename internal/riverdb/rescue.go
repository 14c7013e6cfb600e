package riverdb

import (
	"context"
	"errors"

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
}

// Work is never called: the client does not work T's queue.
func (RescueOnly[T]) Work(context.Context, *river.Job[T]) error {
	return errors.New("this process rescues these jobs but does not work them")
}
