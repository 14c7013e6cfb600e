package dump

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// lineTable reads a line-oriented format: delimited text, combolists and
// free text. Delimited text without multi-line cells is split into blocks
// and parsed in parallel.
func (r *Reader) lineTable(name, enc string, in *bufio.Reader, s sniffed) *Table {
	t := &Table{File: name, Format: s.format, Encoding: enc, Columns: s.columns, HasHeader: s.hasHeader, lineBased: true, preview: s.preview}
	var parse lineParser
	switch s.format {
	case FormatDelimited:
		t.Delimiter = s.delim.display
		if s.multiline && len(s.delim.delim) == 1 {
			t.lineBased = false
			t.each = r.csvRows(t, in, s)
			return t
		}
		parse = delimitedParser(s.delim.delim, len(s.columns), s.headerLine)
	case FormatCombolist:
		parse = comboParser
	default:
		t.Format, t.Columns = FormatText, []string{"text"}
		parse = r.k.textParser
	}
	t.each = func(ctx context.Context, workers int, fn func(int, Row) error) error {
		return runBlocks(ctx, t, newBlockReader(in, name, int64(r.opts.MaxRecordBytes), 1), workers, parse, fn)
	}
	return t
}

func comboParser(_ int, _ int64, line string, scratch []string) lineRow {
	l := strings.TrimSpace(line)
	if l == "" || isSeparatorLine(l) {
		return lineRow{skip: true}
	}
	i := strings.IndexAny(l, ":;|")
	if at := strings.IndexByte(l, '@'); at > 0 {
		// The separator comes after the e-mail: passwords may hold any of them.
		if j := strings.IndexAny(l[at:], ":;|"); j >= 0 {
			i = at + j
		}
	}
	if i <= 0 {
		return lineRow{cells: append(scratch, l), irregular: "no separator between login and password"}
	}
	return lineRow{cells: append(scratch, l[:i], l[i+1:])}
}

func (k *knowledge) textParser(_ int, _ int64, line string, scratch []string) lineRow {
	l := strings.TrimSpace(line)
	if l == "" || isSeparatorLine(l) {
		return lineRow{skip: true}
	}
	return lineRow{cells: append(scratch, l), tokens: k.extractTokens(l)}
}

// extractTokens finds e-mail addresses and phone numbers in free text, and
// the name written just before each of them.
func (k *knowledge) extractTokens(s string) []Token {
	var out []Token
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '@':
			start, end := i, i+1
			for start > 0 && isLocalChar(s[start-1]) {
				start--
			}
			for end < len(s) && isDomainChar(s[end]) {
				end++
			}
			for end > i+1 && (s[end-1] == '.' || s[end-1] == '-') {
				end--
			}
			if email := s[start:end]; start < i && isEmail(email) {
				out = append(out, k.nameBefore(s[:start])...)
				out = append(out, Token{Kind: TokenEmail, Value: email})
				i = end - 1
			}
		case c == '+' || c >= '0' && c <= '9':
			if i > 0 && (isLocalChar(s[i-1]) && s[i-1] != '.' && s[i-1] != '-' || s[i-1] == '@') {
				continue // inside a word or an address
			}
			end := i
			for end < len(s) && strings.IndexByte("+0123456789 .-()/", s[end]) >= 0 {
				end++
			}
			candidate := strings.TrimRight(s[i:end], " .-(/")
			// Most numbers start with + or a trunk 0; Italian and Spanish
			// ones are written without, so a long run of digits counts too.
			if (candidate[0] == '+' || candidate[0] == '0' || digitCount(candidate) >= 9) && phoneShape(candidate) {
				out = append(out, Token{Kind: TokenPhone, Value: candidate})
				i = i + len(candidate) - 1
			}
		}
	}
	return out
}

// nameBefore returns the name written just before an address, such as
// "Jeanne Dupont <" or "Jeanne Dupont | ". Of the capitalised words there,
// the name starts at the first known given name, or is the last two words.
func (k *knowledge) nameBefore(s string) []Token {
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("<|,;:\"'([-", r) })
	fields := strings.Fields(s)
	var name []string
	for i := len(fields) - 1; i >= 0 && len(name) < 4; i-- {
		f := strings.Trim(fields[i], "\"'")
		if f == "" || !isNameLike(upperFirst(f)) || !unicode.IsUpper([]rune(f)[0]) {
			break
		}
		name = append(name, f)
	}
	if len(name) < 2 {
		return nil
	}
	slices.Reverse(name)
	start := len(name) - 2
	for i, w := range name {
		if k.firstNames[fold(w)] {
			start = i
			break
		}
	}
	return []Token{{Kind: TokenName, Value: strings.Join(name[start:], " ")}}
}

func upperFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func isLocalChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._%+-'", c) >= 0
}

func isDomainChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}

// csvRows reads delimited text whose quoted cells span lines, with the
// standard library's reader, on one goroutine.
func (r *Reader) csvRows(t *Table, in io.Reader, s sniffed) func(context.Context, int, func(int, Row) error) error {
	return func(ctx context.Context, _ int, fn func(int, Row) error) error {
		cr := csv.NewReader(in)
		cr.Comma = rune(s.delim.delim[0])
		cr.LazyQuotes, cr.FieldsPerRecord, cr.ReuseRecord = true, -1, true
		var record int64
		for {
			if record%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			cells, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return nil
			}
			line, _ := cr.FieldPos(0)
			if err != nil {
				t.warn(Position{File: t.File, Line: int64(line)}, "%v", err)
				continue
			}
			if int64(line) == s.headerLine || len(cells) == 1 && strings.TrimSpace(cells[0]) == "" {
				t.addStats(TableStats{SkippedLines: 1})
				continue
			}
			record++
			for i, c := range cells {
				cells[i] = strings.TrimSpace(c)
			}
			t.cleanRecord(cells, len(cells) != len(t.Columns))
			if err := fn(0, Row{Pos: Position{File: t.File, Line: int64(line), Record: record}, Cells: cells}); err != nil {
				return err
			}
		}
	}
}

// recordColumns keeps the columns of records that are objects: the keys in
// the order first seen, nested keys joined with dots.
type recordColumns struct {
	index map[string]int
	t     *Table
}

func newRecordColumns(t *Table, initial []string) *recordColumns {
	rc := &recordColumns{index: map[string]int{}, t: t}
	for _, c := range initial {
		rc.add(c)
	}
	return rc
}

func (rc *recordColumns) add(key string) int {
	if i, ok := rc.index[key]; ok {
		return i
	}
	rc.index[key] = len(rc.t.Columns)
	rc.t.Columns = append(rc.t.Columns, key)
	return rc.index[key]
}

// cells lays a flattened record out along the columns.
func (rc *recordColumns) cells(flat map[string]string, out []string) []string {
	keys := make([]string, 0, len(flat))
	for k := range flat {
		keys = append(keys, k)
	}
	sort.Strings(keys) // new columns appear in a stable order
	for _, k := range keys {
		rc.add(k)
	}
	out = slices.Grow(out[:0], len(rc.t.Columns))[:len(rc.t.Columns)]
	for i := range out {
		out[i] = ""
	}
	for k, v := range flat {
		out[rc.index[k]] = v
	}
	return out
}

// flatten turns a decoded JSON value into dotted keys and text values.
// Arrays of plain values are joined with "; ". Past maxDepth, values are
// kept as JSON text.
func flatten(prefix string, v any, depth, maxDepth int, out map[string]string) {
	key := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch x := v.(type) {
	case map[string]any:
		if s, ok := extendedJSON(x); ok { // MongoDB's {"$oid": ...} and the like
			out[prefix] = s
			return
		}
		if depth >= maxDepth {
			b, _ := json.Marshal(x)
			out[prefix] = string(b)
			return
		}
		for k, val := range x {
			flatten(key(k), val, depth+1, maxDepth, out)
		}
	case []any:
		var parts []string
		for _, e := range x {
			switch e.(type) {
			case map[string]any, []any:
				b, _ := json.Marshal(x)
				out[prefix] = string(b)
				return
			}
			parts = append(parts, fmt.Sprint(e))
		}
		out[prefix] = strings.Join(parts, "; ")
	case nil:
		out[prefix] = ""
	case string:
		out[prefix] = x
	default:
		out[prefix] = fmt.Sprint(x)
	}
}

func ndjsonKeys(lines []string) []string {
	var keys []string
	seen := map[string]bool{}
	for _, l := range lines {
		var obj map[string]any
		if json.Unmarshal([]byte(l), &obj) != nil {
			continue
		}
		flat := map[string]string{}
		flatten("", obj, 0, DefaultMaxJSONDepth, flat)
		var ks []string
		for k := range flat {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// ndjsonTable reads one JSON object per line, on one goroutine, because
// new keys add columns as they appear.
func (r *Reader) ndjsonTable(name, enc string, in *bufio.Reader, s sniffed) *Table {
	t := &Table{File: name, Format: FormatNDJSON, Encoding: enc, HasHeader: true, lineBased: true}
	cols := newRecordColumns(t, s.columns)
	parse := func(_ int, _ int64, line string, scratch []string) lineRow {
		l := strings.TrimSpace(line)
		if l == "" {
			return lineRow{skip: true}
		}
		dec := json.NewDecoder(strings.NewReader(l))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			return lineRow{cells: append(scratch, l), irregular: "not a JSON object: " + err.Error()}
		}
		flat := map[string]string{}
		flatten("", obj, 0, r.opts.MaxJSONDepth, flat)
		return lineRow{cells: cols.cells(flat, scratch)}
	}
	t.each = func(ctx context.Context, _ int, fn func(int, Row) error) error {
		return runBlocks(ctx, t, newBlockReader(in, name, int64(r.opts.MaxRecordBytes), 1), 1, parse, fn)
	}
	return t
}

// keyValueTable reads blocks of "Key: value" lines. A blank line, or a key
// seen already in the current record, starts a new record.
func (r *Reader) keyValueTable(name, enc string, in *bufio.Reader, _ sniffed) *Table {
	t := &Table{File: name, Format: FormatKeyValue, Encoding: enc, HasHeader: true}
	cols := newRecordColumns(t, nil)
	t.each = func(ctx context.Context, _ int, fn func(int, Row) error) error {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64<<10), r.opts.MaxRecordBytes)
		var line, start, record int64
		current := map[string]string{}
		var cells []string
		flush := func() error {
			if len(current) == 0 {
				return nil
			}
			record++
			cells = cols.cells(current, cells)
			t.cleanRecord(cells, false)
			current = map[string]string{}
			return fn(0, Row{Pos: Position{File: t.File, Line: start, Record: record}, Cells: cells})
		}
		for sc.Scan() {
			line++
			if line%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			l := strings.TrimSpace(sc.Text())
			m := r.k.keyValueLine.FindStringSubmatch(l)
			if m == nil {
				if l != "" {
					t.addStats(TableStats{SkippedLines: 1})
				}
				if l == "" || isSeparatorLine(l) {
					if err := flush(); err != nil {
						return err
					}
				}
				continue
			}
			key := strings.TrimSpace(m[1])
			if _, repeated := current[key]; repeated {
				if err := flush(); err != nil {
					return err
				}
			}
			if len(current) == 0 {
				start = line
			}
			current[key] = strings.TrimSpace(m[2])
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				t.warn(Position{File: t.File, Line: line + 1}, "line is longer than %d bytes; stopped", r.opts.MaxRecordBytes)
			} else {
				return fmt.Errorf("read %s: %w", name, err)
			}
		}
		return flush()
	}
	return t
}

func digitCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}
