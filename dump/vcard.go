package dump

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// FormatVCard is a file of vCards, 2.1, 3.0 or 4.0: a record per card.
const FormatVCard Format = "vcard"

// maxRecordColumns caps the columns of formats whose field names come from
// the records (vCard, LDIF, BSON): a hostile file could name a new field in
// every record.
const maxRecordColumns = 1024

// isVCard reports whether decoded text, leading space removed, starts
// with a vCard.
func isVCard(trimmed string) bool { return hasPrefixFold(trimmed, "BEGIN:VCARD") }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// foldedLines reads logical lines: a physical line that starts with a
// space, or in vCard a tab, continues the one before (RFC 6350, RFC 2849).
// A logical line longer than max is cut, so that memory stays bounded.
type foldedLines struct {
	br    *bufio.Reader
	max   int
	tabs  bool
	line  int64 // physical lines read
	scans int64

	buf   []byte // the logical line scanned
	start int64  // the physical line where it starts
	cut   bool   // whether it was longer than max
	err   error
}

func newFoldedLines(in io.Reader, max int, tabs bool) *foldedLines {
	br, ok := in.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(in, 64<<10)
	}
	return &foldedLines{br: br, max: max, tabs: tabs}
}

// scan reads the next logical line into buf, starting on physical line
// start. It reports false at the end of the input, on a read error, and
// once ctx is done: failed tells which.
func (f *foldedLines) scan(ctx context.Context) bool {
	if f.err != nil {
		return false
	}
	if f.scans++; f.scans%1024 == 0 && ctx.Err() != nil {
		f.err = ctx.Err()
		return false
	}
	f.buf, f.cut = f.buf[:0], false
	read, err := f.appendLine(0)
	if !read || err != nil {
		f.err = cmp.Or(err, io.EOF)
		return false
	}
	f.start = f.line
	for {
		b, err := f.br.Peek(1)
		if err != nil || b[0] != ' ' && (!f.tabs || b[0] != '\t') {
			return true // a read error shows at the next call
		}
		if _, err := f.appendLine(1); err != nil {
			f.err = err
			return false
		}
	}
}

// failed returns what stopped scan, nil at the end of the input.
func (f *foldedLines) failed() error {
	if errors.Is(f.err, io.EOF) {
		return nil
	}
	return f.err
}

// appendLine appends the next physical line to buf, without its line break
// and its first skip bytes. It reports false at the end of the input.
func (f *foldedLines) appendLine(skip int) (bool, error) {
	read := false
	for {
		chunk, err := f.br.ReadSlice('\n')
		read = read || len(chunk) > 0
		if err == nil {
			chunk = chunk[:len(chunk)-1]
		}
		n := min(skip, len(chunk))
		chunk, skip = chunk[n:], skip-n
		if room := f.max - len(f.buf); len(chunk) > room {
			chunk, f.cut = chunk[:max(room, 0)], true
		}
		f.buf = append(f.buf, chunk...)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil && !errors.Is(err, io.EOF):
			return read, err
		}
		if read {
			f.line++
		}
		f.buf = bytes.TrimSuffix(f.buf, []byte{'\r'})
		return read, nil
	}
}

// fieldRows lays records of named fields out as rows: columns are the
// fields in the order first seen, added as new ones appear, up to
// maxRecordColumns.
type fieldRows struct {
	t      *Table
	cols   *recordColumns
	cells  []string
	record int64
}

func newFieldRows(t *Table) *fieldRows {
	cols := newRecordColumns(t, nil)
	cols.max = maxRecordColumns
	return &fieldRows{t: t, cols: cols}
}

// emit numbers the record, cleans its cells and hands it to fn. fields is
// left for the caller to clear and reuse.
func (s *fieldRows) emit(pos Position, fields map[string]string, fn func(int, Row) error) error {
	s.record++
	pos.Record = s.record
	s.cells = s.cols.cells(pos, fields, s.cells)
	s.t.cleanRecord(s.cells, false)
	return fn(0, Row{Pos: pos, Cells: s.cells})
}

// numbered names the nth value of a field in one record: "email", then
// "email 2", "email 3"..., so that every value has a column of its own and
// keeps the role of the first.
func numbered(seen map[string]int, name string) string {
	seen[name]++
	if n := seen[name]; n > 1 {
		return name + " " + strconv.Itoa(n)
	}
	return name
}

// vcardTable reads vCards. Each card is a record; its properties become
// columns named for role inference ("email", "phone 2", "last name").
func (r *Reader) vcardTable(name, enc string, in io.Reader) *Table {
	t := &Table{File: name, Format: FormatVCard, Encoding: enc, HasHeader: true}
	t.each = func(ctx context.Context, _ int, fn func(int, Row) error) error {
		lines := newFoldedLines(in, r.opts.MaxRecordBytes, true)
		rows := newFieldRows(t)
		fields, seen := map[string]string{}, map[string]int{}
		var start int64 // the line of the open card's BEGIN, 0 outside cards
		var size int    // bytes of the open card
		flush := func() error {
			pos := Position{File: name, Line: start}
			defer func() { clear(fields); clear(seen); start, size = 0, 0 }()
			switch {
			case size > r.opts.MaxRecordBytes:
				t.warn(pos, "card is longer than %d bytes; skipped", r.opts.MaxRecordBytes)
				t.addStats(TableStats{SkippedLines: 1})
			case len(fields) == 0:
				t.addStats(TableStats{SkippedLines: 1})
			default:
				return rows.emit(pos, fields, fn)
			}
			return nil
		}
		for lines.scan(ctx) {
			l, lineNo := lines.buf, lines.start
			p, ok := parseVCardLine(l)
			switch {
			case ok && p.name == "BEGIN" && strings.EqualFold(string(bytes.TrimSpace(p.value)), "VCARD"):
				if start > 0 {
					t.warn(Position{File: name, Line: start}, "card has no END:VCARD before the next card at line %d", lineNo)
					if err := flush(); err != nil {
						return err
					}
				}
				start = lineNo
				continue
			case start == 0:
				if len(bytes.TrimSpace(l)) > 0 {
					t.addStats(TableStats{SkippedLines: 1})
				}
				continue
			case ok && p.name == "END":
				if err := flush(); err != nil {
					return err
				}
				continue
			case !ok:
				if len(bytes.TrimSpace(l)) > 0 {
					t.warn(Position{File: name, Line: lineNo}, "not a vCard property: %.40q", l)
				}
				continue
			}
			size += len(l)
			if lines.cut || size > r.opts.MaxRecordBytes {
				size = r.opts.MaxRecordBytes + 1
				continue
			}
			if p.encoding == "QUOTED-PRINTABLE" {
				// vCard 2.1: "=" at the end of a line continues the value
				// on the next line.
				value := append([]byte(nil), p.value...)
				for bytes.HasSuffix(value, []byte("=")) && size <= r.opts.MaxRecordBytes {
					if !lines.scan(ctx) {
						break
					}
					size += len(lines.buf)
					value = append(value[:len(value)-1], lines.buf...)
				}
				p.value = value
			}
			vcardFields(p, fields, seen)
		}
		if err := lines.failed(); err != nil {
			return r.readError(name, err)
		}
		if start > 0 {
			t.warn(Position{File: name, Line: start}, "card has no END:VCARD: the file is truncated")
			return flush()
		}
		return nil
	}
	return t
}

// vcardProp is one property line: NAME;PARAM=x:value.
type vcardProp struct {
	name     string // upper case, without its group
	encoding string // QUOTED-PRINTABLE or BASE64, upper case
	charset  string
	value    []byte
}

// parseVCardLine splits a logical line into name, parameters and value. ok
// is false for a line with no colon or no name.
func parseVCardLine(l []byte) (vcardProp, bool) {
	var p vcardProp
	colon, quoted := -1, false
	for i, c := range l {
		if c == '"' {
			quoted = !quoted
		} else if c == ':' && !quoted {
			colon = i
			break
		}
	}
	if colon <= 0 {
		return p, false
	}
	p.value = l[colon+1:]
	head := l[:colon]
	params := []byte(nil)
	if i := bytes.IndexByte(head, ';'); i >= 0 {
		head, params = head[:i], head[i+1:]
	}
	if i := bytes.LastIndexByte(head, '.'); i >= 0 {
		head = head[i+1:] // the group of "item1.EMAIL"
	}
	if len(head) == 0 {
		return p, false
	}
	p.name = strings.ToUpper(string(head))
	for len(params) > 0 {
		param := params
		if i := bytes.IndexByte(params, ';'); i >= 0 {
			param, params = params[:i], params[i+1:]
		} else {
			params = nil
		}
		key, value, hasValue := bytes.Cut(param, []byte("="))
		if !hasValue { // vCard 2.1 writes bare values: TEL;WORK;QUOTED-PRINTABLE
			value = key
		} else if !bytes.EqualFold(key, []byte("ENCODING")) {
			if bytes.EqualFold(key, []byte("CHARSET")) {
				p.charset = string(bytes.Trim(value, `"`))
			}
			continue
		}
		switch v := strings.ToUpper(string(bytes.Trim(value, `"`))); v {
		case "QUOTED-PRINTABLE":
			p.encoding = v
		case "B", "BASE64":
			p.encoding = "BASE64"
		}
	}
	return p, true
}

// vcardFields adds a property's values to the card's fields.
func vcardFields(p vcardProp, fields map[string]string, seen map[string]int) {
	var parts []string // the columns of a structured value's components
	column := ""
	switch p.name {
	case "VERSION", "PRODID", "PHOTO", "LOGO", "SOUND", "KEY", "BEGIN", "END":
		return // pictures and sounds are not contacts
	case "N":
		parts = []string{"last name", "first name", "middle", "prefix", "suffix"}
	case "ADR":
		parts = []string{"po box", "extended address", "address", "city", "region", "postcode", "country"}
	case "ORG":
		parts = []string{"organisation", "department"}
	case "FN":
		column = "full name"
	case "EMAIL":
		column = "email"
	case "TEL":
		column = "phone"
	case "BDAY":
		column = "birthday"
	case "LABEL":
		column = "address label"
	default:
		column = strings.ToLower(p.name)
	}
	value := decodeVCardValue(p)
	if parts == nil {
		v := unescapeVCard(value)
		switch p.name {
		case "TEL":
			v = trimPrefixFold(v, "tel:")
		case "EMAIL":
			v = trimPrefixFold(v, "mailto:")
		}
		if v != "" {
			fields[numbered(seen, column)] = v
		}
		return
	}
	// The components of N and ADR are numbered together: the second
	// address's city is "city 2".
	n := seen[parts[0]] + 1
	for i, c := range splitVCard(value) {
		col := parts[min(i, len(parts)-1)]
		if c = unescapeVCard(c); c == "" {
			continue
		}
		if n > 1 {
			col += " " + strconv.Itoa(n)
		}
		if prev, ok := fields[col]; ok { // ORG's further units share a column
			c = prev + ", " + c
		}
		fields[col] = c
	}
	seen[parts[0]] = n
}

func trimPrefixFold(s, prefix string) string {
	if hasPrefixFold(s, prefix) {
		return s[len(prefix):]
	}
	return s
}

// decodeVCardValue undoes a property's transfer encoding and charset.
func decodeVCardValue(p vcardProp) string {
	v := p.value
	switch p.encoding {
	case "QUOTED-PRINTABLE":
		v = decodeQP(v)
	case "BASE64":
		clean := bytes.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '=' {
				return -1
			}
			return r
		}, v)
		if d, err := base64.RawStdEncoding.DecodeString(string(clean)); err == nil {
			v = d
		}
	}
	if p.charset != "" && !strings.EqualFold(p.charset, "utf-8") {
		if e, err := htmlindex.Get(p.charset); err == nil {
			if d, err := e.NewDecoder().Bytes(v); err == nil {
				v = d
			}
		}
	}
	return string(v)
}

// decodeQP decodes quoted-printable text, keeping any "=" that does not
// start a valid escape as it is.
func decodeQP(v []byte) []byte {
	if bytes.IndexByte(v, '=') < 0 {
		return v
	}
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '=' && i+2 < len(v) {
			if b, err := strconv.ParseUint(string(v[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(b))
				i += 2
				continue
			}
		}
		out = append(out, v[i])
	}
	return out
}

// splitVCard splits a structured value at the semicolons that are not
// escaped.
func splitVCard(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ';':
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// unescapeVCard undoes \n, \, \; and \\ and trims the value.
func unescapeVCard(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			switch c = s[i]; c {
			case 'n', 'N':
				c = '\n'
			case ',', ';', '\\', ':':
			default:
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return strings.TrimSpace(b.String())
}
