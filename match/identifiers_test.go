package match

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
