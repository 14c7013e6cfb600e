package dump

import "testing"

// Every rule matches its true samples and none of its false ones.
func TestSecretRuleSamples(t *testing.T) {
	t.Parallel()
	s, err := LoadSecrets()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Rules() {
		if len(r.True) == 0 || len(r.False) == 0 {
			t.Errorf("rule %s needs true and false samples", r.ID)
		}
		check := func(sample string, want bool) {
			got := false
			s.Scan(sample, 1, Position{File: "sample"}, func(f SecretFinding) {
				if f.Rule == r.ID {
					got = true
				}
			})
			if got != want {
				t.Errorf("rule %s on %q: matched = %v, want %v", r.ID, sample, got, want)
			}
		}
		for _, sample := range r.True {
			check(sample, true)
		}
		for _, sample := range r.False {
			check(sample, false)
		}
	}
}

func TestSecretLinesAreNumbered(t *testing.T) {
	t.Parallel()
	s, err := LoadSecrets()
	if err != nil {
		t.Fatal(err)
	}
	text := "name;email\nJeanne;j@x.fr\nconfig: DATABASE_URL=postgres://app:s3cr3t@db:5432/crm\n"
	var found []SecretFinding
	s.Scan(text, 10, Position{File: "f"}, func(f SecretFinding) { found = append(found, f) })
	if len(found) != 1 || found[0].Rule != "connection-string" || found[0].Pos.Line != 12 {
		t.Fatalf("found = %+v", found)
	}
}
