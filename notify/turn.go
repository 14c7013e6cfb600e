package notify

import "time"

// turnTaker is a Sender whose messages take turns under a rate limit.
type turnTaker interface {
	// untilTurn says how long a message handed over now would wait for
	// its turn; 0 if it would go at once.
	untilTurn() time.Duration
}

// waitsForTurn reports whether a message that s sends next would wait for
// its turn under a rate limit: time in which the outcome of the message
// before can be committed on its own, at no cost to the rate.
func waitsForTurn(s Sender) bool {
	t, ok := s.(turnTaker)
	return ok && t.untilTurn() > 0
}
