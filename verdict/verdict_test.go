package verdict_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
	"github.com/leakdesk/leakdesk/verdict"
)

// fixture is a generated incident laid out on disk, with a verifier.
type fixture struct {
	s        *sample.Scenario
	dir      string
	verifier *verdict.Verifier
	in       verdict.Input // registry, history and exports
}

func newFixture(t *testing.T, seed uint64) *fixture {
	t.Helper()
	s, err := sample.Generate(sample.Config{Seed: seed, Organisations: 80, LeakStyle: sample.LeakCSV})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	secrets, err := dump.LoadSecrets()
	if err != nil {
		t.Fatal(err)
	}
	n := match.NewNormaliser("FR")
	reg, err := match.LoadRegistry(ctx, reader, n, filepath.Join(dir, "registry", "contacts.csv"), match.RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	history, err := match.ReadHistory(filepath.Join(dir, "registry", "history.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var exports []string
	for _, e := range s.Exports {
		exports = append(exports, filepath.Join(dir, "exports", e.File))
	}
	return &fixture{s: s, dir: dir, verifier: verdict.New(reader, n, secrets, 2),
		in: verdict.Input{Registry: reg, History: history, Exports: exports}}
}

func (f *fixture) write(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(f.dir, name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func (f *fixture) verify(t *testing.T, leak string, earlier ...string) *verdict.Report {
	t.Helper()
	return f.verifyWith(t, f.in, leak, earlier...)
}

// withoutExports verifies without the past exports: ranking them is the
// costly part, and only completeness needs them.
func (f *fixture) withoutExports(t *testing.T, leak string, earlier ...string) *verdict.Report {
	t.Helper()
	in := f.in
	in.Exports = nil
	return f.verifyWith(t, in, leak, earlier...)
}

func (f *fixture) verifyWith(t *testing.T, in verdict.Input, leak string, earlier ...string) *verdict.Report {
	t.Helper()
	in.Leak = match.Files(leak)[0]
	in.Earlier = match.Files(earlier...)
	rep, err := f.verifier.Verify(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// within reports whether at falls in the dating window.
func within(c verdict.Currency, at time.Time) bool {
	d := c.Dating
	return d != nil && (d.From.IsZero() || !at.Before(d.From)) && (d.To.IsZero() || at.Before(d.To))
}

func TestVerdicts(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, seed)
			start := f.s.Config.Start

			// An earlier leak: the registry as it was six weeks in.
			earlierAt := start.AddDate(0, 0, 42)
			earlier, err := f.s.SnapshotLeak(earlierAt, 0.6, seed)
			if err != nil {
				t.Fatal(err)
			}
			earlierPath := f.write(t, "earlier.csv", earlier)

			t.Run("real", func(t *testing.T) {
				rep := f.verify(t, filepath.Join(f.dir, f.s.LeakPath()), earlierPath)
				if rep.Authentic.Verdict != "authentic" {
					t.Errorf("authentic: %s, %v", rep.Authentic.Verdict, rep.Authentic.Evidence)
				}
				if !within(rep.Current, f.s.Source.At) {
					t.Errorf("current: the window does not hold the source's date %s: %v", f.s.Source.At, rep.Current.Evidence)
				}
				c := rep.Complete
				if c.Export == nil || c.Export.Coverage < 0.8 || c.RegistryShare <= 0 || c.RegistryShare >= 1 {
					t.Errorf("complete: %+v %v", c.Export, c.Evidence)
				}
				if rep.Recycled.Verdict == "recycled" {
					t.Errorf("recycled: a leak of a later export is called recycled: %v", rep.Recycled.Evidence)
				}
			})
			t.Run("fabricated", func(t *testing.T) {
				fake, err := f.s.FabricatedLeak(150, seed)
				if err != nil {
					t.Fatal(err)
				}
				rep := f.withoutExports(t, f.write(t, "fake.csv", fake))
				a := rep.Authentic
				if a.Verdict != "fabricated" || a.UnknownShare < 0.9 || a.PersonRows != 150 {
					t.Errorf("authentic: %s, %.2f unknown of %d: %v", a.Verdict, a.UnknownShare, a.PersonRows, a.Evidence)
				}
				if rep.Current.Verdict != verdict.Unknown {
					t.Errorf("current: people who never existed are dated: %v", rep.Current.Evidence)
				}
				if rep.Recycled.Verdict != verdict.Unknown {
					t.Errorf("recycled: no earlier leak given, yet %s", rep.Recycled.Verdict)
				}
			})
			t.Run("recycled", func(t *testing.T) {
				recut, err := sample.Recut(earlier, 0.2, seed)
				if err != nil {
					t.Fatal(err)
				}
				rep := f.withoutExports(t, f.write(t, "recut.csv", recut), earlierPath, filepath.Join(f.dir, f.s.LeakPath()))
				r := rep.Recycled
				if r.Verdict != "recycled" || len(r.Earlier) != 2 || r.Earlier[0].Share < 0.95 || r.Earlier[1].Share >= 0.8 {
					t.Errorf("recycled: %s %+v", r.Verdict, r.Earlier)
				}
				if !strings.Contains(strings.Join(r.Evidence, " "), "earlier.csv") {
					t.Errorf("recycled: the earlier file is not named: %v", r.Evidence)
				}
			})
			t.Run("old", func(t *testing.T) {
				rep := f.withoutExports(t, earlierPath)
				c := rep.Current
				if c.Verdict != "old" || !within(c, earlierAt) || c.AgeDays < 90 {
					t.Errorf("current: %s, %d days, %v", c.Verdict, c.AgeDays, c.Evidence)
				}
				if rep.Authentic.Verdict != "authentic" {
					t.Errorf("authentic: %s %v", rep.Authentic.Verdict, rep.Authentic.Evidence)
				}
			})
		})
	}
}

// TestRunReadsTheFiles: Run, from paths, draws the verdict that Verify
// draws from what the fixture read.
func TestRunReadsTheFiles(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 4)
	leak := filepath.Join(f.dir, f.s.LeakPath())
	want := f.withoutExports(t, leak)
	got, err := verdict.Run(context.Background(), verdict.Request{Leak: match.Files(leak)[0], Registry: filepath.Join(f.dir, "registry", "contacts.csv"),
		History: filepath.Join(f.dir, "registry", "history.csv"), Read: dump.Options{Workers: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Rows != want.Rows || got.Rows == 0 || got.Authentic.Verdict != want.Authentic.Verdict || got.Current.Verdict != want.Current.Verdict {
		t.Fatalf("Run: %d rows, %s, %s; Verify: %d rows, %s, %s", got.Rows, got.Authentic.Verdict, got.Current.Verdict, want.Rows, want.Authentic.Verdict, want.Current.Verdict)
	}
	if _, err := verdict.Run(context.Background(), verdict.Request{Leak: match.Files(leak)[0], Registry: filepath.Join(f.dir, "none.csv")}); err == nil {
		t.Fatal("Run with a missing registry succeeded")
	}
}
