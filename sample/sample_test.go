package sample_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/leakdesk/leakdesk/sample"
)

func generate(t *testing.T, cfg sample.Config) (*sample.Scenario, string) {
	t.Helper()
	s, err := sample.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	return s, dir
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = b
		return nil
	})
	return out
}

func TestSameSeedSameScenario(t *testing.T) {
	t.Parallel()
	_, a := generate(t, sample.Config{Seed: 42})
	_, b := generate(t, sample.Config{Seed: 42})
	_, c := generate(t, sample.Config{Seed: 43})
	ta, tb, tc := readTree(t, a), readTree(t, b), readTree(t, c)
	if len(ta) != len(tb) {
		t.Fatalf("file sets differ: %d and %d files", len(ta), len(tb))
	}
	for name, content := range ta {
		// XLSX files embed no time here, so they too must match byte for byte.
		if !bytes.Equal(content, tb[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	if bytes.Equal(ta["truth.json"], tc["truth.json"]) {
		t.Error("different seeds gave the same truth")
	}
}

func readCSV(t *testing.T, b []byte, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = comma
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	return rows
}

func TestScenarioIsConsistent(t *testing.T) {
	t.Parallel()
	for _, style := range sample.LeakStyles() {
		t.Run(style, func(t *testing.T) {
			t.Parallel()
			s, dir := generate(t, sample.Config{Seed: 7, LeakStyle: style, Organisations: 60})
			var truth sample.Truth
			raw, _ := os.ReadFile(filepath.Join(dir, "truth.json"))
			if err := json.Unmarshal(raw, &truth); err != nil {
				t.Fatal(err)
			}
			registry := readCSV(t, mustRead(t, dir, "registry/contacts.csv"), ',')
			ids, orgs := map[string]string{}, map[string]bool{}
			for _, row := range registry[1:] {
				if _, dup := ids[row[0]]; dup {
					t.Fatalf("registry repeats contact %s", row[0])
				}
				ids[row[0]] = row[1]
				orgs[row[1]] = true
				if !strings.HasPrefix(row[7]+row[8], "+") {
					t.Errorf("contact %s has no phone in E.164: %q %q", row[0], row[7], row[8])
				}
			}
			if len(registry)-1 != len(s.Registry) {
				t.Fatalf("registry file has %d rows, scenario %d", len(registry)-1, len(s.Registry))
			}
			for _, id := range truth.AffectedContacts {
				if _, ok := ids[id]; !ok {
					t.Errorf("affected contact %s is not in the registry", id)
				}
			}
			for _, id := range truth.DepartedContacts {
				if _, ok := ids[id]; ok {
					t.Errorf("departed contact %s is still in the registry", id)
				}
			}
			for _, org := range truth.AffectedOrgs {
				if !orgs[org] {
					t.Errorf("affected organisation %s is not in the registry", org)
				}
			}
			if truth.StrangerRows == 0 || truth.LeakedContacts != len(truth.AffectedContacts)+len(truth.DepartedContacts) {
				t.Errorf("truth counts do not add up: %+v", truth)
			}
			if truth.LeakStyle != style || !strings.HasPrefix(truth.LeakFile, "leak/") {
				t.Errorf("truth leak = %s %s", truth.LeakStyle, truth.LeakFile)
			}
			leak := mustRead(t, dir, truth.LeakFile)
			records := countLeakRecords(t, style, leak)
			if records != len(truth.RowContacts) {
				t.Errorf("leak holds %d records, truth describes %d", records, len(truth.RowContacts))
			}
		})
	}
}

func mustRead(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// countLeakRecords counts records the plain way for each style, to check
// that the truth's row numbering matches the file.
func countLeakRecords(t *testing.T, style string, b []byte) int {
	t.Helper()
	switch style {
	case sample.LeakCSV:
		utf8, err := charmap.Windows1252.NewDecoder().Bytes(b)
		if err != nil {
			t.Fatal(err)
		}
		return len(readCSV(t, utf8, ';')) - 1
	case sample.LeakNDJSON:
		n := 0
		for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			var v map[string]string
			if err := json.Unmarshal(line, &v); err != nil {
				t.Fatalf("ndjson line %q: %v", line, err)
			}
			n++
		}
		return n
	case sample.LeakSQL:
		return strings.Count(string(b), "),(") + 1
	default:
		return strings.Count(string(b), " | ") / 4
	}
}

func TestExportsAndTheirTwin(t *testing.T) {
	t.Parallel()
	s, dir := generate(t, sample.Config{Seed: 3})
	log := readCSV(t, mustRead(t, dir, "exports/export_log.csv"), ',')
	if len(log)-1 != len(s.Exports) || len(s.Exports) != 10 {
		t.Fatalf("export log has %d rows for %d exports", len(log)-1, len(s.Exports))
	}
	for _, e := range s.Exports {
		b := mustRead(t, dir, filepath.Join("exports", e.File))
		var rows int
		switch e.Format {
		case sample.FormatXLSX:
			f, err := excelize.OpenReader(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: %v", e.File, err)
			}
			all, err := f.GetRows("Sheet1")
			if err != nil {
				t.Fatal(err)
			}
			rows = len(all) - 1
		case sample.FormatCSVExcelFR:
			utf8, _ := charmap.Windows1252.NewDecoder().Bytes(b)
			rows = len(readCSV(t, utf8, ';')) - 1
		default:
			rows = len(readCSV(t, b, ',')) - 1
		}
		if rows != len(e.Contacts) || rows == 0 {
			t.Errorf("%s holds %d rows, want %d", e.File, rows, len(e.Contacts))
		}
	}
	// The source has a twin: same report, user and format, four weeks later,
	// holding different values for some contacts.
	var twin *sample.Export
	for _, e := range s.Exports {
		if e != s.Source && e.Report == s.Source.Report && e.User == s.Source.User && e.Format == s.Source.Format &&
			e.At.Equal(s.Source.At.AddDate(0, 0, 28)) {
			twin = e
		}
	}
	if twin == nil {
		t.Fatalf("the source %s has no twin", s.Source.File)
	}
	if bytes.Equal(mustRead(t, dir, filepath.Join("exports", twin.File)), mustRead(t, dir, filepath.Join("exports", s.Source.File))) {
		t.Error("the twin is identical to the source: nothing changed in four weeks")
	}
	if !slices.ContainsFunc(s.History, func(c sample.Change) bool { return c.At.After(s.Source.At) && c.At.Before(twin.At) }) {
		t.Error("no registry change between the source and its twin")
	}
}

func TestBadConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []sample.Config{
		{Organisations: 2},
		{Exports: 1},
		{LeakStyle: "pdf"},
		{Start: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := sample.Generate(cfg); err == nil {
			t.Errorf("Generate(%+v) accepted a bad config", cfg)
		}
	}
}
