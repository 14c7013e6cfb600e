package dump

import (
	"strconv"
	"strings"
)

// digitsOnly returns s without spaces, dots and dashes, and whether what is
// left is all digits.
func digitsOnly(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == ' ' || c == '.' || c == '-':
		default:
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}

// luhn checks the Luhn checksum used by payment cards, SIREN and SIRET.
func luhn(digits string) bool {
	sum, double := 0, false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// validCard checks a payment card number: 13 to 19 digits, a known network
// prefix and the Luhn checksum.
func validCard(s string) bool {
	d, ok := digitsOnly(s)
	if !ok || len(d) < 13 || len(d) > 19 || !luhn(d) {
		return false
	}
	switch {
	case d[0] == '4': // Visa
	case d[:2] >= "51" && d[:2] <= "55", d[:4] >= "2221" && d[:4] <= "2720": // Mastercard
	case d[:2] == "34" || d[:2] == "37": // American Express
	case d[:4] == "6011" || d[:2] == "65": // Discover
	case d[:2] == "35": // JCB
	default:
		return false
	}
	return true
}

// validSIREN checks a French company number: 9 digits, Luhn.
func validSIREN(s string) bool {
	d, ok := digitsOnly(s)
	return ok && len(d) == 9 && luhn(d) && d != "000000000"
}

// validSIRET checks a French establishment number: 14 digits, Luhn; La
// Poste's establishments (SIREN 356000000) use a digit sum instead.
func validSIRET(s string) bool {
	d, ok := digitsOnly(s)
	if !ok || len(d) != 14 {
		return false
	}
	if strings.HasPrefix(d, "356000000") {
		sum := 0
		for i := range d {
			sum += int(d[i] - '0')
		}
		return sum%5 == 0
	}
	return luhn(d) && validSIREN(d[:9])
}

// validIBAN checks the ISO 13616 mod-97 checksum.
func validIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 15 || len(s) > 34 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' || s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9' {
		return false
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// validNIR checks a French social security number: 13 digits and a 2-digit
// key, 97 - (number mod 97). Corsica writes its departments 2A and 2B,
// which count as 19 and 18 for the key.
func validNIR(s string) bool {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' {
			return -1 // the separators people write between the parts
		}
		return r
	}, s))
	if len(s) != 15 || (s[0] != '1' && s[0] != '2' && s[0] != '7' && s[0] != '8') {
		return false
	}
	body := s[:13]
	switch body[5:7] {
	case "2A":
		body = body[:5] + "19" + body[7:]
	case "2B":
		body = body[:5] + "18" + body[7:]
	}
	n, err := strconv.ParseInt(body, 10, 64)
	if err != nil {
		return false
	}
	key, err := strconv.ParseInt(s[13:], 10, 64)
	return err == nil && key == 97-n%97
}
