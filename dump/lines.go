package dump

import (
	"bufio"
	"bytes"
	"cmp"
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
	"unicode/utf8"
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
	}
	t.each = func(ctx context.Context, workers int, fn func(int, Row) error) error {
		parse := parse
		if t.Format == FormatText {
			parse = r.k.textParser(workers)
		}
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

// textParser returns the parser of free text for workers goroutines. Each
// worker gathers a line's tokens in a slice of its own, reused from line
// to line, since parseBlock copies them.
func (k *knowledge) textParser(workers int) lineParser {
	tokens := make([][]Token, workers)
	return func(worker int, _ int64, line string, scratch []string) lineRow {
		l := strings.TrimSpace(line)
		if l == "" || isSeparatorLine(l) {
			return lineRow{skip: true}
		}
		tokens[worker] = k.extractTokens(tokens[worker][:0], l)
		return lineRow{cells: append(scratch, l), tokens: tokens[worker]}
	}
}

// extractTokens appends to out the e-mail addresses and phone numbers
// found in free text, and the name written just before each of them.
func (k *knowledge) extractTokens(out []Token, s string) []Token {
	none := len(out)
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
			for end < len(s) && isPhoneRunChar(s[end]) {
				end++
			}
			candidate := strings.TrimRight(s[i:end], " .-(/")
			// Most numbers start with + or a trunk 0; Italian and Spanish
			// ones are written without, so a long run of digits counts too.
			if (candidate[0] == '+' || candidate[0] == '0' || digitCount(candidate) >= 9) && phoneShape(candidate) {
				if len(out) == none {
					// A person row without an address, "Jeanne;Dupont;;06...":
					// the name is read as it is before an address.
					out = append(out, k.nameBefore(s[:i])...)
				}
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
	if strings.ContainsAny(s, ";|\t") {
		return k.nameInCells(s)
	}
	fields := strings.Fields(s)
	var name []string
	for i := len(fields) - 1; i >= 0 && len(name) < 4; i-- {
		f := strings.Trim(fields[i], "\"'")
		// Most words are not capitalised: that test comes first, being cheap.
		if f == "" || !startsUpper(f) || !isNameLike(upperFirst(f)) {
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

// nameInCells returns the name written in the last two cells of a
// delimited line, "Jeanne;de La Fontaine;": a given name and a surname,
// each whole in its cell, as "first;last". As with words, capitalised
// cells are taken for the name; a known given name says which is which.
func (k *knowledge) nameInCells(s string) []Token {
	// The last two cells that are not empty, found from the end without a
	// copy: most lines of a dump hold no name, and cost nothing more.
	var cells [2]string
	for n := 0; n < 2; {
		i := lastCellSeparator(s)
		if c := strings.TrimSpace(s[i+1:]); c != "" {
			if strings.IndexFunc(c, unicode.IsUpper) < 0 || !isNameLike(upperFirst(c)) {
				return nil
			}
			cells[1-n] = c
			n++
		}
		if i < 0 {
			if n < 2 {
				return nil
			}
			break
		}
		s = s[:i]
	}
	a, b := cells[0], cells[1]
	if !k.firstNames[fold(strings.Fields(a)[0])] && k.firstNames[fold(strings.Fields(b)[0])] {
		a, b = b, a
	}
	return []Token{{Kind: TokenName, Value: a + ";" + b}}
}

// lastCellSeparator is the index of the last ';', '|' or tab in s, or -1.
// They are ASCII, so that no byte of another character can be taken for
// one.
func lastCellSeparator(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ';', '|', '\t':
			return i
		}
	}
	return -1
}

// startsUpper reports whether s starts with an upper-case letter.
func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
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
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '.', '_', '%', '+', '-', '\'':
		return true
	}
	return false
}

// isPhoneRunChar reports the characters a phone number is written with.
func isPhoneRunChar(c byte) bool {
	switch c {
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '+', ' ', '.', '-', '(', ')', '/':
		return true
	}
	return false
}

func isDomainChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}

// csvRows reads delimited text whose quoted cells span lines, with the
// standard library's reader, on one goroutine, a record at a time: a
// csvSplitter first finds where each record ends, so that an unclosed
// quote costs one cut record, not the rest of the file in one cell.
func (r *Reader) csvRows(t *Table, in io.Reader, s sniffed) func(context.Context, int, func(int, Row) error) error {
	return func(ctx context.Context, _ int, fn func(int, Row) error) error {
		sp := &csvSplitter{t: t, lines: newBoundedLines(in, r.opts.MaxRecordBytes), delim: s.delim.delim[0],
			maxLines: r.opts.MaxCellLines, maxBytes: r.opts.MaxRecordBytes}
		feed := &recordFeed{}
		cr := csv.NewReader(feed)
		cr.Comma = rune(s.delim.delim[0])
		cr.LazyQuotes, cr.FieldsPerRecord, cr.ReuseRecord = true, -1, true
		var record, recovered, firstCut int64
		var scratch []string
		for {
			if record%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			rec, err := sp.next()
			if errors.Is(err, io.EOF) {
				if recovered > 0 {
					t.warn(Position{File: t.File, Line: firstCut}, "%d rows read after unclosed quotes, which would otherwise have been swallowed into one cell", recovered)
				}
				return nil
			}
			if err != nil {
				return fmt.Errorf("read %s: %w", t.File, err)
			}
			pos := Position{File: t.File, Line: rec.line}
			var cells []string
			switch {
			case rec.tooLong:
				t.addStats(TableStats{SkippedLines: 1})
				t.warn(pos, "line is longer than %d bytes; skipped", r.opts.MaxRecordBytes)
				continue
			case rec.cut:
				firstCut = cmp.Or(firstCut, rec.line)
				t.warn(pos, "a quoted cell opens here and is not closed within %d lines or %d bytes, or before the end of the file: this line is read as it is, and reading resumes at the next line", r.opts.MaxCellLines, r.opts.MaxRecordBytes)
				cells, _ = splitDelimited(trimCR(strings.TrimSuffix(string(rec.text), "\n")), s.delim.delim, scratch[:0])
				scratch = cells
			default:
				feed.b = rec.text
				if cells, err = cr.Read(); err != nil {
					t.warn(pos, "%v", err)
					continue
				}
			}
			if rec.line == s.headerLine || len(cells) == 1 && strings.TrimSpace(cells[0]) == "" {
				t.addStats(TableStats{SkippedLines: 1})
				continue
			}
			record++
			if rec.recovered {
				recovered++
				t.addStats(TableStats{RecoveredRows: 1})
			}
			for i, c := range cells {
				cells[i] = strings.TrimSpace(c)
			}
			t.cleanRecord(cells, rec.cut || len(cells) != len(t.Columns))
			pos.Record = record
			if err := fn(0, Row{Pos: pos, Cells: cells}); err != nil {
				return err
			}
		}
	}
}

// recordFeed hands encoding/csv's reader one record at a time.
type recordFeed struct{ b []byte }

func (f *recordFeed) Read(p []byte) (int, error) {
	if len(f.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, f.b)
	f.b = f.b[n:]
	return n, nil
}

// csvRecord is one record of delimited text whose quoted cells may span
// lines. It is reused by the next one.
type csvRecord struct {
	text      []byte // its lines, line endings included
	line      int64  // its first line
	cut       bool   // a quoted cell never closed: text is the first line alone
	tooLong   bool   // one line longer than the cap, not kept
	recovered bool   // without the cut, it would have been in an unclosed quote's cell
}

// csvSplitter cuts delimited text into records, following quotes as
// encoding/csv does with LazyQuotes. A quoted cell that is not closed
// within maxLines lines or maxBytes bytes, or by the end of the file, is an
// unclosed quote: its record is cut to its first line, and splitting starts
// again at the next line, from the lines kept for that.
type csvSplitter struct {
	t          *Table
	lines      *boundedLines
	delim      byte
	maxLines   int
	maxBytes   int
	replay     []byte // lines read again after a cut
	replayLine int64  // the number of replay's first line
	shadow     bool   // the cell of an unclosed quote would still be open here
	rec        csvRecord
	ends       []int // where each line of rec.text ends
}

// pull returns the next line, with its line ending, and its number.
func (s *csvSplitter) pull() (line []byte, no int64, tooLong bool, err error) {
	if len(s.replay) > 0 {
		n := len(s.replay)
		if i := bytes.IndexByte(s.replay, '\n'); i >= 0 {
			n = i + 1
		}
		line, s.replay = s.replay[:n], s.replay[n:]
		s.replayLine++
		return line, s.replayLine - 1, false, nil
	}
	line, tooLong, err = s.lines.next()
	return line, s.lines.line, tooLong, err
}

func (s *csvSplitter) next() (*csvRecord, error) {
	rec := &s.rec
	rec.text, rec.cut, rec.tooLong = rec.text[:0], false, false
	s.ends = s.ends[:0]
	inQuote := false
	for {
		line, no, tooLong, err := s.pull()
		if errors.Is(err, io.EOF) && len(s.ends) > 0 {
			if inQuote && len(s.ends) > 1 {
				return s.cut(), nil
			}
			return rec, nil
		}
		if err != nil {
			return nil, err
		}
		if len(s.ends) == 0 {
			rec.line, rec.recovered = no, s.shadow
			if tooLong {
				rec.tooLong = true
				return rec, nil
			}
		}
		if tooLong {
			// Inside a quoted cell: an empty line stands for it.
			s.t.addStats(TableStats{SkippedLines: 1})
			s.t.warn(Position{File: s.t.File, Line: no}, "line is longer than %d bytes; skipped", s.maxBytes)
			line = []byte("\n")
		}
		l := trimCR(strings.TrimSuffix(string(line), "\n"))
		if s.shadow {
			s.shadow = s.scan(l, true)
		}
		rec.text = append(rec.text, line...)
		s.ends = append(s.ends, len(rec.text))
		if inQuote = s.scan(l, inQuote); !inQuote {
			return rec, nil
		}
		if len(s.ends) > s.maxLines || len(rec.text) > s.maxBytes {
			return s.cut(), nil
		}
	}
}

// cut ends the record at its first line, and keeps its other lines to be
// split again.
func (s *csvSplitter) cut() *csvRecord {
	rec := &s.rec
	first := s.ends[0]
	replay := make([]byte, 0, len(rec.text)-first+len(s.replay))
	s.replay = append(append(replay, rec.text[first:]...), s.replay...)
	s.replayLine = rec.line + 1
	rec.text, rec.cut = rec.text[:first], true
	s.shadow = true
	return rec
}

// scan follows the quotes of line l, which starts inside a quoted cell if
// inQuote, and says whether it ends inside one.
func (s *csvSplitter) scan(l string, inQuote bool) bool {
	fieldStart := !inQuote
	for i := 0; i < len(l); i++ {
		c := l[i]
		if inQuote {
			if c == '"' {
				switch {
				case i+1 == len(l):
					inQuote = false
				case l[i+1] == '"':
					i++
				case l[i+1] == s.delim:
					inQuote, fieldStart = false, true
					i++
				}
			}
			continue
		}
		if fieldStart && c == '"' {
			inQuote, fieldStart = true, false
			continue
		}
		fieldStart = c == s.delim
	}
	return inQuote
}

// recordColumns keeps the columns of records that are objects: the keys in
// the order first seen, nested keys joined with dots, up to max columns.
// Values of keys past the cap are dropped and counted, with one warning.
type recordColumns struct {
	index  map[string]int
	t      *Table
	max    int
	capped bool
	keys   []string
}

func newRecordColumns(t *Table, initial []string) *recordColumns {
	rc := &recordColumns{index: map[string]int{}, t: t, max: maxColumns}
	for _, c := range initial {
		rc.add(c)
	}
	return rc
}

// add returns the column of key, adding it if there is room, or -1.
func (rc *recordColumns) add(key string) int {
	if i, ok := rc.index[key]; ok {
		return i
	}
	if len(rc.t.Columns) >= rc.max {
		return -1
	}
	rc.index[key] = len(rc.t.Columns)
	rc.t.Columns = append(rc.t.Columns, key)
	return rc.index[key]
}

// cells lays a flattened record, found at pos, out along the columns.
func (rc *recordColumns) cells(pos Position, flat map[string]string, out []string) []string {
	rc.keys = rc.keys[:0]
	for k := range flat {
		if _, known := rc.index[k]; !known {
			rc.keys = append(rc.keys, k)
		}
	}
	if len(rc.keys) > 0 {
		sort.Strings(rc.keys) // new columns appear in a stable order
		dropped := 0
		for _, k := range rc.keys {
			if rc.add(k) < 0 {
				dropped++
			}
		}
		if dropped > 0 {
			rc.t.addStats(TableStats{DroppedValues: int64(dropped)})
			if !rc.capped {
				rc.capped = true
				rc.t.warn(pos, "more than %d different keys; the values of further keys are dropped and counted", rc.max)
			}
		}
	}
	out = slices.Grow(out[:0], len(rc.t.Columns))[:len(rc.t.Columns)]
	for i := range out {
		out[i] = ""
	}
	for k, v := range flat {
		if i, ok := rc.index[k]; ok {
			out[i] = v
		}
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
	parse := func(_ int, lineNo int64, line string, scratch []string) lineRow {
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
		return lineRow{cells: cols.cells(Position{File: name, Line: lineNo}, flat, scratch)}
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
		lines := newBoundedLines(in, r.opts.MaxRecordBytes)
		var start, record int64
		current := map[string]string{}
		var cells []string
		flush := func() error {
			if len(current) == 0 {
				return nil
			}
			record++
			pos := Position{File: t.File, Line: start, Record: record}
			cells = cols.cells(pos, current, cells)
			t.cleanRecord(cells, false)
			current = map[string]string{}
			return fn(0, Row{Pos: pos, Cells: cells})
		}
		for {
			raw, tooLong, err := lines.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("read %s: %w", name, err)
			}
			if lines.line%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if tooLong {
				t.addStats(TableStats{SkippedLines: 1})
				t.warn(Position{File: t.File, Line: lines.line}, "line is longer than %d bytes; skipped", r.opts.MaxRecordBytes)
				continue
			}
			l := strings.TrimSpace(string(raw))
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
				start = lines.line
			}
			current[key] = strings.TrimSpace(m[2])
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

// boundedLines reads lines of at most max bytes. A longer line is read
// through to its end without being kept, so that it costs no memory, and
// reported as too long; reading goes on at the next line.
type boundedLines struct {
	r    *bufio.Reader
	max  int
	line int64 // the number of the line next returned
	buf  []byte
}

func newBoundedLines(r io.Reader, max int) *boundedLines {
	return &boundedLines{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line with its line ending, valid until the next
// call, or tooLong and no text; io.EOF once there is no more.
func (b *boundedLines) next() (line []byte, tooLong bool, err error) {
	b.buf = b.buf[:0]
	read := false
	for {
		chunk, err := b.r.ReadSlice('\n')
		read = read || len(chunk) > 0
		if !tooLong {
			// The line ending does not count against the cap.
			if len(b.buf)+len(bytes.TrimRight(chunk, "\r\n")) > b.max {
				tooLong, b.buf = true, b.buf[:0]
			} else {
				b.buf = append(b.buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && !read:
			return nil, false, io.EOF
		case err != nil && !errors.Is(err, io.EOF):
			return nil, false, err
		}
		b.line++
		return b.buf, tooLong, nil
	}
}
