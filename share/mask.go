package share

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// Masker replaces personal data in free text by keyed hashes: the
// organisation, which holds the key, can tell whom a hash stands for; a
// CERT cannot, even by trying every known address.
type Masker struct {
	key    []byte
	values []string // known personal values, lower case, longest first
}

// NewMasker returns a masker hashing with the organisation's key.
func NewMasker(key []byte) *Masker { return &Masker{key: slices.Clone(key)} }

// minNamePart is the shortest part of a name masked on its own: shorter
// ones ("Li", "de") are too common to say who is meant.
const minNamePart = 3

// Learn adds the values of everyone the findings name: names and their
// parts, e-mail addresses and phone numbers.
func (m *Masker) Learn(f *leakdesk.Findings) {
	add := func(v string) {
		if v = strings.ToLower(strings.TrimSpace(v)); v != "" {
			m.values = append(m.values, v)
		}
	}
	addName := func(name string) {
		add(name)
		for _, part := range strings.Fields(name) {
			if len([]rune(part)) >= minNamePart {
				add(part)
			}
		}
	}
	for _, c := range f.Contacts {
		addName(c.Name)
		add(c.Email)
		add(c.Phone)
	}
	for _, people := range [][]leakdesk.LeakedPerson{f.Former, f.Unknown} {
		for _, p := range people {
			addName(p.Name)
			add(p.Email)
			add(p.Phone)
		}
	}
	slices.SortFunc(m.values, func(a, b string) int { return len(b) - len(a) })
	m.values = slices.Compact(m.values)
}

// Hash is the keyed hash that stands for a personal value.
func (m *Masker) Hash(value string) string {
	mac := hmac.New(sha256.New, m.key)
	mac.Write([]byte(strings.ToLower(strings.TrimSpace(value))))
	return "hmac-sha256:" + hex.EncodeToString(mac.Sum(nil))[:32]
}

var (
	emailPattern = regexp.MustCompile(`[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}`)
	// phonePattern is a run of at least 8 digits, in any common layout.
	phonePattern = regexp.MustCompile(`\+?\(?\d[\d ().-]{6,}\d`)
)

// Text masks free text: every known personal value, and anything that
// looks like an e-mail address or a phone number, becomes its keyed hash.
func (m *Masker) Text(s string) string {
	s = emailPattern.ReplaceAllStringFunc(s, m.bracketed)
	s = phonePattern.ReplaceAllStringFunc(s, func(v string) string {
		if digits(v) < 8 {
			return v
		}
		return m.bracketed(v)
	})
	for _, v := range m.values {
		s = replaceFold(s, v, m.bracketed)
	}
	return s
}

func (m *Masker) bracketed(v string) string { return "[" + m.Hash(v) + "]" }

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// replaceFold replaces every case-insensitive occurrence of the value v
// in s. A pattern, not lower-casing: folding may change the text's length.
func replaceFold(s, v string, with func(string) string) string {
	return regexp.MustCompile("(?i)"+regexp.QuoteMeta(v)).ReplaceAllStringFunc(s, func(string) string { return with(v) })
}
