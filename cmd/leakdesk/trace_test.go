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
	dir, s := writeSample(t, 61, 80)
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

// TestEvidenceIsReadThroughTheVault: trace and inspect given an incident
// and no file read its evidence, and each read is an event naming the actor.
func TestEvidenceIsReadThroughTheVault(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	dir, s := writeSample(t, 62, 40)
	c.ok("incident", "new", "--title", "x", "--aware-at", "now")
	_, errOut, code := c.run("evidence", "add", "1", filepath.Join(dir, s.LeakPath()), "--source", "forum")
	if code != 0 || !strings.Contains(errOut, "new evidence key was created at") || strings.Contains(errOut, "level=") || strings.Contains(errOut, "file=") {
		t.Fatalf("evidence add: exit %d, stderr %q: the key warning should be a sentence", code, errOut)
	}
	var res struct {
		Leak       string
		Verdict    string
		Candidates []struct{ File string }
	}
	c.json(&res, "trace", "--incident", "1", "--candidates", filepath.Join(dir, "exports"), "--log", filepath.Join(dir, "exports", "export_log.csv"))
	if res.Verdict != "source" || filepath.Base(res.Candidates[0].File) != s.Truth().SourceExport || !strings.HasPrefix(res.Leak, "evidence #1") {
		t.Fatalf("trace of the evidence: leak %q, verdict %q, top %+v", res.Leak, res.Verdict, res.Candidates[0])
	}
	if out := c.ok("inspect", "--incident", "1"); !strings.Contains(out, "evidence #1") {
		t.Fatalf("inspect of the evidence:\n%s", out)
	}
	var events []struct {
		Kind, Actor string
		Details     struct{ Purpose string }
	}
	c.json(&events, "incident", "log", "1")
	var reads []string
	for _, ev := range events {
		if ev.Kind == "evidence.read" {
			if ev.Actor == "" {
				t.Errorf("a read of evidence names no actor: %+v", ev)
			}
			reads = append(reads, ev.Details.Purpose)
		}
	}
	if len(reads) != 2 || !strings.Contains(reads[0], "trace") || reads[1] != "inspect" {
		t.Errorf("evidence reads logged: %q, want the trace's and the inspection's", reads)
	}
	c.ok("evidence", "add", "1", filepath.Join(dir, "registry", "contacts.csv"), "--source", "registry")
	if _, errOut, code := c.run("trace", "--incident", "1", filepath.Join(dir, "exports")); code != exitInvalid || !strings.Contains(errOut, "--evidence") {
		t.Errorf("two pieces of evidence, none named: exit %d, %s", code, errOut)
	}
}

// writeSample writes the synthetic incident of seed, with a CSV leak.
func writeSample(t *testing.T, seed uint64, orgs int) (string, *sample.Scenario) {
	t.Helper()
	dir := t.TempDir()
	s, err := sample.Generate(sample.Config{Seed: seed, LeakStyle: sample.LeakCSV, Organisations: orgs})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	return dir, s
}
