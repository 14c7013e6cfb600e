package match

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestKeyFilterHoldsEveryKey wants a filter to hold every fingerprint it
// was made from, whatever their number, and to turn away most others:
// a filter that let everything through would change no finding and save
// nothing.
func TestKeyFilterHoldsEveryKey(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(20, 1))
	for _, n := range []int{0, 1, 7, 1000, 100_000} {
		fps := make([]uint64, n)
		for i := range fps {
			fps[i] = rng.Uint64()
		}
		f := newKeyFilter(fps)
		for _, fp := range fps {
			if !f.mayHold(fp) {
				t.Fatalf("%d keys: the filter turns away %#x, which it was made from", n, fp)
			}
		}
		const others = 100_000
		passed := 0
		for range others {
			if f.mayHold(rng.Uint64()) {
				passed++
			}
		}
		// 10 to 20 bits a key let about 1% to 0.1% through.
		if share := float64(passed) / others; share > 0.03 {
			t.Errorf("%d keys: the filter lets %.1f%% of other keys through", n, 100*share)
		}
	}
}

// TestFilteredIndexFollowsAddedKeys adds keys to an index after lookups
// have built its table and filter, as a registry's history or a scan's
// past exports do, and wants them found: a filter made before them would
// turn them away.
func TestFilteredIndexFollowsAddedKeys(t *testing.T) {
	t.Parallel()
	var x keyIndex
	var fi filteredIndex
	first, later, absent := fingerprint(keyEmail, "a@example.test"), fingerprint(keyEmail, "b@example.test"), fingerprint(keyEmail, "c@example.test")
	x.add(first, 0)
	if got := fi.lookup(&x, first); !slices.Equal(got, []uint32{0}) {
		t.Fatalf("first key: got %v, want [0]", got)
	}
	x.add(later, 1)
	x.add(first, 2)
	if got := fi.lookup(&x, later); !slices.Equal(got, []uint32{1}) {
		t.Errorf("key added after the first lookup: got %v, want [1]", got)
	}
	if got := fi.lookup(&x, first); !slices.Equal(got, []uint32{0, 2}) {
		t.Errorf("first key, held again: got %v, want [0 2]", got)
	}
	if got := fi.lookup(&x, absent); got != nil {
		t.Errorf("a key never added: got %v, want nothing", got)
	}
}
