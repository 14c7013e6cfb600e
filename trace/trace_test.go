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

// TestFormattingSignaturesBreakTies: two exports hold the same values, one
// with phones spaced and ";" between cells, the other compact and ",". A
// leak that kept the first's layout names the first; a leak whose phones
// were re-laid favours neither on layout.
func TestFormattingSignaturesBreakTies(t *testing.T) {
	dir := t.TempDir()
	var spaced, compact, leak, relaid strings.Builder
	spaced.WriteString("id;name;email;phone\n")
	compact.WriteString("id,name,email,phone\n")
	leak.WriteString("id;name;email;phone\n")
	relaid.WriteString("id;name;email;phone\n")
	for i := range 60 {
		name := fmt.Sprintf("Person%c Name%c", 'A'+i%26, 'a'+i/26)
		email := fmt.Sprintf("p%d@client%d.example", i, i%7)
		digits := fmt.Sprintf("6%08d", 12345000+i*37)
		sp := fmt.Sprintf("+33 %s %s %s %s %s", digits[:1], digits[1:3], digits[3:5], digits[5:7], digits[7:9])
		fmt.Fprintf(&spaced, "C-%d;%s;%s;%s\n", i, name, email, sp)
		fmt.Fprintf(&compact, "C-%d,%s,%s,+33%s\n", i, name, email, digits)
		if i%2 == 0 {
			fmt.Fprintf(&leak, "C-%d;%s;%s;%s\n", i, name, email, sp)
			fmt.Fprintf(&relaid, "C-%d;%s;%s;0%s\n", i, name, email, digits)
		}
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	candidates := []string{write("compact.csv", compact.String()), write("spaced.csv", spaced.String())}
	reader, _ := dump.NewReader(dump.Options{})
	tracer := trace.New(reader, match.NewNormaliser("FR"))
	res, err := tracer.Trace(context.Background(), match.Files(write("leak.csv", leak.String()))[0], candidates, nil)
	if err != nil {
		t.Fatal(err)
	}
	top := res.Candidates[0]
	if filepath.Base(top.File) != "spaced.csv" || !slices.ContainsFunc(top.Evidence, func(e string) bool { return strings.Contains(e, "lay out their phone numbers as this file does") }) {
		t.Fatalf("top = %s %v; second %s %.2f", top.File, top.Evidence, res.Candidates[1].File, res.Candidates[1].Score)
	}
	res, err = tracer.Trace(context.Background(), match.Files(write("relaid.csv", relaid.String()))[0], candidates, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Candidates {
		if slices.ContainsFunc(c.Evidence, func(e string) bool { return strings.Contains(e, "lay out their phone numbers") }) {
			t.Fatalf("a re-laid leak credited %s with its layout: %v", c.File, c.Evidence)
		}
	}
}
