package watch

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// TestPiecesSketchAsOneScan: a file cut into pieces, each scanned with
// its own sketch summary, and the summaries merged, gives the RowSet of
// one triage scan of the whole file, below and above the exact count,
// whatever the workers per scan.
func TestPiecesSketchAsOneScan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mixed, registry := mixedDump(t, 40000)
	// Rows repeated, with a long cell, make a file of several pieces that
	// holds few enough values to count them exactly.
	var repeated [][]string
	for range 12 {
		for _, row := range leakRows(1, 1000) {
			repeated = append(repeated, append(row[:3:3], strings.Repeat("Paris ", 8)))
		}
	}
	files := map[string]string{
		"mixed dump, estimated count": mixed,
		"CSV, past the exact count":   writeCSV(t, "many.csv", []string{"name", "email", "phone", "city"}, leakRows(1, 9000)),
		"CSV, values counted exactly": writeCSV(t, "repeated.csv", []string{"name", "email", "phone", "city"}, repeated),
	}
	r, n, scannerOf := testScanners(ctx, t, registry)
	for _, workers := range []int{1, 3} {
		scanner := scannerOf(workers)
		for name, path := range files {
			want := scanSketch(ctx, t, scanner, n, match.Files(path)[0])
			pieces, err := match.Split(r, []string{path}, dump.MinSplit)
			if err != nil {
				t.Fatal(err)
			}
			if len(pieces) < 2 {
				t.Fatalf("%s: %d piece; the test needs several", name, len(pieces))
			}
			summaries := make([]json.RawMessage, len(pieces))
			for i, p := range pieces {
				s := NewSketchSummary(n)
				if _, err := scanner.ScanPieceVisiting(ctx, p, s.Visitor); err != nil {
					t.Fatal(err)
				}
				if summaries[i], err = s.Summary(); err != nil {
					t.Fatal(err)
				}
			}
			slices.Reverse(summaries) // pieces finish in any order
			got, err := mergeSketchStates(n, summaries)
			if err != nil {
				t.Fatal(err)
			}
			if want.Distinct == 0 || got.Distinct != want.Distinct || !slices.Equal(got.Hashes, want.Hashes) {
				t.Errorf("%s, %d workers, %d pieces: pieces' sketch holds %d hashes of %d values, one scan %d of %d, or they differ",
					name, workers, len(pieces), len(got.Hashes), got.Distinct, len(want.Hashes), want.Distinct)
			}
		}
	}
	if _, err := mergeSketchStates(n, []json.RawMessage{nil}); err == nil {
		t.Errorf("a piece without a sketch merged as if it held nothing")
	}
}

// testScanners loads registry as triage does, and returns the reader,
// the normaliser, and scanners of it with any number of workers.
func testScanners(ctx context.Context, t testing.TB, registry string) (*dump.Reader, *match.Normaliser, func(workers int) *match.Scanner) {
	t.Helper()
	r, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := match.NewNormaliser("FR")
	reg, err := match.LoadRegistry(ctx, r, n, registry, match.RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r, n, func(workers int) *match.Scanner {
		return match.NewScanner(r, n, match.NewMatcher(reg, match.DefaultWeights()), workers)
	}
}

// FuzzSketchState: whatever a stored piece summary holds, merging it
// gives an error or a RowSet of at most sketchSize distinct hashes in
// ascending order, and merging it twice
// gives the same RowSet as once (a union).
func FuzzSketchState(f *testing.F) {
	f.Add([]byte(`{"kept":[3,1,2],"exact":[1,2,3],"counted":true}`))
	f.Add([]byte(`{"kept":[5,9],"counted":false}`))
	f.Add([]byte(`{"kept":[],"counted":true}`))
	f.Add([]byte(`{"kept":[1,1,1],"exact":[7],"counted":true}`))
	f.Add([]byte(`[]`))
	n := match.NewNormaliser("FR")
	f.Fuzz(func(t *testing.T, raw []byte) {
		once, err := mergeSketchStates(n, []json.RawMessage{raw})
		if err != nil {
			return
		}
		if len(once.Hashes) > sketchSize || !slices.IsSorted(once.Hashes) || len(slices.Compact(slices.Clone(once.Hashes))) != len(once.Hashes) || once.Distinct < 0 {
			t.Fatalf("%s merged as %d hashes (sorted %v), %d distinct", raw, len(once.Hashes), slices.IsSorted(once.Hashes), once.Distinct)
		}
		twice, err := mergeSketchStates(n, []json.RawMessage{raw, raw})
		if err != nil || !slices.Equal(once.Hashes, twice.Hashes) || once.Distinct != twice.Distinct {
			t.Fatalf("%s merged with itself: %v, %d distinct; once: %d distinct", raw, err, twice.Distinct, once.Distinct)
		}
	})
}
