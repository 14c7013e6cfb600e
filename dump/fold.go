package dump

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases and strips accents, and spells out the letters that have
// no accent to strip: "Élodie" gives "elodie", "Groß" gives "gross",
// "Œuvre" gives "oeuvre". Names and headers are compared folded.
//
// It runs for every name of every row a leak holds, so ASCII text, the
// common case, costs one pass and no allocation when already lower-case.
func Fold(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r): // the accents NFD set apart
		case r == 'ß':
			b.WriteString("ss")
		case r == 'æ':
			b.WriteString("ae")
		case r == 'œ':
			b.WriteString("oe")
		case r == 'ø':
			b.WriteByte('o')
		case r == 'ł':
			b.WriteByte('l')
		default:
			b.WriteRune(r)
		}
	}
	// Scripts whose letters NFD splits into letters, such as Hangul, are
	// put back together.
	return norm.NFC.String(b.String())
}
