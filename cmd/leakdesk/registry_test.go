package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk/sample"
)

// TestRegistryIndexCommand builds a registry's index and checks that match
// (stateless, and into an incident on each store) and trace's dating give
// with it what they give with the registry itself; and that a damaged
// index is refused.
func TestRegistryIndexCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := sample.Generate(sample.Config{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	registry, history, leak := filepath.Join(dir, "registry", "contacts.csv"), filepath.Join(dir, "registry", "history.csv"), filepath.Join(dir, s.LeakPath())
	index := filepath.Join(dir, "registry.idx")
	c := newCLI(t, "sqlite")
	var built struct {
		Contacts int
		Bytes    int64
	}
	c.json(&built, "registry", "index", registry, "--out", index)
	if st, err := os.Stat(index); err != nil || built.Contacts == 0 || st.Size() != built.Bytes {
		t.Fatalf("index %+v: %v", built, err)
	}
	matchArgs := func(reg string) []string {
		return []string{"match", "--registry", reg, "--history", history, "--export", filepath.Join(dir, "exports"), leak}
	}
	fromCSV, fromIndex := findingsOf(t, c, matchArgs(registry)...), findingsOf(t, c, matchArgs(index)...)
	if len(fromCSV["contacts"].([]any)) == 0 || !reflect.DeepEqual(fromCSV, fromIndex) {
		t.Fatalf("findings differ:\nfrom the registry: %.1500v\nfrom its index:    %.1500v", fromCSV, fromIndex)
	}

	backends(t, func(t *testing.T, c *cli) {
		c.ok("incident", "new", "--title", "indexed registry", "--aware-at", "now")
		c.ok("evidence", "add", "1", leak, "--source", "criminal forum")
		stored := findingsOf(t, c, append(matchArgs(index)[:len(matchArgs(index))-1], "--incident", "1")...)
		if !reflect.DeepEqual(stored["contacts"], fromCSV["contacts"]) || !reflect.DeepEqual(stored["people"], fromCSV["people"]) {
			t.Fatalf("findings stored from the index differ from the registry's")
		}
	})

	traceOf := func(reg string) any {
		var res map[string]any
		c.json(&res, "trace", "--leak", leak, "--registry", reg, "--history", history, filepath.Join(dir, "exports"))
		return res["dating"]
	}
	if a, b := traceOf(registry), traceOf(index); a == nil || !reflect.DeepEqual(a, b) {
		t.Fatalf("dating from the registry %v, from its index %v", a, b)
	}

	b, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.idx")
	if err := os.WriteFile(cut, b[:len(b)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := c.run("match", "--registry", cut, leak)
	if code == 0 || !strings.Contains(errOut, "truncated") {
		t.Fatalf("match with a truncated index: exit %d, %s", code, errOut)
	}
	_, errOut, code = c.run("match", "--registry", index, "--id-column", "contact_id", leak)
	if code == 0 || !strings.Contains(errOut, "registry index") {
		t.Fatalf("match with an index and column options: exit %d, %s", code, errOut)
	}
}

// findingsOf runs a match and returns its findings without the fields
// that name the run rather than what it found.
func findingsOf(t *testing.T, c *cli, args ...string) map[string]any {
	t.Helper()
	var res map[string]any
	c.json(&res, args...)
	for _, k := range []string{"registry", "incident_id", "actor", "leaks", "at"} {
		delete(res, k)
	}
	if _, err := json.Marshal(res); err != nil {
		t.Fatal(err)
	}
	return res
}
