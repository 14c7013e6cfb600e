package trace_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/internal/testenv"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
	"github.com/leakdesk/leakdesk/trace"
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
			s, res := traceFiltered(t, sample.Config{Seed: seed, LeakStyle: style})
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

// traceFiltered generates a filtered leak and traces it.
func traceFiltered(t *testing.T, cfg sample.Config) (*sample.Scenario, *trace.Result) {
	t.Helper()
	s, err := sample.GenerateFiltered(cfg)
	dir := t.TempDir()
	if err == nil {
		err = s.Write(dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s, run(t, dir, filepath.Join(dir, s.LeakPath()))
}

// TestValuesOutweighSize: a leaker kept the 40 public bodies of a broad
// export of 120 rows. A later export of those 40 alone, in the same layout,
// holds 6 of them with newer e-mail addresses. By size alone the narrower
// file explains the leak better; by values it cannot have been its source.
func TestValuesOutweighSize(t *testing.T) {
	t.Parallel()
	const changed = 6
	var broad, narrow, leak strings.Builder
	for _, b := range []*strings.Builder{&broad, &narrow, &leak} {
		b.WriteString("id;name;email;phone;sector\n")
	}
	for i := range 120 {
		name := fmt.Sprintf("Agent%c Person%c", 'A'+i%26, 'a'+i/26)
		sector, email := "private", fmt.Sprintf("agent%d@firm%d.example", i, i%9)
		if i%3 == 0 {
			sector, email = "public", fmt.Sprintf("agent%d@town%d.example", i, i%9)
		}
		row := fmt.Sprintf("C-%d;%s;%%s;+33 6 %02d %02d %02d %02d;%s\n", i, name, 10+i%80, 20+i%70, i%100, 30+i%60, sector)
		fmt.Fprintf(&broad, row, email)
		if sector != "public" {
			continue
		}
		later := email
		if i/3 < changed {
			later = "new." + email
		}
		fmt.Fprintf(&narrow, row, later)
		if i/3 < 36 {
			fmt.Fprintf(&leak, row, email)
		}
	}
	dir := t.TempDir()
	for name, b := range map[string]*strings.Builder{"broad.csv": &broad, "narrow.csv": &narrow, "leak.csv": &leak} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	candidates := []string{filepath.Join(dir, "narrow.csv"), filepath.Join(dir, "broad.csv")}
	tracer := trace.New(reader, match.NewNormaliser("FR"))
	res, err := tracer.Trace(context.Background(), match.Files(filepath.Join(dir, "leak.csv"))[0], candidates, nil)
	if err != nil {
		t.Fatal(err)
	}
	top, second := res.Candidates[0], res.Candidates[1]
	if filepath.Base(top.File) != "broad.csv" || top.Score >= second.Score {
		t.Fatalf("first %s (%.2f), second %s (%.2f): want broad.csv first, with the lower score", top.File, top.Score, second.File, second.Score)
	}
	want := fmt.Sprintf("ranked below broad.csv despite a better score: %d leaked rows carry values that it holds and this file does not", changed)
	if !slices.ContainsFunc(second.Evidence, func(e string) bool { return strings.Contains(e, want) }) {
		t.Errorf("evidence = %q, want %q", second.Evidence, want)
	}
}
