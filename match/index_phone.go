package match

import (
	"strings"
	"unsafe"

	"github.com/nyaruka/phonenumbers"
)

// phoneLayouts reads the digits of a leaked phone number as a known E.164
// number written in any usual layout: national (with and without the
// trunk 0), with the country code, with 00, and with "+cc (0)". It keeps
// one key a number, its national significant number, and works out at
// lookup which national numbers the digits can be. Keeping the six
// layouts of every number instead costs about 150 bytes a contact more,
// for a lookup about a third quicker (docs/registry-index.md). A number
// found is checked against the digits, so that neither a fingerprint
// shared by chance nor a national number shared by two countries reads a
// number as another.
type phoneLayouts struct {
	callingCodes [1000]bool
	// numbers are the E.164 numbers, in the order added, one after the
	// other: number i ends at ends[i+1]. An index file holds them so.
	numbers  []byte
	ends     []uint32 // ends[0] is 0
	national keyIndex // national significant number -> index in numbers
	filtered filteredIndex
}

func newPhoneLayouts() *phoneLayouts {
	pl := &phoneLayouts{ends: []uint32{0}}
	for code := range phonenumbers.GetSupportedCallingCodes() {
		if code > 0 && code < len(pl.callingCodes) {
			pl.callingCodes[code] = true
		}
	}
	return pl
}

// add makes e164's layouts known. Where two numbers share a layout, the
// one added first is read.
func (pl *phoneLayouts) add(e164 string) {
	if _, nsn, ok := pl.split(e164); ok {
		pl.national.add(fingerprint(keyForm, nsn), pl.count())
		pl.numbers = append(pl.numbers, e164...)
		pl.ends = append(pl.ends, uint32(len(pl.numbers)))
	}
}

// count is how many numbers are known.
func (pl *phoneLayouts) count() int { return len(pl.ends) - 1 }

// number returns number i. Its bytes are never written again (numbers is
// only appended to), so the string is read in place.
func (pl *phoneLayouts) number(i int) string {
	from, to := pl.ends[i], pl.ends[i+1]
	if from == to {
		return ""
	}
	return unsafe.String(&pl.numbers[from], int(to-from))
}

// build makes the table now, so that the keys gathered are freed before
// the scan.
func (pl *phoneLayouts) build() { pl.filtered.table(&pl.national) }

// find returns the number that digits write, if one is known: of those
// they write, the one added first.
func (pl *phoneLayouts) find(digits string) (string, bool) {
	best := -1
	// try looks nsn up: a number found is written by the digits if its
	// national number is nsn and, when the digits give a country code
	// cc, its country code is cc.
	try := func(cc, nsn string) {
		for _, i := range pl.filtered.lookup(&pl.national, fingerprint(keyForm, nsn)) {
			if best >= 0 && int(i) >= best {
				continue
			}
			if ncc, nnsn, ok := pl.split(pl.number(int(i))); ok && nnsn == nsn && (cc == "" || ncc == cc) {
				best = int(i)
			}
		}
	}
	// nsn and 0nsn
	try("", digits)
	if rest, ok := strings.CutPrefix(digits, "0"); ok {
		try("", rest)
	}
	// cc nsn and cc 0 nsn, with or without 00
	intl := digits
	for range 2 {
		for n := 1; n <= 3 && n < len(intl); n++ {
			if pl.isCallingCode(intl[:n]) {
				try(intl[:n], intl[n:])
				if rest, ok := strings.CutPrefix(intl[n:], "0"); ok {
					try(intl[:n], rest)
				}
			}
		}
		rest, ok := strings.CutPrefix(digits, "00")
		if !ok {
			break
		}
		intl = rest
	}
	if best < 0 {
		return "", false
	}
	return pl.number(best), true
}

// phoneForms are tables of layouts, in the order their numbers were made
// known: a registry's current numbers, then those held before, then the
// past's. Of the numbers the digits write, the one made known first is
// read.
type phoneForms []*phoneLayouts

func (pf phoneForms) find(digits string) (string, bool) {
	for _, pl := range pf {
		if e164, ok := pl.find(digits); ok {
			return e164, true
		}
	}
	return "", false
}

// isCallingCode reports whether digits (one to three) are a country
// calling code; none begins with 0.
func (pl *phoneLayouts) isCallingCode(digits string) bool {
	if digits == "" || digits[0] == '0' {
		return false
	}
	code := 0
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
		code = code*10 + int(digits[i]-'0')
	}
	return pl.callingCodes[code]
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
