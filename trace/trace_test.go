package trace_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
	"github.com/leakdesk/leakdesk/trace"
)

func run(t *testing.T, dir string, leak string) *trace.Result {
	t.Helper()
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := trace.CandidateFiles([]string{filepath.Join(dir, "exports")})
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "exports", "export_log.csv")
	files = slices.DeleteFunc(files, func(f string) bool { return f == logPath })
	log, err := trace.ReadLog(logPath)
	if err != nil {
		t.Fatal(err)
	}
	res, err := trace.New(reader, match.NewNormaliser("FR")).Trace(context.Background(), match.Files(leak)[0], files, log)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestSourceRanksFirst: on generated incidents, whose source always has a
// twin (same report, same person, same format, four weeks later), the true
// source ranks first.
func TestSourceRanksFirst(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{51, 52, 53, 54} {
		for _, style := range sample.LeakStyles() {
			t.Run(fmt.Sprintf("%s-%d", style, seed), func(t *testing.T) {
				t.Parallel()
				s, err := sample.Generate(sample.Config{Seed: seed, LeakStyle: style, Organisations: 120})
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				if err := s.Write(dir); err != nil {
					t.Fatal(err)
				}
				res := run(t, dir, filepath.Join(dir, s.LeakPath()))
				top := res.Candidates[0]
				t.Logf("top %s (%.1f, containment %.3f, coverage %.3f) second %s (%.1f); truth %s", filepath.Base(top.File), top.Score, top.Containment, top.Coverage,
					filepath.Base(res.Candidates[1].File), res.Candidates[1].Score, s.Truth().SourceExport)
				if filepath.Base(top.File) != s.Truth().SourceExport || res.Verdict != "source" {
					t.Errorf("ranked first: %s (verdict %s), truth: %s", filepath.Base(top.File), res.Verdict, s.Truth().SourceExport)
				}
				if top.Export == nil || top.Export.ID != s.Truth().SourceExportID {
					t.Errorf("export log entry = %+v, want %s", top.Export, s.Truth().SourceExportID)
				}
				if !strings.Contains(strings.Join(top.Evidence, "\n"), "leaked rows are in this file") {
					t.Errorf("evidence = %q", top.Evidence)
				}
			})
		}
	}
}
