package watch

import (
	"context"
	"testing"
	"time"
)

func TestFilesFinishInTheOrderTheyWereTakenIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o := newFinishOrder(time.Minute)
	o.queue(1)
	o.queue(2)
	if err := o.wait(ctx, 1); err != nil {
		t.Fatalf("the earliest file waits: %v", err)
	}
	waited := make(chan error)
	go func() { waited <- o.wait(ctx, 2) }()
	select {
	case err := <-waited:
		t.Fatalf("file 2 went on while file 1 was pending (%v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	o.finish(1)
	if err := <-waited; err != nil {
		t.Fatal(err)
	}
	o.finish(2)
	o.finish(2) // a job worked twice finishes twice

	// A file queued after one that is stuck gives up with its context,
	// or when the limit is past.
	o.queue(3)
	cancelled, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := o.wait(cancelled, 4); err == nil {
		t.Fatal("file 4 went on while file 3 was pending")
	}
	bounded := newFinishOrder(20 * time.Millisecond)
	bounded.queue(3)
	start := time.Now()
	if err := bounded.wait(ctx, 4); err != nil || time.Since(start) > 10*time.Second {
		t.Fatalf("file 4 waited %v for file 3 (%v); want the limit", time.Since(start), err)
	}
	if bounded.earlier(5) != nil {
		t.Error("file 3 is still waited for after the limit")
	}
}
