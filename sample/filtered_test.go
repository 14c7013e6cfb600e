package sample_test

import (
	"slices"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk/sample"
)

// TestFilteredScenario: the leak holds a small part of a broad export, and
// an export without phones, made three to six weeks later, holds most of
// the leaked contacts.
func TestFilteredScenario(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 2, 3} {
		s, err := sample.GenerateFiltered(sample.Config{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		leaked := slices.DeleteFunc(slices.Clone(s.Leak.RowContacts), func(id string) bool { return id == "" })
		for _, id := range leaked {
			if !slices.Contains(s.Source.Contacts, id) {
				t.Fatalf("seed %d: leaked contact %s is not in the source %s", seed, id, s.Source.File)
			}
		}
		// Unfiltered, a leak keeps at least 85% of its source's rows.
		if len(leaked) == 0 || 10*len(leaked) > 7*len(s.Source.Contacts) {
			t.Errorf("seed %d: %d leaked contacts from a source of %d: not a filtered part", seed, len(leaked), len(s.Source.Contacts))
		}
		narrow := slices.IndexFunc(s.Exports, func(e *sample.Export) bool {
			gap := e.At.Sub(s.Source.At)
			if gap < 21*24*time.Hour || gap > 43*24*time.Hour || slices.Contains(e.Columns, "phone") || slices.Contains(e.Columns, "mobile") {
				return false
			}
			held := 0
			for _, id := range leaked {
				if slices.Contains(e.Contacts, id) {
					held++
				}
			}
			return 10*held >= 8*len(leaked) && len(e.Contacts) < len(s.Source.Contacts)
		})
		if narrow < 0 {
			t.Errorf("seed %d: no later export without phones holds most of the leak", seed)
		}
		for _, e := range s.Exports {
			if e != s.Source && e.At.Sub(s.Source.At).Abs() <= 7*24*time.Hour {
				t.Errorf("seed %d: %s was made within a week of the source", seed, e.File)
			}
		}
	}
}
