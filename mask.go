package leakdesk

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Masking shows enough of a person's data to tell records apart, not to
// contact or identify the person. It is for roles that do not see personal
// data (see Role.SeesPersonalData).

// EventPersonalUnmasked is the timeline event of a principal unmasking one
// person's record (ActionPersonalUnmask), with the record and the reason.
const EventPersonalUnmasked = "personal.unmasked"

// PersonalUnmaskedPayload is the detail of EventPersonalUnmasked: whose
// record was shown, and why. The record's content is not repeated here.
type PersonalUnmaskedPayload struct {
	Reason    string `json:"reason"`
	Recipient string `json:"recipient"` // the recipient's key
}

// MaskEmail keeps the first letter of the local part and of the domain, and
// the top-level domain: "jean.dupont@exemple.fr" becomes "j***@e***.fr".
func MaskEmail(email string) string {
	local, domain, ok := strings.Cut(strings.TrimSpace(email), "@")
	if !ok {
		return MaskName(email)
	}
	masked := maskWord(local) + "@"
	if dot := strings.LastIndexByte(domain, '.'); dot > 0 {
		return masked + maskWord(domain[:dot]) + domain[dot:]
	}
	return masked + maskWord(domain)
}

// MaskPhone hides every digit but the last two, keeping the separators so
// that the number still reads as a number: "+33 6 12 34 56 78" becomes
// "+** * ** ** ** 78".
func MaskPhone(phone string) string {
	digits := 0
	for _, r := range phone {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	var b strings.Builder
	seen := 0
	for _, r := range phone {
		if unicode.IsDigit(r) {
			seen++
			if seen <= digits-2 {
				r = '*'
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MaskName keeps the first letter of each word: "Jean Dupont" becomes
// "J*** D***".
func MaskName(name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		words[i] = maskWord(w)
	}
	return strings.Join(words, " ")
}

// maskWord keeps the first rune and hides how long the rest was.
func maskWord(w string) string {
	if w == "" {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(w)
	return string(r) + "***"
}
