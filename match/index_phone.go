package match

import (
	"strconv"

	"github.com/nyaruka/phonenumbers"
)

// phoneLayouts reads the digits of a leaked phone number as a known E.164
// number written in any usual layout: national (with and without the
// trunk 0), with the country code, with 00, and with "+cc (0)". It keeps
// each layout as a fingerprint, not as text, and checks a number found
// against the digits, so that a fingerprint shared by chance never reads
// a number as another.
type phoneLayouts struct {
	callingCodes map[int]bool
	numbers      []string // E.164, in the order added
	forms        keyIndex // layout fingerprint -> index in numbers
}

func newPhoneLayouts() *phoneLayouts {
	return &phoneLayouts{callingCodes: phonenumbers.GetSupportedCallingCodes()}
}

// add makes e164's layouts known. Where two numbers share a layout, the
// one added first is read.
func (pl *phoneLayouts) add(e164 string) {
	cc, nsn, ok := pl.split(e164)
	if !ok {
		return
	}
	i := len(pl.numbers)
	pl.numbers = append(pl.numbers, e164)
	for _, form := range layouts(cc, nsn) {
		pl.forms.add(fingerprint(keyForm, form...), i)
	}
}

// find returns the number that digits write, if one is known.
func (pl *phoneLayouts) find(digits string) (string, bool) {
	for _, i := range pl.forms.table().lookup(fingerprint(keyForm, digits)) {
		if e164 := pl.numbers[i]; pl.writes(digits, e164) {
			return e164, true
		}
	}
	return "", false
}

// split cuts an E.164 number into its country calling code and national
// significant number. Calling codes are a prefix code (ITU-T E.164): at
// most one of the first three digit prefixes is one.
func (pl *phoneLayouts) split(e164 string) (cc, nsn string, ok bool) {
	if len(e164) < 3 || e164[0] != '+' {
		return "", "", false
	}
	for n := 1; n <= 3 && n < len(e164)-1; n++ {
		if code, err := strconv.Atoi(e164[1 : 1+n]); err == nil && pl.callingCodes[code] {
			return e164[1 : 1+n], e164[1+n:], true
		}
	}
	return "", "", false
}

// writes reports whether digits are e164 in one of its layouts.
func (pl *phoneLayouts) writes(digits, e164 string) bool {
	cc, nsn, ok := pl.split(e164)
	if !ok {
		return false
	}
	for _, form := range layouts(cc, nsn) {
		if isConcat(digits, form) {
			return true
		}
	}
	return false
}

// layouts are the pieces of each usual way of writing a number.
func layouts(cc, nsn string) [6][]string {
	return [6][]string{{nsn}, {"0", nsn}, {cc, nsn}, {"00", cc, nsn}, {cc, "0", nsn}, {"00", cc, "0", nsn}}
}

// isConcat reports whether s is the pieces joined, without joining them.
func isConcat(s string, pieces []string) bool {
	for _, p := range pieces {
		if len(s) < len(p) || s[:len(p)] != p {
			return false
		}
		s = s[len(p):]
	}
	return s == ""
}
