package watch

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// phoneReader reads a cell as a phone number's E.164 form for a sketch,
// as match.Normaliser.Phone does, but from libphonenumber's metadata
// alone: its parser runs regular expressions that cost far more than
// reading the row, on every number of a leak, and a leak's numbers are
// mostly distinct, so no cache saves them. A sketch needs every layout of
// a number to give one value, and only a possible number to give any.
//
// A phoneReader is not safe for use by several goroutines.
type phoneReader struct {
	region   string
	regionCC string // the region's calling code, as digits
	trunk    string // the region's trunk prefix ("0" in France), or ""
	// possibleLengths remembers libphonenumber's answer, which depends on
	// the calling code and the national number's length alone. It and
	// codes are arrays indexed by the calling code, which has at most
	// three digits: a map lookup cost more than the rest of a cell.
	possibleLengths *[1000][maxPhoneDigits + 1]possibility
	codes           *[1000]callingCode
}

// possibility is libphonenumber's answer for a length, once asked.
type possibility uint8

const (
	notAsked possibility = iota
	possibleLength
	impossibleLength
)

func newPhoneReader(region string) phoneReader {
	region = strings.ToUpper(region)
	cc := phonenumbers.GetCountryCodeForRegion(region)
	return phoneReader{region: region, regionCC: strconv.Itoa(cc), trunk: phonenumbers.GetNddPrefixForRegion(region, true), possibleLengths: new([1000][maxPhoneDigits + 1]possibility), codes: new([1000]callingCode)}
}

// phone returns the E.164 form of the number cell holds, if it is one.
// What follows a letter or '#' is an extension, or not a number.
func (r phoneReader) phone(cell string) (string, bool) {
	cell = strings.TrimSpace(cell)
	if len(cell) > 64 {
		return "", false
	}
	if i := strings.IndexFunc(cell, isExtensionMark); i >= 0 {
		cell = cell[:i]
	}
	// "+33 (0)1 ..." writes the trunk prefix that international dialling drops.
	cell = strings.Replace(cell, "(0)", "", 1)
	var buf [maxPhoneDigits]byte
	digits := buf[:0]
	for i := 0; i < len(cell); i++ {
		if c := cell[i]; c >= '0' && c <= '9' {
			if len(digits) == maxPhoneDigits {
				return "", false
			}
			digits = append(digits, c)
		}
	}
	if len(digits) < 8 {
		return "", false
	}
	switch {
	case strings.HasPrefix(cell, "+"):
		return r.international(string(digits))
	case strings.HasPrefix(cell, "00"):
		return r.international(string(digits[2:]))
	}
	national := string(digits)
	if rest, ok := dropTrunk(national, r.trunk); ok {
		if e164, ok := r.possible(r.regionCC, rest); ok {
			return e164, true
		}
	}
	if e164, ok := r.possible(r.regionCC, national); ok {
		return e164, true
	}
	// A number written with its country code but neither "+" nor "00".
	if rest, ok := strings.CutPrefix(national, r.regionCC); ok {
		return r.possible(r.regionCC, rest)
	}
	return "", false
}

// maxPhoneDigits is the most digits a phone number is read with: E.164's
// 15 and a written trunk 0 or 00.
const maxPhoneDigits = 17

func isExtensionMark(c rune) bool {
	return c == '#' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// international reads digits that follow "+" or "00": a calling code,
// which no other calling code begins, then the national number, from
// which a trunk prefix written out of habit is dropped.
func (r phoneReader) international(digits string) (string, bool) {
	for n := 1; n <= 3 && n < len(digits); n++ {
		cc, rest := digits[:n], digits[n:]
		code := r.callingCode(cc)
		if !code.known {
			continue
		}
		if national, ok := dropTrunk(rest, code.trunk); ok {
			if e164, ok := r.possible(cc, national); ok {
				return e164, true
			}
		}
		return r.possible(cc, rest)
	}
	return "", false
}

// callingCode is what a reader needs to know of a calling code.
type callingCode struct {
	looked bool   // libphonenumber's metadata was looked up
	known  bool   // a calling code libphonenumber knows
	trunk  string // the trunk prefix of its main region, or ""
}

// callingCode looks cc, one to three digits, up in libphonenumber's
// metadata once.
func (r phoneReader) callingCode(cc string) callingCode {
	code, _ := strconv.Atoi(cc)
	c := &r.codes[code]
	if !c.looked {
		c.looked = true
		if region := phonenumbers.GetRegionCodeForCountryCode(code); region != phonenumbers.UNKNOWN_REGION {
			c.known, c.trunk = true, phonenumbers.GetNddPrefixForRegion(region, true)
		}
	}
	return *c
}

// dropTrunk returns number without its leading trunk prefix. A number
// that would still begin with one keeps it, so that an E.164 form read
// again is read as itself.
func dropTrunk(number, trunk string) (string, bool) {
	rest, ok := strings.CutPrefix(number, trunk)
	if !ok || trunk == "" || strings.HasPrefix(rest, trunk) {
		return "", false
	}
	return rest, true
}

// possible returns the E.164 form of national number nsn in calling code
// cc if libphonenumber deems its length possible there.
func (r phoneReader) possible(cc, nsn string) (string, bool) {
	if nsn == "" {
		return "", false
	}
	code, err := strconv.Atoi(cc)
	if err != nil || code >= len(r.codes) || len(nsn) > maxPhoneDigits {
		return "", false
	}
	significant := strings.TrimLeft(nsn, "0")
	length := len(nsn)
	if significant == "" {
		length = 1 // libphonenumber keeps no leading zero of a zero
	}
	answer := &r.possibleLengths[code][length]
	if *answer == notAsked {
		*answer = impossibleLength
		if r.isPossible(code, nsn, len(nsn)-len(significant)) {
			*answer = possibleLength
		}
	}
	if *answer != possibleLength {
		return "", false
	}
	e164 := "+" + cc + nsn
	return e164, len(e164) >= 9 // at least 8 digits, as the normaliser holds
}

// isPossible asks libphonenumber whether national number nsn, with zeros
// leading zeros, is of a possible length in calling code.
func (r phoneReader) isPossible(code int, nsn string, zeros int) bool {
	nn, err := strconv.ParseUint(nsn, 10, 64)
	if err != nil {
		return false
	}
	num := &phonenumbers.PhoneNumber{CountryCode: proto32(int32(code)), NationalNumber: &nn}
	if zeros > 0 && nn != 0 {
		// An Italian number keeps its leading zero in E.164.
		italian, count := true, int32(zeros)
		num.ItalianLeadingZero, num.NumberOfLeadingZeros = &italian, &count
	}
	return phonenumbers.IsPossibleNumber(num)
}

func proto32(v int32) *int32 { return &v }
