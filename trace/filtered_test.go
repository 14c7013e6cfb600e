package trace_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk/internal/testenv"
	"github.com/leakdesk/leakdesk/sample"
)

// TestFilteredLeakNamesTheBroadExport: the leaker kept only the rows of one
// kind of a broad export; a narrower export of that kind, made weeks later
// without the phone column, holds about the same rows. The broad export is
// the source: the leak carries its values, and phone numbers the narrower
// one never had, which therefore cannot be the whole source; neither can
// any other export without phones.
func TestFilteredLeakNamesTheBroadExport(t *testing.T) {
	testenv.SkipUnderRace(t)
	t.Parallel()
	for i, seed := range []uint64{181, 182, 183, 184, 185, 186} {
		style := sample.LeakStyles()[i%len(sample.LeakStyles())]
		t.Run(fmt.Sprintf("%s-%d", style, seed), func(t *testing.T) {
			t.Parallel()
			s, err := sample.GenerateFiltered(sample.Config{Seed: seed, LeakStyle: style})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := s.Write(dir); err != nil {
				t.Fatal(err)
			}
			res := run(t, dir, filepath.Join(dir, s.LeakPath()))
			phoneless := map[string]bool{}
			for _, e := range s.Exports {
				phoneless[e.File] = !slices.Contains(e.Columns, "phone") && !slices.Contains(e.Columns, "mobile")
			}
			for _, c := range res.Candidates[:3] {
				t.Logf("%d %s %.1f containment %.3f coverage %.3f", c.Rank, filepath.Base(c.File), c.Score, c.Containment, c.Coverage)
			}
			top := res.Candidates[0]
			if filepath.Base(top.File) != s.Truth().SourceExport || res.Verdict != "source" {
				t.Errorf("ranked first: %s (verdict %s), truth: %s", filepath.Base(top.File), res.Verdict, s.Truth().SourceExport)
			}
			for _, c := range res.Candidates {
				if !phoneless[filepath.Base(c.File)] {
					continue
				}
				t.Logf("without phones: %d %s %.1f containment %.3f same values %d", c.Rank, filepath.Base(c.File), c.Score, c.Containment, c.SameValues)
				if c.Rank == 1 {
					t.Errorf("%s, without phones, ranks first", c.File)
				}
				if !slices.ContainsFunc(c.Evidence, func(e string) bool { return strings.Contains(e, "cannot be the whole source") }) {
					t.Errorf("%s: the evidence does not say it cannot be the whole source: %q", c.File, c.Evidence)
				}
			}
		})
	}
}
