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

// SkipTimedUnderRace skips a test that bounds how long something takes in
// a real process, such as how many messages a killed sender repeats: the
// race detector slows the code it measures several times over, so the
// bound would measure the detector. scripts/test runs these tests a
// second time without it.
func SkipTimedUnderRace(t testing.TB) {
	t.Helper()
	if raceDetector {
		t.Skip("a bound on timing: run without -race (scripts/test does)")
	}
}
