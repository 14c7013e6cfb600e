package match

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNormalise feeds arbitrary text to the normalisers, which read
// untrusted leak values: they must not panic, and what they accept must be
// stable under a second pass.
func FuzzNormalise(f *testing.F) {
	for _, s := range []string{`"Jeanne" <j@x.fr>`, "mailto:A@B.CO", "+33 (0)1 23 45 67 89", "0033 6 12 34 56 78", "Mairie de Saint-Étienne S.A.R.L.", "Ã©", "@@", "+"} {
		f.Add(s)
	}
	n := NewNormaliser("FR")
	f.Fuzz(func(t *testing.T, s string) {
		if e, ok := n.Email(s); ok {
			if again, ok := n.Email(e); !ok || again != e {
				t.Fatalf("Email(%q) = %q, then %q", s, e, again)
			}
			if !strings.Contains(e, "@") {
				t.Fatalf("Email(%q) = %q has no @", s, e)
			}
		}
		if p, ok := n.Phone(s); ok {
			if again, ok := n.Phone(p); !ok || again != p {
				t.Fatalf("Phone(%q) = %q, then %q", s, p, again)
			}
		}
		if o := n.Org(s); utf8.ValidString(s) && !utf8.ValidString(o) {
			t.Fatalf("Org(%q) = %q is not valid UTF-8", s, o)
		}
		if b, ok := Birth(s); ok {
			if again, ok := Birth(b); !ok || again != b {
				t.Fatalf("Birth(%q) = %q, then %q", s, b, again)
			}
		}
		if !oneEdit(s, s) || oneEdit(s, s+"ab") {
			t.Fatalf("oneEdit(%q) is wrong about itself", s)
		}
		if utf8.RuneCountInString(s) <= 64 && (!withinEdits(s, s, 0) || withinEdits(s, s+"abc", 2) || !withinEdits(s, s+"ab", 2)) {
			t.Fatalf("withinEdits(%q) is wrong about itself", s)
		}
		if a, b := s[:len(s)/2], s[len(s)/2:]; utf8.RuneCountInString(s) <= 64 && apartByLetters(a, b, 2) && withinEdits(a, b, 2) {
			t.Fatalf("apartByLetters(%q, %q) but they are within 2 edits", a, b)
		}
		n.AddressTokens(s)
		NameTokens(s)
		Soundex(s)
		JaroWinkler(s, strings.ToUpper(s))
	})
}
