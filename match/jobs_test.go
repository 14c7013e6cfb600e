package match

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// failures records the runs failed through it. It stands in for the
// store only where a real run cannot be brought there in a test: a
// transient error on a job's tenth attempt comes after hours of River's
// backoff (the store's side is TestFailedMatchRunNeverMerges).
type failures struct {
	leakdesk.MatchRunService
	calls []string
	err   error // what recording a failure returns
}

func (f *failures) FailMatchRun(_ context.Context, run int64, seq int, code, reason string) (bool, error) {
	f.calls = append(f.calls, fmt.Sprintf("run %d piece %d %s: %s", run, seq, code, reason))
	return f.err == nil, f.err
}

// TestOnlyLastingErrorsFailTheRun: a transient error is retried as it is
// until the job's last attempt, which fails the run; an error no retry
// fixes fails it at once and cancels the job; a failure that cannot be
// recorded brings the job back, and one of a run that is gone cancels it.
func TestOnlyLastingErrorsFailTheRun(t *testing.T) {
	t.Parallel()
	busy := errors.New("database is locked")
	changed := leakdesk.Errorf(leakdesk.EINTEGRITY, "a.txt: it is shorter than when it was split")
	for _, tc := range []struct {
		name      string
		err       error
		attempt   int
		recordErr error
		want      string // "retry", "cancel", "snooze", "none"
		failed    bool
	}{
		{"done", nil, 1, nil, "none", false},
		{"transient", busy, 1, nil, "retry", false},
		{"transient on its last attempt", busy, 10, nil, "retry", true},
		{"lasting", changed, 1, nil, "cancel", true},
		{"integrity", leakdesk.Errorf(leakdesk.EINTEGRITY, "its encryption header differs"), 2, nil, "cancel", true},
		{"not found by this worker", leakdesk.Errorf(leakdesk.ENOTFOUND, "file a.txt does not exist"), 1, nil, "retry", false},
		{"vault not open on this worker", leakdesk.Errorf(leakdesk.EINVALID, "this worker cannot open the vault"), 9, nil, "retry", false},
		{"not found on the last attempt", leakdesk.Errorf(leakdesk.ENOTFOUND, "file a.txt does not exist"), 10, nil, "retry", true},
		{"failure not recorded", changed, 1, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "database is locked"), "snooze", true},
		{"run gone", changed, 1, leakdesk.Errorf(leakdesk.ENOTFOUND, "match run 3 not found"), "cancel", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runs := &failures{err: tc.recordErr}
			d := NewDistributor(runs, nil, dump.Options{}, "local:w", slog.New(slog.DiscardHandler))
			got := d.failOrRetry(context.Background(), &rivertype.JobRow{Attempt: tc.attempt, MaxAttempts: 10}, 3, 1, tc.err)
			var cancel *river.JobCancelError
			var snooze *river.JobSnoozeError
			var kind string
			switch {
			case got == nil:
				kind = "none"
			case errors.As(got, &snooze):
				kind = "snooze"
			case errors.As(got, &cancel):
				kind = "cancel"
			default:
				kind = "retry"
			}
			if kind != tc.want || (kind == "retry" && got != tc.err) {
				t.Errorf("%v on attempt %d: %v (%s); want %s", tc.err, tc.attempt, got, kind, tc.want)
			}
			if (len(runs.calls) == 1) != tc.failed || len(runs.calls) > 1 {
				t.Errorf("run failed %d times (%q); want failed: %v", len(runs.calls), runs.calls, tc.failed)
			}
			if tc.failed && tc.err != nil && runs.calls[0] != fmt.Sprintf("run 3 piece 1 %s: %s", leakdesk.ErrorCode(tc.err), tc.err) {
				t.Errorf("failure recorded as %q", runs.calls[0])
			}
		})
	}
}

func TestUnpanickedIsAnError(t *testing.T) {
	t.Parallel()
	err := unpanicked(func() error { panic("index out of range") })
	if err == nil || leakdesk.ErrorCode(err) != leakdesk.EINTERNAL || err.Error() != "panic: index out of range" {
		t.Fatalf("a panic: %v", err)
	}
	if err := unpanicked(func() error { return nil }); err != nil {
		t.Fatal(err)
	}
}
