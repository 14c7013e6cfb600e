package match_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/sample"
)

// scanFiles matches the leaks against the scenario's registry, written to
// dir.
func scanFiles(t *testing.T, s *sample.Scenario, dir string, leaks ...string) *leakdesk.Findings {
	t.Helper()
	registry, err := s.RegistryCSV()
	if err != nil {
		t.Fatal(err)
	}
	return scanWithPast(t, writeFile(t, dir, "registry.csv", string(registry)), "", nil, leaks...)
}

// contactClass is the class of each affected contact.
func contactClass(res *leakdesk.Findings) map[string]string {
	out := map[string]string{}
	for _, c := range res.Contacts {
		out[c.ID] = c.Class
	}
	return out
}

// TestPhoneRowsDoNotDependOnTheirNeighbours plants registry contacts in a
// large mixed dump only as First;Last;;PHONE;City rows, and checks that
// each is found there as it is in a file of its own line; and that a row
// carrying a contact's phone under another name and address links no one.
func TestPhoneRowsDoNotDependOnTheirNeighbours(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{3, 4} {
		s, err := sample.Generate(sample.Config{Seed: seed, Organisations: 260})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		f, err := os.Create(filepath.Join(dir, "mixed.txt"))
		if err != nil {
			t.Fatal(err)
		}
		truth, err := s.WritePhoneRowsDump(f, 100_000, 300, 100)
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		found := contactClass(scanFiles(t, s, dir, f.Name()))
		var missed []string
		for _, id := range truth.ByPhone {
			if found[id] == "" {
				missed = append(missed, id)
			}
		}
		for _, id := range truth.Shared {
			if found[id] != "" {
				t.Errorf("seed %d: %s linked (%s) by a row that holds only their phone, under another name and address", seed, id, found[id])
			}
		}
		if len(missed) > 0 {
			t.Errorf("seed %d: %d of %d contacts planted by phone and name are missed: %v", seed, len(missed), len(truth.ByPhone), missed)
		}
	}
}

// TestOneInternationalPhoneRow reads a file of one person row whose phone
// is written with +, of each planted contact whose number is in a range
// that libphonenumber does not know: the column is a phone, and links.
func TestOneInternationalPhoneRow(t *testing.T) {
	t.Parallel()
	s, err := sample.Generate(sample.Config{Seed: 3, Organisations: 260})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var tried int
	for _, p := range s.Registry {
		o := s.Organisation(p.OrgID)
		phone := p.Value("phone", s.Config.Incident)
		if o.Country != "FR" || phone == "" || validNumber(phone) || tried == 5 {
			continue
		}
		tried++
		leak := writeFile(t, dir, p.ID+".txt", p.FirstName+";"+p.LastName+";;"+phone+";"+o.City+"\n")
		res := scanFiles(t, s, dir, leak)
		if len(res.Contacts) != 1 || res.Contacts[0].ID != p.ID || !slices.Contains(res.Contacts[0].Fields, "phone") {
			t.Errorf("%s, phone %s: found %+v, want them linked by phone", p.ID, phone, res.Contacts)
		}
	}
	if tried == 0 {
		t.Fatal("the registry holds no number outside libphonenumber's ranges: nothing was tried")
	}
}

// validNumber says whether libphonenumber knows the number's range.
func validNumber(e164 string) bool {
	num, err := phonenumbers.Parse(e164, "")
	return err == nil && phonenumbers.IsValidNumber(num)
}
