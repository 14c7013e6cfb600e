package watch

import (
	"context"
	"sync"
	"time"
)

// finishOrder lets the files that one process takes in and triages finish
// in the order they were taken in: a file is compared with the earlier
// files for recycling only once they are done, or a recut read at the
// same time as its original would be missed and alert again. A file is
// waited for from when its job is queued until its triage ends, done or
// failed; the wait is bounded, as another process may work the job.
type finishOrder struct {
	mu      sync.Mutex
	pending map[int64]chan struct{} // closed when the file is finished
	limit   time.Duration
}

func newFinishOrder(limit time.Duration) *finishOrder {
	return &finishOrder{pending: map[int64]chan struct{}{}, limit: limit}
}

// queue notes that file is queued for triage here, if it is not yet.
func (o *finishOrder) queue(file int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.pending[file] == nil {
		o.pending[file] = make(chan struct{})
	}
}

// finish notes that file's triage ended.
func (o *finishOrder) finish(file int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if done := o.pending[file]; done != nil {
		close(done)
		delete(o.pending, file)
	}
}

// wait returns once no file queued before file is pending, or after the
// limit, when the earlier files still pending are forgotten: another
// process works them, or they are stuck. Jobs are fetched oldest first,
// so the earliest pending file is being triaged, or about to be, and
// files waiting on it move on.
func (o *finishOrder) wait(ctx context.Context, file int64) error {
	timeout := time.NewTimer(o.limit)
	defer timeout.Stop()
	for {
		earlier := o.earlier(file)
		if earlier == nil {
			return nil
		}
		select {
		case <-earlier:
		case <-timeout.C:
			o.forgetBefore(file)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (o *finishOrder) earlier(file int64) <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	for other, done := range o.pending {
		if other < file {
			return done
		}
	}
	return nil
}

func (o *finishOrder) forgetBefore(file int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for other := range o.pending {
		if other < file {
			delete(o.pending, other)
		}
	}
}
