package watch

import (
	"errors"
	"fmt"
	"testing"

	"github.com/riverqueue/river/rivertype"

	"github.com/leakdesk/leakdesk"
)

// TestRunStartIsFinal: a file whose run cannot start fails at once when
// what was kept fails its check, and otherwise only on its job's last
// attempt, its earlier ones retried.
func TestRunStartIsFinal(t *testing.T) {
	t.Parallel()
	integrity := runStartError{fmt.Errorf("match file 3 in pieces: %w", leakdesk.Errorf(leakdesk.EINTEGRITY, "blob refused by its seal"))}
	missing := runStartError{fmt.Errorf("match file 3 in pieces: %w", errors.New("open registry: no such file"))}
	for _, c := range []struct {
		name             string
		err              runStartError
		attempt, maximum int
		want             bool
	}{
		{"integrity, first attempt", integrity, 1, 10, true},
		{"other, first attempt", missing, 1, 10, false},
		{"other, ninth attempt", missing, 9, 10, false},
		{"other, last attempt", missing, 10, 10, true},
	} {
		if got := runStartIsFinal(c.err, &rivertype.JobRow{Attempt: c.attempt, MaxAttempts: c.maximum}); got != c.want {
			t.Errorf("%s: final %v, want %v", c.name, got, c.want)
		}
	}
}
