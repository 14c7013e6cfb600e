package match

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// phoneLayouts reads the digits of a leaked phone number as a known E.164
// number written in any usual layout: national (with and without the
// trunk 0), with the country code, with 00, and with "+cc (0)". It keeps
// one key a number, its national significant number, and works out at
// lookup which national numbers the digits can be: storing every layout
// would cost six keys a number for a lookup barely quicker. A number
// found is checked against the digits, so that neither a fingerprint
// shared by chance nor a national number shared by two countries reads a
// number as another.
type phoneLayouts struct {
	callingCodes map[int]bool
	numbers      []string // E.164, in the order added
	national     keyIndex // national significant number -> index in numbers
}

func newPhoneLayouts() *phoneLayouts {
	return &phoneLayouts{callingCodes: phonenumbers.GetSupportedCallingCodes()}
}

// add makes e164's layouts known. Where two numbers share a layout, the
// one added first is read.
func (pl *phoneLayouts) add(e164 string) {
	if _, nsn, ok := pl.split(e164); ok {
		pl.national.add(fingerprint(keyForm, nsn), len(pl.numbers))
		pl.numbers = append(pl.numbers, e164)
	}
}

// build makes the table now, so that the keys gathered are freed before
// the scan.
func (pl *phoneLayouts) build() { pl.national.table() }

// find returns the number that digits write, if one is known: of those
// they write, the one added first.
func (pl *phoneLayouts) find(digits string) (string, bool) {
	t := pl.national.table()
	best := -1
	try := func(nsn string) {
		for _, i := range t.lookup(fingerprint(keyForm, nsn)) {
			if (best < 0 || int(i) < best) && pl.writes(digits, pl.numbers[i]) {
				best = int(i)
			}
		}
	}
	// nsn and 0nsn
	try(digits)
	if rest, ok := strings.CutPrefix(digits, "0"); ok {
		try(rest)
	}
	// cc nsn and cc 0 nsn, with or without 00
	for _, intl := range []string{digits, "00"} {
		if intl == "00" {
			rest, ok := strings.CutPrefix(digits, "00")
			if !ok {
				break
			}
			intl = rest
		}
		for n := 1; n <= 3 && n < len(intl); n++ {
			if pl.isCallingCode(intl[:n]) {
				try(intl[n:])
				if rest, ok := strings.CutPrefix(intl[n:], "0"); ok {
					try(rest)
				}
			}
		}
	}
	if best < 0 {
		return "", false
	}
	return pl.numbers[best], true
}

func (pl *phoneLayouts) isCallingCode(digits string) bool {
	code, err := strconv.Atoi(digits)
	return err == nil && pl.callingCodes[code]
}

// split cuts an E.164 number into its country calling code and national
// significant number. Calling codes are a prefix code (ITU-T E.164): at
// most one of the first three digit prefixes is one.
func (pl *phoneLayouts) split(e164 string) (cc, nsn string, ok bool) {
	if len(e164) < 3 || e164[0] != '+' {
		return "", "", false
	}
	for n := 1; n <= 3 && n < len(e164)-1; n++ {
		if pl.isCallingCode(e164[1 : 1+n]) {
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
