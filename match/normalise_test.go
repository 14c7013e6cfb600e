package match

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNormalisers(t *testing.T) {
	t.Parallel()
	n := NewNormaliser("FR")
	for in, want := range map[string]string{
		"Jeanne.Martin@Acme.FR":              "jeanne.martin@acme.fr",
		" mailto:j@x.fr ":                    "j@x.fr",
		`"Jeanne Martin" <jeanne@acme.test>`: "jeanne@acme.test",
		"<p.durand@acme.test>;":              "p.durand@acme.test",
	} {
		if got, ok := n.Email(in); !ok || got != want {
			t.Errorf("Email(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"jeanne", "@acme.fr", "a@b", "a b@c.fr"} {
		if got, ok := n.Email(bad); ok {
			t.Errorf("Email(%q) accepted as %q", bad, got)
		}
	}
	if got := EmailAlias("jeanne.martin+leak@gmail.com"); got != "jeannemartin@gmail.com" {
		t.Errorf("EmailAlias = %q", got)
	}
	if got := EmailAlias("j.martin+x@acme.fr"); got != "j.martin@acme.fr" {
		t.Errorf("EmailAlias = %q", got)
	}
	for _, plain := range []string{"j.martin@acme.fr", "+x@acme.fr", "nodomain"} {
		if got := EmailAlias(plain); got != plain {
			t.Errorf("EmailAlias(%q) = %q, want it unchanged", plain, got)
		}
	}
	for in, want := range map[string]string{
		"01 23 45 67 89":       "+33123456789",
		"01.23.45.67.89":       "+33123456789",
		"+33 1 23 45 67 89":    "+33123456789",
		"0033 1 23 45 67 89":   "+33123456789",
		"+33 (0)1 23 45 67 89": "+33123456789",
		"+33123456789":         "+33123456789",
		"06 12 34 56 78":       "+33612345678",
		"+32 2 550 12 34":      "+3225501234",
		"+49 30 12345678":      "+493012345678",
	} {
		if got, ok := n.Phone(in); !ok || got != want {
			t.Errorf("Phone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"12", "00 00 00 00 00", "hello", "+33 0 00"} {
		if got, ok := n.Phone(bad); ok {
			t.Errorf("Phone(%q) accepted as %q", bad, got)
		}
	}
	if got := NameTokens("Anne-Sophie DE LA FONTAINE"); !slices.Equal(got, []string{"anne", "sophie", "de", "la", "fontaine"}) {
		t.Errorf("NameTokens = %q", got)
	}
	for in, want := range map[string]string{
		"La Mairie de Saint-Étienne":   "ville saint etienne",
		"Ville de Saint-Etienne":       "ville saint etienne",
		"Boréal Énergie SARL":          "boreal energie",
		"BOREAL ENERGIE S.A.R.L.":      "boreal energie",
		"Vauban Télécom GmbH & Co. KG": "vauban telecom",
	} {
		if got := n.Org(in); got != want {
			t.Errorf("Org(%q) = %q, want %q", in, got, want)
		}
	}
	if Soundex("Robert") != "R163" || Soundex("Rupert") != "R163" || Soundex("Müller") != Soundex("Muller") || Soundex("Lefèvre") != Soundex("Lefevre") {
		t.Errorf("Soundex: %s %s", Soundex("Robert"), Soundex("Müller"))
	}
}

// FuzzPlainAddress checks what Email's fast path takes for granted: that
// peeling, the checks by rune and Unicode normalisation would leave a
// plain address as it is.
func FuzzPlainAddress(f *testing.F) {
	for _, s := range []string{"jeanne.dupont@example.fr", "Jeanne@example.fr", "mailto:j@x.fr", "j@x.fr;", "\"j@x.fr\"", "j\x7f@x.fr", "j@x.fr\v", "é@x.fr", "a<b@x.fr"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !plainAddress(s) {
			return
		}
		if peeled, ok := peelAddress(s); !ok || peeled != s {
			t.Fatalf("plain address %q peels to %q, %v", s, peeled, ok)
		}
		if strings.ContainsFunc(s, isSpaceOrControl) {
			t.Fatalf("plain address %q holds a space or a control", s)
		}
		if nfc := norm.NFC.String(s); nfc != s {
			t.Fatalf("plain address %q is %q in NFC", s, nfc)
		}
	})
}
