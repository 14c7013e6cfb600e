package match

import (
	"math"
	"testing"
)

func TestJaroWinklerStandardVectors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"MARTHA", "MARHTA", 0.961},
		{"DWAYNE", "DUANE", 0.840},
		{"DIXON", "DICKSONX", 0.813},
		{"JELLYFISH", "SMELLYFISH", 0.896},
		{"", "", 1},
		{"ABC", "", 0},
		{"Élodie", "Elodie", 0.889}, // runes, not bytes: É is one character
	} {
		if got := JaroWinkler(tc.a, tc.b); math.Abs(got-tc.want) > 0.0005 {
			t.Errorf("JaroWinkler(%q, %q) = %.4f, want %.3f", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestOneEdit(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"1234567", "1234567", true}, {"1234567", "1234587", true}, {"1234567", "1243567", true},
		{"1234567", "123567", true}, {"123567", "1234567", true}, {"1234567", "12345678", true},
		{"1234567", "2134576", false}, {"1234567", "1235", false}, {"1234567", "7654321", false}, {"", "1", true}, {"", "12", false},
	} {
		if got := oneEdit(c.a, c.b); got != c.want {
			t.Errorf("oneEdit(%q, %q) = %v", c.a, c.b, got)
		}
	}
	if birthAgreement("19290509", "19290905") != "day and month swapped" || birthAgreement("19290509", "19295009") != "one character differs" ||
		birthAgreement("19290509", "19810509") != "different" {
		t.Error("birthAgreement")
	}
}

func TestRetyped(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"jeanne.martin", "jeanne.martni", true}, {"jeanne.martin", "jeane.martin", true}, {"jeanne.martin", "jeanne.marttin", true},
		{"yannick.david", "yannick.david.1", true}, {"sandra.muller", "sandra.huber", false}, {"j.martin", "p.durand", false},
		{"abc", "abd", false}, // alike by edits, not by Jaro-Winkler
	} {
		if got := retyped(c.a, c.b); got != c.want {
			t.Errorf("retyped(%q, %q) = %v (Jaro-Winkler %.3f)", c.a, c.b, got, JaroWinkler(c.a, c.b))
		}
	}
	for _, c := range []struct {
		a, b string
		k    int
		want bool
	}{{"martin", "martni", 1, true}, {"martin", "matrni", 1, false}, {"", "ab", 2, true}, {"", "abc", 2, false}, {"kitten", "sitting", 3, true}, {"kitten", "sitting", 2, false}} {
		if got := withinEdits(c.a, c.b, c.k); got != c.want {
			t.Errorf("withinEdits(%q, %q, %d) = %v", c.a, c.b, c.k, got)
		}
	}
}

func TestApartByLetters(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b  string
		apart bool
	}{
		{"sandra.muller", "sandra.huber", true},       // m, l, l and e, r against h, b, e: three letters each way
		{"jean.dupont", "jaen.dupont", false},         // a swap keeps every letter
		{"jean.dupont", "jean.dupond", false},         // one replaced
		{"jean.dupont", "jean.dupont59", false},       // two added
		{"jean.dupont", "jean.dupont595", true},       // three added
		{"élodie.roux", "elodie.roux.leclerc", false}, // not ASCII: left to the full comparison
	} {
		if got := apartByLetters(c.a, c.b, 2); got != c.apart {
			t.Errorf("apartByLetters(%q, %q, 2) = %v, want %v", c.a, c.b, got, c.apart)
		}
		if c.apart && withinEdits(c.a, c.b, 2) {
			t.Errorf("%q and %q are within 2 edits, yet called apart", c.a, c.b)
		}
	}
}
