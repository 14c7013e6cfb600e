package match

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk/dump"
)

// TestIdentifiersOnlySortsAsLinkDoes scans lines of every kind twice, with
// and without the shortcut for lines of addresses and numbers alone, and
// wants the same findings: lines that link by address, alias, letter case
// or phone layout, strangers' lines, lines with names, lines without
// contact details.
func TestIdentifiersOnlySortsAsLinkDoes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	registry := filepath.Join(dir, "registry.csv")
	write(t, registry, `contact_id,organisation,first_name,last_name,email,phone
C-1,Acme,Jeanne,Martin,jeanne.martin@acme.test,+33 6 12 34 56 78
C-2,Acme,Paul,Durand,p.durand@gmail.com,+33 1 44 55 66 77
C-3,Brest,Anne,Le Goff,anne.legoff@brest.test,
`)
	leak := filepath.Join(dir, "leak.txt")
	write(t, leak, strings.Join([]string{
		"stranger1@mail.example:secret",
		"JEANNE.MARTIN@ACME.TEST:secret",
		"stranger2@mail.example:secret",
		"jeanne.martin+news@acme.test:secret",
		"pau.l.durand@gmail.com:secret",
		"x;y;stranger3@mail.example;+999 1234567;z",
		"x;y;;06 12 34 56 78;z",
		"x;y;;0033 1 44 55 66 77;z",
		`{"user":"s4","email":"s4@mail.example","ip":"203.0.113.8"}`,
		"nothing to see here",
		"12345678901234567890 is no phone number",
		"Anne;Le Goff;anne.legoff@brest.test;Brest",
		"Anne;Le Goff;anne@elsewhere.example;Brest",
		"stranger5@mail.example:secret",
	}, "\n")+"\n")
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := NewNormaliser("FR")
	reg, err := LoadRegistry(context.Background(), reader, n, registry, RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	scan := func(shortcut bool) string {
		s := NewScanner(reader, n, NewMatcher(reg, DefaultWeights()), 2)
		if !s.namelessLinksNone {
			t.Fatal("the empty record is blocked with a contact: the shortcut is never taken")
		}
		s.namelessLinksNone = shortcut
		res, err := s.Scan(context.Background(), Files(leak))
		if err != nil {
			t.Fatal(err)
		}
		if res.People.IdentifierRows == 0 || res.People.NoContactRows == 0 || len(res.Contacts) == 0 {
			t.Fatalf("the file should give identifier rows, rows without contact details and contacts: %+v", res.People)
		}
		b, err := json.MarshalIndent(res, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if with, without := scan(true), scan(false); with != without {
		t.Errorf("findings with the shortcut:\n%s\nwithout:\n%s", with, without)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRegistryNumbersAreKeyedInE164 holds identifiersOnly to what lets it
// look a leaked number up in its layouts alone: every number a registry
// keys, current or held before, is in E.164, so that none is keyed as the
// "#" and digits of a number the registry does not hold.
func TestRegistryNumbersAreKeyedInE164(t *testing.T) {
	t.Parallel()
	registry := filepath.Join(t.TempDir(), "registry.csv")
	write(t, registry, `contact_id,organisation,first_name,last_name,email,phone,mobile
C-1,Acme,Jeanne,Martin,jeanne.martin@acme.test,06 12 34 56 78,0033 1 44 55 66 77
C-2,Acme,Paul,Durand,p.durand@acme.test,+33 (0)1 45 67 89 10,0690 12 34 56
C-3,Acme,Anne,Le Goff,anne.legoff@acme.test,+49 30 1234567,
`)
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := LoadRegistry(context.Background(), reader, NewNormaliser("FR"), registry, RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reg.AddHistory([]Change{{At: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), ContactID: "C-1", Field: "phone", Old: "01 98 76 54 32", New: "06 12 34 56 78"}})
	numbers := 0
	for i := range reg.Len() {
		c := reg.Contact(i)
		for _, p := range append(slices.Clone(c.Phones), c.heldPhones()...) {
			numbers++
			if !strings.HasPrefix(p, "+") {
				t.Errorf("%s: number %q is not in E.164", c.ID, p)
			}
		}
	}
	if numbers != 6 {
		t.Errorf("read %d numbers, want 6", numbers)
	}
}
