package notify

import (
	"slices"
	"testing"
)

// TestJobsCoverEachDeliveryOnce: a campaign's deliveries go into jobs in
// order, each once; jobs sized by campaign give every connection work and
// stay within their bounds, and a batch size that was asked for is kept.
func TestJobsCoverEachDeliveryOnce(t *testing.T) {
	for _, c := range []struct{ deliveries, conns, batch int }{
		{1, 4, 0}, {7, 1, 0}, {20, 4, 0}, {300, 4, 0}, {20000, 4, 0}, {100000, 16, 0}, {1000, 4, 50}, {3, 4, 50},
	} {
		q := &Queue{batch: c.batch, conns: c.conns}
		ids := make([]int64, c.deliveries)
		for i := range ids {
			ids[i] = int64(i + 1)
		}
		jobs := q.jobs(1, 2, ids)
		var got []int64
		largest := 0
		for _, j := range jobs {
			args := j.Args.(DeliverArgs)
			if args.Incident != 1 || args.Notice != 2 {
				t.Fatalf("%+v: job for incident %d, notice %d; want 1 and 2", c, args.Incident, args.Notice)
			}
			got = append(got, args.Deliveries...)
			largest = max(largest, len(args.Deliveries))
		}
		if !slices.Equal(got, ids) {
			t.Errorf("%+v: jobs hold %d deliveries, not each of the %d once and in order", c, len(got), len(ids))
		}
		if c.batch > 0 {
			if want := (c.deliveries + c.batch - 1) / c.batch; len(jobs) != want || largest > c.batch {
				t.Errorf("%+v: %d jobs of up to %d deliveries; want %d of up to %d", c, len(jobs), largest, want, c.batch)
			}
			continue
		}
		if largest > maxAutoBatch {
			t.Errorf("%+v: a job of %d deliveries; at most %d", c, largest, maxAutoBatch)
		}
		if len(jobs) < min(c.deliveries, c.conns) {
			t.Errorf("%+v: %d jobs leave connections idle", c, len(jobs))
		}
		if largest < maxAutoBatch && len(jobs) > jobsPerConnection*c.conns {
			t.Errorf("%+v: %d jobs of up to %d deliveries; want at most %d", c, len(jobs), largest, jobsPerConnection*c.conns)
		}
	}
}
