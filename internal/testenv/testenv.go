// Package testenv tells tests about the way they are run.
package testenv

import "testing"

// SkipUnderRace skips a test that only computes, on one goroutine, when
// the race detector is on: it finds nothing there and slows such work
// tenfold. scripts/test runs these packages a second time without it, so
// the test still runs in CI.
func SkipUnderRace(t testing.TB) {
	t.Helper()
	if raceDetector {
		t.Skip("single-goroutine computation: run without -race (scripts/test does)")
	}
}
