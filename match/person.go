package match

import (
	"strconv"
	"strings"
	"unicode"
)

// Person records carry more than contact details: a date of birth, an
// identity number, a postal address. This file reads and compares them.

// Birth returns a date of birth as YYYYMMDD, read from the ways people
// write it: 1985-03-14, 19850314, 14/03/1985, 14.03.1985, 14-03-1985. Day
// first is assumed, as in Europe, unless the first part cannot be a month.
// It reports false for what is not a date.
func Birth(s string) (string, bool) {
	s = strings.TrimSpace(s)
	var y, m, d int
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' || r == ' ' })
	switch {
	case len(parts) == 1 && len(s) == 8 && allDigits(s):
		y, m, d = atoi(s[:4]), atoi(s[4:6]), atoi(s[6:])
	case len(parts) == 3 && len(parts[0]) == 4:
		y, m, d = atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	case len(parts) == 3 && len(parts[2]) == 4:
		d, m, y = atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
		if m > 12 && d <= 12 {
			d, m = m, d // month first, as in the United States
		}
	default:
		return "", false
	}
	if y < 1850 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return "", false
	}
	return strconv.Itoa(y) + pad2(m) + pad2(d), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// atoi reads digits, or -1 for anything else.
func atoi(s string) int {
	if !allDigits(s) || len(s) > 4 {
		return -1
	}
	n, _ := strconv.Atoi(s)
	return n
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Identifier returns an identity number, a postcode or any code as letters
// and digits only, in upper case: "1 85 03 75 123 456 78" and "185037512345678"
// are one number.
func Identifier(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r >= 'a' && r <= 'z':
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// AddressTokens returns the folded words of a postal address, street types
// spelt in full: "12 Av. de la République" gives 12, avenue, republique.
func (n *Normaliser) AddressTokens(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		if full, ok := n.streetTypes[w]; ok {
			w = full
		}
		if n.stopWords[w] {
			continue
		}
		out = append(out, w)
	}
	return out
}

// streetAbbreviations maps the short forms of street types to their full
// form, in the languages the registry's countries write.
func streetAbbreviations() map[string]string {
	return map[string]string{
		"av": "avenue", "ave": "avenue", "bd": "boulevard", "bld": "boulevard", "blvd": "boulevard", "r": "rue", "ch": "chemin", "che": "chemin",
		"pl": "place", "all": "allee", "imp": "impasse", "rte": "route", "fg": "faubourg", "sq": "square", "qu": "quai",
		"st": "street", "str": "strasse", "rd": "road", "ln": "lane", "dr": "drive", "ct": "court", "hwy": "highway",
	}
}

// birthAgreement compares two dates of birth: equal, close (one typing
// error, or day and month swapped), or different. Dates that could not be
// read are compared as written, since a typing error is what made them
// unreadable.
func birthAgreement(a, b string) string {
	switch {
	case a == b:
		return "equal"
	case len(a) == 8 && len(b) == 8 && a[:4] == b[:4] && a[4:6] == b[6:8] && a[6:8] == b[4:6]:
		return "day and month swapped"
	case oneEdit(a, b):
		return "one character differs"
	}
	return "different"
}

// oneEdit reports strings one typing error apart: a character replaced,
// inserted or deleted, or two neighbours swapped. Codes suffer these.
func oneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if i == len(a) {
			return true
		}
		if a[i+1:] == b[i+1:] {
			return true // replaced
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] // swapped
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return a[i:] == b[i+1:] // inserted in b, or deleted from a
	}
	return false
}

// addressSimilarity is the share of the shorter address's words found in
// the other, a word matching one within a typing error of it.
func addressSimilarity(a, b []string) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) == 0 {
		return 0
	}
	found := 0
	for _, w := range a {
		for _, v := range b {
			if w == v || len(w) > 3 && JaroWinkler(w, v) >= 0.9 {
				found++
				break
			}
		}
	}
	return float64(found) / float64(len(a))
}
