package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk/sample"
)

func TestTraceCommand(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	dir := t.TempDir()
	s, err := sample.Generate(sample.Config{Seed: 61, LeakStyle: sample.LeakCSV, Organisations: 80})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	// An unreadable candidate is named, and the others are still ranked.
	os.WriteFile(filepath.Join(dir, "exports", "broken.xlsx"), []byte("PK\x03\x04 not really a workbook"), 0o644)
	c.ok("incident", "new", "--title", "x", "--aware-at", "now")
	var res struct {
		Verdict string
		Dating  *struct {
			From, To    time.Time
			Informative int
		}
		Candidates []struct {
			File        string
			Rank        int
			Score       float64
			Containment float64
			Coverage    float64
			Evidence    []string
			Export      *struct{ ID, User string }
			Error       string
		}
	}
	c.json(&res, "trace", "--leak", filepath.Join(dir, s.LeakPath()), "--candidates", filepath.Join(dir, "exports"),
		"--log", filepath.Join(dir, "exports", "export_log.csv"), "--incident", "1",
		"--registry", filepath.Join(dir, "registry", "contacts.csv"), "--history", filepath.Join(dir, "registry", "history.csv"))
	if d := res.Dating; d == nil || d.Informative == 0 || !d.From.IsZero() && s.Source.At.Before(d.From) || !d.To.IsZero() && !s.Source.At.Before(d.To) {
		t.Errorf("dating = %+v, source exported %v", res.Dating, s.Source.At)
	}
	truth := s.Truth()
	top := res.Candidates[0]
	if res.Verdict != "source" || filepath.Base(top.File) != truth.SourceExport || top.Rank != 1 || top.Export == nil || top.Export.ID != truth.SourceExportID || top.Containment < 0.8 {
		t.Fatalf("top = %+v, want %s", top, truth.SourceExport)
	}
	last := res.Candidates[len(res.Candidates)-1]
	if filepath.Base(last.File) != "broken.xlsx" || last.Error == "" {
		t.Errorf("broken candidate = %+v", last)
	}
	for _, cand := range res.Candidates {
		if strings.HasSuffix(cand.File, "export_log.csv") {
			t.Error("the export log was ranked as a candidate")
		}
	}
	var events []struct{ Kind string }
	c.json(&events, "incident", "log", "1")
	if events[len(events)-1].Kind != "trace.ranked" {
		t.Errorf("last event = %+v", events[len(events)-1])
	}

	// A leak that shares nothing with any candidate gets no confident answer.
	other := filepath.Join(dir, "other.txt")
	os.WriteFile(other, []byte("someone@elsewhere.example:hunter2\nnobody@else.example:letmein\n"), 0o644)
	res.Dating = nil
	c.json(&res, "trace", "--leak", other, filepath.Join(dir, "exports"))
	if res.Verdict != "none" {
		t.Errorf("unrelated leak: verdict %q", res.Verdict)
	}
	if _, errOut, code := c.run("trace", "--leak", other); code != exitInvalid || !strings.Contains(errOut, "candidate") {
		t.Errorf("no candidates: exit %d, %s", code, errOut)
	}
	if _, errOut, code := c.run("trace", "--leak", other, filepath.Join(dir, "missing")); code != exitNotFound || !strings.Contains(errOut, "missing") {
		t.Errorf("missing candidate: exit %d, %s", code, errOut)
	}
}
