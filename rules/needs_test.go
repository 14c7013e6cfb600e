package rules_test

import (
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk/rules"
)

func TestReportKindFacts(t *testing.T) {
	t.Parallel()
	r, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	k, err := r.ReportKind("cnil")
	if err != nil {
		t.Fatal(err)
	}
	facts := k.Facts()
	seen := map[string]bool{}
	for _, f := range facts {
		if seen[f] || strings.Contains(f, "fact.") {
			t.Fatalf("facts %q: %q twice or with its prefix", facts, f)
		}
		seen[f] = true
	}
	// Every field filled from a fact is named, and nothing else.
	want := 0
	for _, s := range k.Sections {
		for _, f := range s.Fields {
			if strings.HasPrefix(f.Source, "fact.") {
				want++
				if !seen[strings.TrimPrefix(f.Source, "fact.")] {
					t.Errorf("field %s (%s) not named", f.ID, f.Source)
				}
			}
		}
	}
	if want == 0 || len(facts) > want || !seen["measures"] {
		t.Fatalf("facts %q of %d fields from facts", facts, want)
	}
}
