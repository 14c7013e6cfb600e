package dump

import (
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// cleanCell repairs mojibake and normalises to NFC. It reports whether the
// cell was repaired; NFC alone does not count as a repair. ASCII cells, the
// vast majority, return at once.
func cleanCell(s string) (string, bool) {
	suspect, denormal, nonASCII := scanText(s)
	// Formats read without blocks (SQL, key-value) can carry stray
	// Windows-1252 bytes in UTF-8 text, which scanText does not check.
	invalid := nonASCII && !utf8.ValidString(s)
	if !suspect && !denormal && !invalid {
		return s, false
	}
	repaired := false
	if invalid {
		b, _ := fixInvalidUTF8([]byte(s))
		s, suspect, repaired = string(b), true, true
	}
	// Text can be double-encoded more than once; three layers is plenty.
	for i := 0; i < 3 && suspect; i++ {
		fixed, ok := undoMojibake(s)
		if !ok {
			break
		}
		s, repaired = fixed, true
	}
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	return s, repaired
}

// scanText looks at text known to be valid UTF-8, such as a block, once.
// suspect means it may hold mojibake: the UTF-8 of U+00C2-U+00F4 (C3 82-B4,
// what a UTF-8 lead byte becomes when read as Windows-1252) followed by a
// character a continuation byte becomes (C2, C5, C6, CB or E2 lead bytes).
// denormal means NFC may change it: characters from U+0300 up, where
// combining marks live. Letters up to U+02FF are always NFC. nonASCII
// reports any byte from 0x80. Words of eight ASCII bytes are skipped at
// once, also between the letters of a text with a few accents, such as a
// block of names.
func scanText(s string) (suspect, denormal, nonASCII bool) {
	for i := 0; i < len(s); {
		if i+8 <= len(s) && (uint64(s[i])|uint64(s[i+1])<<8|uint64(s[i+2])<<16|uint64(s[i+3])<<24|
			uint64(s[i+4])<<32|uint64(s[i+5])<<40|uint64(s[i+6])<<48|uint64(s[i+7])<<56)&0x8080808080808080 == 0 {
			i += 8
			continue
		}
		c := s[i]
		i++
		if c < utf8.RuneSelf {
			continue
		}
		nonASCII = true
		switch {
		case c == 0xC3 && i+1 < len(s) && s[i] >= 0x82 && s[i] <= 0xB4:
			switch s[i+1] {
			case 0xC2, 0xC5, 0xC6, 0xCB, 0xE2:
				suspect = true
			}
		case c >= 0xCC:
			denormal = true
		}
		if suspect && denormal {
			break
		}
	}
	return suspect, denormal, nonASCII
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// undoMojibake reverses one layer of UTF-8 read as Windows-1252 or Latin-1:
// "Ã©" becomes "é". It succeeds only when every character maps back to a
// single byte and those bytes form valid UTF-8 that differs from the input,
// which legitimate text almost never does: "é" maps to the lone byte 0xE9,
// which is not valid UTF-8.
func undoMojibake(s string) (string, bool) {
	buf := make([]byte, 0, len(s))
	multi := false
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			buf = append(buf, byte(r))
		case r <= 0xFF && (r >= 0xA0 || r >= 0x80 && r <= 0x9F):
			// Latin-1 range, including C1 controls that Latin-1 mojibake leaves.
			if b, ok := charmap.Windows1252.EncodeRune(r); ok && r >= 0xA0 {
				buf = append(buf, b)
			} else {
				buf = append(buf, byte(r))
			}
			multi = true
		default:
			b, ok := charmap.Windows1252.EncodeRune(r) // € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ' ' " " • – — ˜ ™ š › œ ž Ÿ
			if !ok {
				return "", false
			}
			buf = append(buf, b)
			multi = true
		}
	}
	if !multi || !utf8.Valid(buf) {
		return "", false
	}
	out := string(buf)
	return out, out != s
}
