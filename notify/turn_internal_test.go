package notify

import (
	"context"
	"testing"
	"time"
)

// TestWaitsForTurn: a sender under a rate limit says it would wait once
// another message took the current slot, and a sender with no limit, or
// one that is not SMTP, never does. The worker commits an outcome on its
// own only when the connection would wait.
func TestWaitsForTurn(t *testing.T) {
	limited := &smtpSender{d: NewSMTPDialer(&SMTPConfig{Rate: 10})}
	if waitsForTurn(limited) {
		t.Fatal("an idle limiter says the next message would wait")
	}
	if err := limited.d.limiter.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := limited.untilTurn(); got <= 0 || got > 100*time.Millisecond || !waitsForTurn(limited) {
		t.Fatalf("after one message at rate=10, the next waits %v, want up to 100ms", got)
	}
	unlimited := &smtpSender{d: NewSMTPDialer(&SMTPConfig{})}
	unlimited.d.limiter.wait(context.Background())
	if waitsForTurn(unlimited) || waitsForTurn(&OutboxDialer{Dir: t.TempDir()}) {
		t.Fatal("a sender with no rate says it would wait")
	}
}
