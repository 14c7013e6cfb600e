package match_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk/sample"
)

// TestOldExportLinksThroughHeldValues matches a leak of an export made
// months before the incident, with the registry's history: contacts whose
// e-mail address and mobile number have both changed since are linked
// through the values they held, and the evidence says until when.
func TestOldExportLinksThroughHeldValues(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{5, 6} {
		s, err := sample.Generate(sample.Config{Seed: seed, Organisations: 260})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := s.Write(dir); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(dir, "old-export.csv"))
		if err != nil {
			t.Fatal(err)
		}
		truth, err := s.WriteOldExportLeak(f, s.Config.Incident.AddDate(0, -7, 0))
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(truth.Changed) == 0 {
			t.Fatalf("seed %d: no contact changed both e-mail and mobile since the export: nothing is tested", seed)
		}
		res := scanWithPast(t, filepath.Join(dir, "registry", "contacts.csv"), filepath.Join(dir, "registry", "history.csv"), nil, f.Name())
		written := map[string]bool{}
		for _, id := range truth.Contacts {
			written[id] = true
		}
		found := map[string]string{}
		for _, c := range res.Contacts {
			if !written[c.ID] {
				t.Errorf("seed %d: %s linked, but the export does not hold them", seed, c.ID)
			}
			var how []string
			for _, e := range c.Evidence {
				how = append(how, e.Field+" "+e.How)
			}
			found[c.ID] = c.Class + ": " + strings.Join(how, "; ")
		}
		for _, id := range truth.Changed {
			if got := found[id]; !strings.HasPrefix(got, "certain") || !strings.Contains(got, "email held until") || !strings.Contains(got, "phone held until") {
				t.Errorf("seed %d: %s, whose e-mail and mobile changed since the export: %q, want certain, through both held values", seed, id, got)
			}
		}
		t.Logf("seed %d: %d contacts in the export, %d changed e-mail and mobile since; %d linked, %d rows to review", seed, len(truth.Contacts), len(truth.Changed), len(res.Contacts), len(res.Review))
	}
}
