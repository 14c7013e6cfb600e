package http

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from what was drawn; run go test -update and look at the difference:\n%s", path, got)
	}
}

// wellFormed fails unless picture parses as XML: a browser shows nothing
// of a broken SVG.
func wellFormed(t *testing.T, picture string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(picture))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("the SVG does not parse: %v\n%s", err, picture)
		}
	}
}

func TestConsoleClocksSVG(t *testing.T) {
	t.Parallel()
	aware := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now := aware.Add(50 * time.Hour)
	deadlines := []leakdesk.Deadline{
		{Obligation: "nis2.early-warning", Title: "NIS2 early warning", Status: leakdesk.DeadlineLate, Due: aware.Add(24 * time.Hour)},
		{Obligation: "gdpr.art33.authority", Title: "GDPR Art. 33 <authority>", Status: leakdesk.DeadlineDue, Due: aware.Add(72 * time.Hour)},
		{Obligation: "nis2.notification", Title: "NIS2 notification", Status: leakdesk.DeadlineMet, Due: aware.Add(72 * time.Hour), FiledAt: aware.Add(30 * time.Hour)},
		{Obligation: "nis2.final", Title: "NIS2 final report", Status: leakdesk.DeadlineLate, Due: aware.Add(40 * time.Hour), FiledAt: aware.Add(45 * time.Hour)},
		{Obligation: "gdpr.art34.subjects", Title: "GDPR Art. 34 data subjects", Status: leakdesk.DeadlineDue},
		{Obligation: "dora.initial", Title: "DORA initial", Status: leakdesk.DeadlineNotApplicable},
	}
	tests := []struct {
		name      string
		aware     time.Time
		deadlines []leakdesk.Deadline
		want      []string
	}{
		{"clocks.svg", aware, deadlines, []string{">late<", ">due<", ">met, filed 03-03 15:00<", ">late, filed 03-04 06:00<", ">without undue delay<", ">does not apply<", "now 2026-03-04 11:00 UTC", "&lt;authority&gt;"}},
		{"clocks_unaware.svg", time.Time{}, deadlines[4:], []string{">without undue delay<", ">does not apply<"}},
		{"clocks_none.svg", aware, nil, []string{"No obligation applies yet."}},
	}
	for _, tt := range tests {
		got := string(clocksSVG(tt.aware, now, tt.deadlines))
		wellFormed(t, got)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q", tt.name, w)
			}
		}
		golden(t, tt.name, []byte(got))
	}
}

func TestConsoleCoverageSVG(t *testing.T) {
	t.Parallel()
	entry := func(org, state string) *leakdesk.CoverageEntry {
		return &leakdesk.CoverageEntry{Recipient: &leakdesk.Recipient{Organisation: org}, State: state}
	}
	var entries []*leakdesk.CoverageEntry
	for range 6 {
		entries = append(entries, entry("Acme SA", leakdesk.CoverageAcknowledged))
	}
	entries = append(entries, entry("Acme SA", leakdesk.CoverageBounced), entry("Acme SA", leakdesk.CoverageSent),
		entry("Beta & Co", leakdesk.CoverageNotNotified), entry("Beta & Co", leakdesk.CoverageNotNotified), entry("Beta & Co", leakdesk.CoverageWaived),
		entry("", leakdesk.CoverageDelivered), entry("Gamma", leakdesk.CoverageOther), entry("Delta", leakdesk.CoverageSent))

	byOrganisation := map[string]leakdesk.CoverageCounts{}
	for _, e := range entries {
		c := byOrganisation[e.Recipient.Organisation]
		c.Count(e.State, e.Channel, 1)
		byOrganisation[e.Recipient.Organisation] = c
	}
	rows := coverageByOrganisation(byOrganisation, 3)
	if len(rows) != 4 || rows[0].Name != "Beta & Co" || rows[0].Counts != [bandCount]int{0, 0, 1, 2} ||
		rows[1].Name != "Acme SA" || rows[1].Counts != [bandCount]int{6, 1, 0, 1} || rows[3].Name != "2 other organisations" || rows[3].total() != 2 {
		t.Fatalf("rows = %+v, want the most unreached first and the last two summed", rows)
	}
	got := string(coverageSVG(rows))
	wellFormed(t, got)
	for _, w := range []string{"Beta &amp; Co: 2 not reached", "Acme SA: 6 reached on evidence", ">8<", "2 other organisations"} {
		if !strings.Contains(got, w) {
			t.Errorf("coverage SVG lacks %q", w)
		}
	}
	golden(t, "coverage.svg", []byte(got))
	empty := string(coverageSVG(nil))
	wellFormed(t, empty)
	golden(t, "coverage_empty.svg", []byte(empty))
}
