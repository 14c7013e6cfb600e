package dump

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding names reported in profiles.
const (
	EncUTF8     = "utf-8"
	EncUTF8BOM  = "utf-8-bom"
	EncUTF16LE  = "utf-16le"
	EncUTF16BE  = "utf-16be"
	EncCP1252   = "windows-1252"
	EncLatin1   = "iso-8859-1"
	EncLatin9   = "iso-8859-15"
	EncBinary   = "binary"
	EncUnknown  = ""
	sniffWindow = 256 << 10
)

// detectEncoding guesses the encoding of a file from its first bytes.
func detectEncoding(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return EncUTF8BOM
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return EncUTF16LE
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return EncUTF16BE
	}
	if enc := utf16WithoutBOM(head); enc != "" {
		return enc
	}
	if looksBinary(head) {
		return EncBinary
	}
	// A cut at the end of the window may split a character.
	valid := head
	for i := 0; i < utf8.UTFMax && len(valid) > 0 && !utf8.Valid(valid); i++ {
		valid = valid[:len(valid)-1]
	}
	if utf8.Valid(valid) {
		return EncUTF8
	}
	if invalidUTF8Share(head) < 0.001 {
		// Mostly UTF-8 with a few Windows-1252 bytes mixed in: read as
		// UTF-8; the decoder turns the stray bytes into their 1252 letters.
		return EncUTF8
	}
	return singleByteEncoding(head)
}

// utf16WithoutBOM spots UTF-16 from the zero bytes of ASCII characters.
func utf16WithoutBOM(head []byte) string {
	if len(head) < 64 {
		return ""
	}
	var even, odd int
	for i := 0; i+1 < len(head); i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	half := len(head) / 2
	switch {
	case odd > half*2/5 && even < half/20:
		return EncUTF16LE
	case even > half*2/5 && odd < half/20:
		return EncUTF16BE
	}
	return ""
}

// looksBinary reports NUL bytes or many control characters.
func looksBinary(head []byte) bool {
	if len(head) == 0 {
		return false
	}
	control := 0
	for _, b := range head {
		switch {
		case b == 0:
			return true
		case b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f':
			control++
		}
	}
	return control*100 > len(head)
}

func invalidUTF8Share(b []byte) float64 {
	invalid := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 && len(b)-i >= utf8.UTFMax {
			invalid++
		}
		i += size
	}
	return float64(invalid) / float64(max(len(b), 1))
}

// singleByteEncoding tells Windows-1252 from ISO-8859-1 and -15. All three
// agree on accented letters, and files saved by Excel and Windows are 1252,
// the default. Bytes 1252 leaves undefined point to Latin-1, and 0xA4, the
// euro sign in -15, without any 0x80-0x9F byte points to -15.
func singleByteEncoding(head []byte) string {
	c1, undefined, a4 := 0, 0, 0
	for _, b := range head {
		switch {
		case b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D:
			undefined++
		case b >= 0x80 && b <= 0x9F:
			c1++
		case b == 0xA4:
			a4++
		}
	}
	switch {
	case undefined > 0:
		return EncLatin1
	case c1 == 0 && a4 > 0:
		return EncLatin9
	default:
		return EncCP1252
	}
}

// decoder returns a transformer from enc to UTF-8, or nil when the bytes
// are UTF-8 already.
func decoder(enc string) transform.Transformer {
	switch enc {
	case EncUTF8BOM:
		return unicode.UTF8BOM.NewDecoder()
	case EncUTF16LE:
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
	case EncUTF16BE:
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder()
	case EncCP1252:
		return charmap.Windows1252.NewDecoder()
	case EncLatin1:
		return charmap.ISO8859_1.NewDecoder()
	case EncLatin9:
		return charmap.ISO8859_15.NewDecoder()
	}
	return nil
}

// fixInvalidUTF8 returns b with every byte that is not part of valid UTF-8
// decoded as Windows-1252, and how many such bytes there were. Files saved
// partly by Excel mix the two.
func fixInvalidUTF8(b []byte) ([]byte, int) {
	if utf8.Valid(b) {
		return b, 0
	}
	out := make([]byte, 0, len(b)+len(b)/8)
	n := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			out = utf8.AppendRune(out, charmap.Windows1252.DecodeByte(b[i]))
			n++
			i++
			continue
		}
		out = append(out, b[i:i+size]...)
		i += size
	}
	return out, n
}
