package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk/sample"
)

func TestMatchCommand(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	dir := t.TempDir()
	s, err := sample.Generate(sample.Config{Seed: 41, LeakStyle: sample.LeakNDJSON, Organisations: 60})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	registry := filepath.Join(dir, "registry", "contacts.csv")
	var res struct {
		Rows        int64 `json:"rows"`
		MatchedRows int64 `json:"matched_rows"`
		Contacts    []struct {
			ID, OrgID, Organisation, Class string
			Confidence                     float64
			Fields                         []string
			Rows                           []int64
		}
		Organisations []struct {
			ID       string
			Contacts int
		}
		Review []struct {
			Row        int64
			Candidates []struct{ ID string }
		}
	}
	c.json(&res, "match", "--registry", registry, filepath.Join(dir, s.LeakPath()))
	truth := s.Truth()
	if res.Rows != int64(len(truth.RowContacts)) || res.MatchedRows == 0 || len(res.Contacts) == 0 || len(res.Organisations) == 0 {
		t.Fatalf("result = %+v", res)
	}
	// Rows are 1-based records: the truth says who is on each.
	wrong, linked := 0, 0
	for _, ct := range res.Contacts {
		if ct.Class != "certain" && ct.Class != "probable" || ct.Confidence < 0.9 || len(ct.Rows) == 0 || !slices.Contains(ct.Fields, "email") {
			t.Fatalf("contact %+v", ct)
		}
		for _, r := range ct.Rows {
			linked++
			if truth.RowContacts[r-1] != ct.ID {
				wrong++
			}
		}
	}
	if wrong*100 > linked {
		t.Errorf("%d of %d linked rows hold someone else", wrong, linked)
	}
	// Two leak files: numbering runs on across them.
	var two struct{ Rows int64 }
	c.json(&two, "match", "--registry", registry, filepath.Join(dir, s.LeakPath()), filepath.Join(dir, s.LeakPath()))
	if two.Rows != 2*res.Rows {
		t.Errorf("two files: %d rows, want %d", two.Rows, 2*res.Rows)
	}
	// Weights estimated from the leak are used and reported; the defaults
	// are not.
	var est struct {
		Contacts []struct{ ID string }
		Weights  map[string]float64
	}
	c.json(&est, "match", "--estimate-weights", "--registry", registry, filepath.Join(dir, s.LeakPath()))
	if len(est.Weights) == 0 || est.Weights["email.equal"] <= 0 || est.Weights["email.equal"] == 18 || len(est.Contacts) == 0 {
		t.Errorf("estimated weights: %v, %d contacts", est.Weights, len(est.Contacts))
	}
	if strings.Contains(c.ok("match", "--format", "json", "--registry", registry, filepath.Join(dir, s.LeakPath())), `"weights"`) {
		t.Error("default weights are reported as estimated")
	}
	out := c.ok("match", "--registry", registry, filepath.Join(dir, s.LeakPath()))
	if !strings.Contains(out, "Affected organisations") || !strings.Contains(out, "Affected contacts") {
		t.Errorf("table output:\n%s", out)
	}
	if csv := c.ok("match", "--format", "csv", "--registry", registry, filepath.Join(dir, s.LeakPath())); !strings.HasPrefix(csv, "id,org_id,organisation") {
		t.Errorf("csv output:\n%s", csv)
	}
}

func TestMatchBadInput(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		return p
	}
	leak := write("leak.txt", "Acme SAS | Jeanne Martin | jeanne@acme.test | 06 12 34 56 78\nAcme SAS | Paul Durand | paul@acme.test | 12 34\n"+
		"Acme SAS | Luc Petit | luc@acme.test | 06 98 76 54 32\nAcme SAS | Ana Roy | ana@acme.test | 07 81 22 33 44\n")
	for _, tc := range []struct {
		name, registry string
		code           int
		want           string
	}{
		{"duplicate IDs", "id,name,email\nC-1,Jeanne Martin,jeanne@acme.test\nC-1,Paul Durand,paul@acme.test\n", exitInvalid, "appears in records 1 and 2"},
		{"missing ID", "id,name,email\nC-1,Jeanne Martin,jeanne@acme.test\n,Paul Durand,paul@acme.test\n", exitInvalid, "has no ID"},
		{"no usable column", "id,notes\nC-1,hello there friend\nC-2,general kenobi indeed\n", exitInvalid, "no e-mail, phone or name column"},
	} {
		_, errOut, code := c.run("match", "--registry", write(tc.name+".csv", tc.registry), leak)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, %s", tc.name, code, errOut)
		}
	}
	registry := write("ok.csv", "id,first_name,last_name,email,phone\nC-1,Jeanne,Martin,jeanne@acme.test,+33612345678\nC-2,Paul,Durand,paul@acme.test,\n")
	var res struct {
		Rows     int64
		Contacts []struct{ ID string }
		Invalid  struct{ Phones int64 }
	}
	c.json(&res, "match", "--registry", registry, leak)
	if res.Rows != 4 || len(res.Contacts) != 2 || res.Invalid.Phones != 1 {
		t.Errorf("result = %+v (the phone 12 34 is unreadable and must be counted)", res)
	}
	// A leak of which nothing could be read is not an empty result.
	out, errOut, code := c.run("match", "--registry", registry, write("empty.txt", ""), "--format", "json")
	var unread struct {
		Rows   int64
		Unread []struct{ File, Reason string }
	}
	json.Unmarshal([]byte(out), &unread)
	if code != exitUnread || !strings.Contains(errOut, "empty.txt: empty file") || len(unread.Unread) != 1 || unread.Unread[0].Reason != "empty file" {
		t.Errorf("empty leak: exit %d, %s, %s", code, out, errOut)
	}
	if _, errOut, code := c.run("match", leak); code != exitInvalid || !strings.Contains(errOut, "--registry") {
		t.Errorf("no registry: exit %d, %s", code, errOut)
	}
}

func TestMatchInsideAnIncident(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		dir := t.TempDir()
		s, err := sample.Generate(sample.Config{Seed: 42, LeakStyle: sample.LeakSQL, Organisations: 40})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Write(dir); err != nil {
			t.Fatal(err)
		}
		c.ok("incident", "new", "--title", "x", "--aware-at", "now", "--regime", "gdpr")
		if _, errOut, code := c.run("match", "--incident", "1", "--registry", filepath.Join(dir, "registry", "contacts.csv")); code != exitInvalid || !strings.Contains(errOut, "no evidence") {
			t.Fatalf("match without evidence: exit %d, %s", code, errOut)
		}
		c.ok("evidence", "add", "1", filepath.Join(dir, s.LeakPath()), "--source", "forum")
		var res struct {
			Contacts []struct{ ID string }
			Leaks    []string
			People   struct{ Total, Unknown int64 }
		}
		c.json(&res, "match", "--incident", "1", "--registry", filepath.Join(dir, "registry", "contacts.csv"))
		if len(res.Contacts) == 0 || len(res.Leaks) != 1 || !strings.HasPrefix(res.Leaks[0], "evidence #1") {
			t.Fatalf("findings = %+v", res)
		}
		var events []struct{ Kind string }
		c.json(&events, "incident", "log", "1")
		if k := events[len(events)-2].Kind + "," + events[len(events)-1].Kind; k != "evidence.read,findings.recorded" {
			t.Fatalf("last events = %s", k)
		}
		var assessed struct {
			Assessment struct {
				Findings struct {
					Persons    int64
					PersonsHow string `json:"persons_how"`
				}
			}
		}
		c.json(&assessed, "assess", "1")
		// The leak's people: the contacts found and those found nowhere
		// (the past was not searched, and the command says so).
		if f := assessed.Assessment.Findings; f.Persons != res.People.Total || res.People.Unknown == 0 || f.Persons != int64(len(res.Contacts))+res.People.Unknown ||
			!strings.Contains(f.PersonsHow, "registry contact(s) found") || !strings.Contains(f.PersonsHow, "not searched") {
			t.Fatalf("assessment persons = %+v, want %+v", f, res.People)
		}
	})
}

// TestMatchPersonRecords links the person benchmark through the command
// line: "sample --person-linkage" writes it, and "match" reads dates of
// birth, identity numbers and addresses by their inferred roles.
func TestMatchPersonRecords(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	dir := filepath.Join(t.TempDir(), "persons")
	c.ok("sample", "--person-linkage", dir, "--persons", "800", "--seed", "5")
	var truth map[string]string
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil || json.Unmarshal(b, &truth) != nil || len(truth) != 800 {
		t.Fatalf("truth: %d entries, %v", len(truth), err)
	}
	var res struct {
		Rows     int64
		Contacts []struct {
			ID       string
			Fields   []string
			Rows     []int64
			Evidence []struct{ Field string }
		}
		Invalid struct {
			DatesOfBirth int64 `json:"dates_of_birth"`
		}
	}
	c.json(&res, "match", "--registry", filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv"))
	rows, err := os.ReadFile(filepath.Join(dir, "b.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(string(rows)), "\n")[1:] {
		ids = append(ids, strings.SplitN(line, ",", 2)[0])
	}
	correct, linked, byBirth := 0, 0, false
	for _, ct := range res.Contacts {
		for _, r := range ct.Rows {
			linked++
			if truth[ids[r-1]] == ct.ID {
				correct++
			}
		}
		byBirth = byBirth || slices.ContainsFunc(ct.Evidence, func(e struct{ Field string }) bool { return e.Field == "date_of_birth" })
	}
	if res.Rows != 800 || correct != linked || correct < 790 || !byBirth {
		t.Errorf("rows %d: %d of %d links correct, dates of birth in evidence: %v", res.Rows, correct, linked, byBirth)
	}
	if res.Invalid.DatesOfBirth == 0 {
		t.Error("damaged dates of birth are not counted")
	}
}
