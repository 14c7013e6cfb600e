package notify

import (
	"errors"
	"fmt"
	"net/textproto"
	"testing"
)

// TestIsAuthFailure: a refused login is known by its reply code, not by
// digits anywhere in the message (port 42535 holds "535").
func TestIsAuthFailure(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("SMTP AUTH failed: %w", &textproto.Error{Code: 535, Msg: "5.7.8 bad credentials"}), true},
		{fmt.Errorf("wrapped: %w", &textproto.Error{Code: 530, Msg: "authentication required"}), true},
		{&textproto.Error{Code: 554, Msg: "transaction failed"}, false},
		{errors.New("dial tcp 127.0.0.1:42535: connect: connection refused"), false},
		{errors.New("dial tcp 10.0.0.1:25: i/o timeout after 535 ms"), false},
	} {
		if got := isAuthFailure(c.err); got != c.want {
			t.Errorf("isAuthFailure(%v) = %v", c.err, got)
		}
	}
}
