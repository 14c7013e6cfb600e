package trace

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestChernoffBoundsTheInnocentTail checks the bound against simulation:
// the share of innocent scores at or above a threshold never exceeds it.
func TestChernoffBoundsTheInnocentTail(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	code, _ := NewCode(make([]byte, 32))
	var terms []term
	for i := range 40 {
		p := code.Bias(string(rune('a' + i)))
		up, down := math.Sqrt((1-p)/p), -math.Sqrt(p/(1-p))
		if i%3 == 0 { // the leak shows 0 here
			up, down = -up, math.Sqrt(p/(1-p))
		}
		terms = append(terms, term{p: p, one: up, zero: down})
	}
	const trials = 200000
	scores := make([]float64, trials)
	for k := range scores {
		for _, tm := range terms {
			if rng.Float64() < tm.p {
				scores[k] += tm.one
			} else {
				scores[k] += tm.zero
			}
		}
	}
	for _, s := range []float64{2, 5, 8, 12} {
		hits := 0
		for _, x := range scores {
			if x >= s {
				hits++
			}
		}
		bound := chernoff(terms, s)
		if float64(hits)/trials > bound {
			t.Errorf("P(score >= %g) = %g by simulation, above the bound %g", s, float64(hits)/trials, bound)
		}
		t.Logf("threshold %4.1f: simulated %.2g, bound %.2g", s, float64(hits)/trials, bound)
	}
	if chernoff(terms, -1) != 1 || chernoff(nil, 3) != 1 {
		t.Error("a score at or below zero, or no position, bounds nothing")
	}
}
