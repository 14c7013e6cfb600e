package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"

	"github.com/leakdesk/leakdesk/dump"
)

// Normaliser puts values in the form they are compared in.
type Normaliser struct {
	region     string
	legalForms map[string]bool
	stopWords  map[string]bool
	// publicBodies maps ways of naming a town's administration to one form:
	// "Mairie de Brest" and "Ville de Brest" are the same body.
	publicBodies map[string]string
	streetTypes  map[string]string // abbreviation -> full form
}

// NewNormaliser returns a normaliser whose phone numbers without a country
// code are read in region (ISO 3166, e.g. FR).
func NewNormaliser(region string) *Normaliser {
	set := func(words string) map[string]bool {
		m := map[string]bool{}
		for _, w := range strings.Fields(words) {
			m[w] = true
		}
		return m
	}
	return &Normaliser{
		region: strings.ToUpper(region),
		legalForms: set(`sa sas sasu sarl eurl sci snc scop selarl gie gmbh ag kg ohg ug co ltd limited plc llp llc inc corp corporation
			srl spa bv nv sprl asbl vzw ab as oy kft sl sàrl sarl sa`),
		stopWords:    set(`le la les l de du des d the of and et und`),
		streetTypes:  streetAbbreviations(),
		publicBodies: map[string]string{"mairie": "ville", "commune": "ville", "town": "ville", "city": "ville", "stadt": "ville", "gemeente": "ville", "comune": "ville", "ayuntamiento": "ville"},
	}
}

// fold lower-cases and strips accents: "Élodie" becomes "elodie".
func fold(s string) string { return dump.Fold(s) }

// Email returns an address in lower case without its surroundings:
// "mailto:", angle brackets, quotes, a display name. It reports false for
// what is not an address.
func (n *Normaliser) Email(s string) (string, bool) {
	s = strings.TrimSpace(s)
	// Most addresses of a dump are written as they are compared: they are
	// only checked, without the peeling, the search for spaces by rune and
	// the Unicode normalisation that the others need.
	plain := plainAddress(s)
	if !plain {
		var ok bool
		if s, ok = peelAddress(s); !ok {
			return "", false
		}
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || !plain && strings.ContainsFunc(s, isSpaceOrControl) {
		return "", false
	}
	domain := s[at+1:]
	if dot := strings.LastIndexByte(domain, '.'); dot < 1 || dot > len(domain)-3 {
		return "", false
	}
	if !plain {
		s = norm.NFC.String(s)
	}
	if len(s) > maxEmail {
		return "", false
	}
	return s, true
}

// addressWrapping is what Email peels off around an address.
const addressWrapping = `"'<>()[],;`

// plainAddress reports whether Email's peeling would leave s as it is:
// ASCII without capitals, spaces, controls, '<' or "mailto:", and nothing
// to trim at either end. Such text is in NFC already.
func plainAddress(s string) bool {
	if s == "" || len(s) > maxEmail || strings.HasPrefix(s, "mailto:") ||
		strings.IndexByte(addressWrapping, s[0]) >= 0 || strings.IndexByte(addressWrapping, s[len(s)-1]) >= 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= utf8.RuneSelf-1 || c >= 'A' && c <= 'Z' || c == '<' {
			return false // a space or a control (DEL is 0x7F), not ASCII, a capital, a display name
		}
	}
	return true
}

// peelAddress takes an address out of what wraps it, in lower case, or
// reports false for what cannot be one.
func peelAddress(s string) (string, bool) {
	if len(s) > 1024 || !utf8.ValidString(s) {
		// An address is at most 254 bytes (RFC 5321), even wrapped in a
		// display name, and it is text: lower-casing would turn each stray
		// byte into a three-byte U+FFFD and change the value on every pass.
		return "", false
	}
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			s = s[i+1 : i+j]
		}
	}
	// Quotes, brackets and "mailto:" wrap each other in any order; peel them
	// until nothing changes, so that the result is stable.
	for {
		peeled := strings.TrimPrefix(strings.ToLower(strings.Trim(strings.TrimSpace(s), addressWrapping)), "mailto:")
		if peeled == s {
			return s, true
		}
		s = peeled
	}
}

// maxEmail is the longest address SMTP carries (RFC 5321, 4.5.3.1.3).
const maxEmail = 254

// isSpaceOrControl reports the runes no address may hold, wherever they sit:
// trimming quotes can bare a vertical tab that trimming spaces missed.
func isSpaceOrControl(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// EmailAlias returns the form providers deliver to the same mailbox: no
// "+tag", and for Gmail no dots. It is a weaker sign than equality.
func EmailAlias(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok {
		return email
	}
	gmail := domain == "gmail.com" || domain == "googlemail.com"
	i := strings.IndexByte(local, '+')
	if i <= 0 && !gmail {
		return email // the common case, read once per leaked row: no copy
	}
	if i > 0 {
		local = local[:i]
	}
	if gmail {
		local, domain = strings.ReplaceAll(local, ".", ""), "gmail.com"
	}
	return local + "@" + domain
}

// Phone returns a number in E.164 (+33612345678), reading numbers without
// a country code in the normaliser's region. It reports false for what is
// not a valid number.
func (n *Normaliser) Phone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 64 {
		return "", false // no number is written so long; libphonenumber's patterns would crawl
	}
	if !plausibleDigits(s) {
		return "", false
	}
	// "+33 (0)1 ..." writes the trunk prefix that international dialling drops.
	s = strings.Replace(s, "(0)", "", 1)
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	num, err := phonenumbers.Parse(s, n.region)
	// A number of the right length in a range libphonenumber does not know
	// (an overseas mobile written with +33) is still the contact's: a
	// registry that dropped it would miss every row that holds only it.
	// The length is asked first: it is cheap, and the ranges, matched by
	// regular expressions, are then asked only of numbers of a wrong length.
	if err != nil || !phonenumbers.IsPossibleNumber(num) && !phonenumbers.IsValidNumber(num) {
		return "", false
	}
	// The result is held to the same bounds as what was written, or a
	// second pass could refuse it: dropping "00" or a trunk 0 shortens it.
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	if !plausibleDigits(e164) {
		return "", false
	}
	return e164, true
}

// plausibleDigits reports whether s holds as many digits as a phone number
// can: E.164 allows 15, and prefixes written around them add a few.
func plausibleDigits(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	return digits >= 8 && digits <= 17
}

// Emails normalises the non-empty values and counts those that are not
// addresses.
func (n *Normaliser) Emails(values []string) (valid []string, invalid int) {
	return normaliseAll(values, n.Email)
}

// Phones normalises the non-empty values and counts those that are not
// valid numbers.
func (n *Normaliser) Phones(values []string) (valid []string, invalid int) {
	return normaliseAll(values, n.Phone)
}

func normaliseAll(values []string, normalise func(string) (string, bool)) (valid []string, invalid int) {
	for _, v := range values {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if out, ok := normalise(v); ok {
			valid = append(valid, out)
		} else {
			invalid++
		}
	}
	return valid, invalid
}

// NameTokens returns the words of a person's name, folded: "Anne-Sophie
// DE LA FONTAINE" gives anne, sophie, de, la, fontaine.
func NameTokens(s string) []string {
	return strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) })
}

// Org returns the words that name an organisation: folded, without legal
// forms or articles, with the ways of naming a town's administration made
// one: "La Mairie de Saint-Étienne" and "Ville de St Etienne" give
// "ville saint etienne" and "ville st etienne".
func (n *Normaliser) Org(s string) string {
	var out []string
	// Dotted abbreviations are one word: "S.A.R.L." is "sarl", "St." is "st".
	for _, w := range strings.FieldsFunc(strings.ReplaceAll(fold(s), ".", ""), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		if n.legalForms[w] || n.stopWords[w] {
			continue
		}
		if canonical, ok := n.publicBodies[w]; ok {
			w = canonical
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// soundexCode is a letter's Soundex digit, or 0 for the letters that have
// none (vowels, h, w, y).
func soundexCode(r rune) byte {
	switch r {
	case 'b', 'f', 'p', 'v':
		return '1'
	case 'c', 'g', 'j', 'k', 'q', 's', 'x', 'z':
		return '2'
	case 'd', 't':
		return '3'
	case 'l':
		return '4'
	case 'm', 'n':
		return '5'
	case 'r':
		return '6'
	}
	return 0
}

// Soundex is the classic phonetic key, on folded letters: names that sound
// alike share it, which blocks together re-typed surnames.
func Soundex(s string) string {
	var out []byte
	var last byte
	for _, r := range fold(s) {
		if r < 'a' || r > 'z' {
			continue
		}
		code := soundexCode(r)
		if len(out) == 0 {
			out = append(out, byte(r-'a'+'A'))
			last = code
			continue
		}
		if code != 0 && code != last {
			out = append(out, code)
		}
		if r != 'h' && r != 'w' {
			last = code
		}
		if len(out) == 4 {
			break
		}
	}
	if len(out) == 0 {
		return ""
	}
	for len(out) < 4 {
		out = append(out, '0')
	}
	return string(out)
}
