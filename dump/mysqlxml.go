package dump

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/leakdesk/leakdesk"
)

// FormatMySQLXML is the XML that mysqldump --xml and mariadb --xml write.
const FormatMySQLXML Format = "mysql-xml"

// declaredEncoding returns the encoding a MySQL or MariaDB dump declares,
// or "" for other files. A dump of a table with binary columns holds their
// bytes raw, control characters included, so that detecting the encoding
// from the bytes would call it binary or Windows-1252; the dump says what
// its text is.
func declaredEncoding(head []byte) string {
	if isMySQLXML(head) {
		decl := head[:bytes.Index(head, []byte("?>"))]
		if !bytes.Contains(decl, []byte("encoding")) {
			return EncUTF8 // the XML default
		}
		return ""
	}
	// MariaDB may put a line for its client before its banner.
	if bytes.HasPrefix(head, []byte("/*M!")) {
		head = head[bytes.IndexByte(head, '\n')+1:]
	}
	if !bytes.HasPrefix(head, []byte("-- MySQL dump ")) && !bytes.HasPrefix(head, []byte("-- MariaDB dump ")) {
		return ""
	}
	// mysqldump writes utf8mb4 unless told otherwise, and says so except
	// under --compatible.
	head = head[:min(len(head), 4096)]
	_, names, ok := bytes.Cut(head, []byte("SET NAMES "))
	if !ok {
		return EncUTF8
	}
	charset, _, _ := bytes.Cut(names, []byte(" "))
	switch strings.ToLower(string(bytes.Trim(charset, "'*/;\r\n"))) {
	case "utf8", "utf8mb3", "utf8mb4":
		return EncUTF8
	case "latin1": // MySQL's latin1 is Windows-1252
		return EncCP1252
	}
	return ""
}

// isMySQLXML recognises the XML of mysqldump --xml and mariadb --xml, in
// text that starts with its XML declaration.
func isMySQLXML[T string | []byte](text T) bool {
	head := []byte(text[:min(len(text), 4096)])
	if !bytes.HasPrefix(head, []byte("<?xml")) {
		return false
	}
	end := bytes.Index(head, []byte("?>"))
	if end < 0 {
		return false
	}
	root := trimXMLSpace(head[end+2:])
	for _, name := range []string{"<mysqldump", "<resultset"} {
		if rest, ok := bytes.CutPrefix(root, []byte(name)); ok && len(rest) > 0 && (isXMLSpace(rest[0]) || rest[0] == '>' || rest[0] == '/') {
			return true
		}
	}
	return false
}

// mysqlXML reads the XML of mysqldump --xml (<mysqldump><database>
// <table_structure name><field Field/> ... <table_data name><row><field
// name>) and of the mariadb client (<resultset statement><row><field name>)
// token by token.
type mysqlXML struct {
	s    *xmlScanner
	name string
	top  int                 // the depth inside the table being read
	cols map[string][]string // columns from each table_structure

	filled []bool // which columns the current row filled

	// the row read ahead to learn the columns of a table without structure
	ahead     []string
	aheadCols []string
	aheadLine int64
}

// xmlTable is the element that holds a table's rows.
type xmlTable struct {
	sheet   string
	columns []string
}

// readMySQLXML makes a table of each table_data or resultset, in order.
func (r *Reader) readMySQLXML(ctx context.Context, name, enc string, in *bufio.Reader, fn func(*Table) error) error {
	x := &mysqlXML{s: &xmlScanner{r: in, name: name, budget: r.opts.MaxRecordBytes}, name: name, cols: map[string][]string{}}
	tables := 0
	for {
		tab, err := x.nextTable()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		tables++
		if err := r.emit(ctx, x.table(enc, tab), fn); err != nil {
			return err
		}
	}
	if tables == 0 {
		// A dump of empty databases: say so with a table without rows.
		return r.emit(ctx, &Table{File: name, Format: FormatMySQLXML, Encoding: enc, Columns: []string{}, each: noRows, emptyIsReal: true}, fn)
	}
	return nil
}

// nextTable skips to the next element that holds rows, noting the columns
// each table_structure declares on the way.
func (x *mysqlXML) nextTable() (*xmlTable, error) {
	var structure string // the table_structure being read
	for {
		x.s.mark()
		tok, err := x.s.next()
		if err != nil {
			return nil, err
		}
		switch {
		case tok == xmlEnd && x.s.is("table_structure"):
			structure = ""
		case tok != xmlStart:
		case x.s.is("table_structure"):
			structure = string(x.s.attr("name"))
			x.cols[structure] = nil
		case x.s.is("field") && structure != "":
			if f := x.s.attr("Field"); len(f) > 0 {
				x.cols[structure] = append(x.cols[structure], string(f))
			}
		case x.s.is("table_data"):
			x.top = x.s.depth
			tab := &xmlTable{sheet: string(x.s.attr("name"))}
			tab.columns = x.cols[tab.sheet]
			delete(x.cols, tab.sheet)
			return x.lookAhead(tab)
		case x.s.is("resultset"):
			x.top = x.s.depth
			return x.lookAhead(&xmlTable{sheet: clip(strings.Join(strings.Fields(string(x.s.attr("statement"))), " "), 200)})
		}
	}
}

// lookAhead reads the first row of a table whose columns no structure
// declared, to name them from its fields.
func (x *mysqlXML) lookAhead(tab *xmlTable) (*xmlTable, error) {
	if tab.columns != nil {
		return tab, nil
	}
	x.ahead, x.aheadCols = nil, []string{}
	cells, line, ok, err := x.row(nil, &x.aheadCols)
	if err != nil {
		return nil, err
	}
	tab.columns = x.aheadCols
	if ok {
		x.ahead, x.aheadLine = cells, line
	}
	return tab, nil
}

// table returns the table whose rows are read from the scanner.
func (x *mysqlXML) table(enc string, tab *xmlTable) *Table {
	t := &Table{File: x.name, Sheet: tab.sheet, Format: FormatMySQLXML, Encoding: enc, Columns: append([]string{}, tab.columns...), HasHeader: true, emptyIsReal: true}
	ahead, aheadLine := x.ahead, x.aheadLine
	x.ahead = nil
	t.each = func(ctx context.Context, _ int, fn func(int, Row) error) error {
		var record int64
		emit := func(cells []string, line int64, irregular bool) error {
			record++
			t.cleanRecord(cells, irregular)
			return fn(0, Row{Pos: Position{File: x.name, Sheet: tab.sheet, Line: line, Record: record}, Cells: cells})
		}
		if ahead != nil {
			if err := emit(ahead, aheadLine, false); err != nil {
				return err
			}
		}
		var cells []string
		for {
			if record%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			width := len(t.Columns)
			var line int64
			var ok bool
			var err error
			cells, line, ok, err = x.row(cells[:0], &t.Columns)
			if err != nil || !ok {
				return err
			}
			if err := emit(cells, line, len(t.Columns) > width); err != nil {
				return err
			}
		}
	}
	return t
}

// row reads the next <row> of the current table into cells, one for each
// of *cols, adding to *cols the fields it does not name. It returns false
// at the end of the table.
func (x *mysqlXML) row(cells []string, cols *[]string) ([]string, int64, bool, error) {
	for x.s.depth >= x.top {
		x.s.mark()
		tok, err := x.s.next()
		if err != nil {
			return nil, 0, false, err
		}
		if tok == xmlStart && x.s.depth == x.top+1 && x.s.is("row") {
			line := x.s.tagLine
			cells, err := x.fields(cells, cols)
			return cells, line, err == nil, err
		}
	}
	return nil, 0, false, nil // the table ended
}

// fields reads the fields of a row whose start was read. Fields are matched
// to columns by their place first, so that a result with two columns of the
// same name keeps both, then by name.
func (x *mysqlXML) fields(cells []string, cols *[]string) ([]string, error) {
	x.filled = x.filled[:0]
	for range *cols {
		cells = append(cells, "")
		x.filled = append(x.filled, false)
	}
	top := x.s.depth // inside the row
	next := 0        // the column the next field is expected to fill
	for {
		tok, err := x.s.next()
		if err != nil {
			return nil, err
		}
		if x.s.depth < top {
			return cells, nil // </row>
		}
		if tok != xmlStart || x.s.depth != top+1 || !x.s.is("field") {
			continue
		}
		i := x.column(x.s.attr("name"), next, cols)
		for len(cells) <= i {
			cells = append(cells, "")
		}
		// The text of the field, at any depth; xsi:nil fields are empty.
		x.s.value = x.s.value[:0]
		for x.s.depth > top {
			tok, err := x.s.next()
			if err != nil {
				return nil, err
			}
			if tok == xmlText {
				x.s.value = append(x.s.value, x.s.text...)
			}
		}
		cells[i], next = string(x.s.value), i+1
	}
}

// column returns the column of the field named name, expected at next:
// there, or the first column of that name the row has not filled yet, or a
// new column.
func (x *mysqlXML) column(name []byte, next int, cols *[]string) int {
	i := next
	if i >= len(*cols) || (*cols)[i] != string(name) {
		i = -1
		for j, c := range *cols {
			if c == string(name) && !x.filled[j] {
				i = j
				break
			}
		}
	}
	if i < 0 {
		i = len(*cols)
		*cols = append(*cols, string(name))
		x.filled = append(x.filled, false)
	}
	x.filled[i] = true
	return i
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// xmlToken is what xmlScanner.next found.
type xmlToken int

const (
	xmlStart xmlToken = iota + 1 // a start tag, or an empty element
	xmlEnd                       // an end tag, or the end of an empty element
	xmlText                      // text or CDATA, references resolved
)

// xmlScanner splits XML into tags and text. encoding/xml alone, doing
// nothing with its tokens, costs more per megabyte than the whole SQL
// reader: this reads whole slices of the buffer instead of a byte at a
// time, and allocates nothing per token. It takes the bytes as they are:
// dumps of binary columns hold raw bytes, which encoding/xml refuses, and
// cells are made valid UTF-8 later like any other. It keeps the names of
// the open elements to check that they nest, and stops a stretch between
// two marks that grows beyond the budget: a row, or what lies between rows.
type xmlScanner struct {
	r       *bufio.Reader
	name    string
	line    int64 // newlines read
	tagLine int64 // the line where the last tag started
	budget  int
	used    int // bytes read since the mark

	open []byte // the names of the open elements, one after the other
	ends []int  // where each name in open ends
	// depth is len(ends): how many elements are open
	depth int

	tag     []byte      // the last tag, without its brackets
	tagName []byte      // in tag
	attrs   [][2][]byte // the last start tag's attributes: name and resolved value
	closing bool        // the last start tag was an empty element: its end comes next
	text    []byte      // the last text, references resolved
	textBuf []byte      // the memory of text, when references were resolved
	pending []byte      // the first pieces of a text longer than the buffer
	value   []byte      // a field's text, for the caller
	afterLT bool        // the '<' of the next tag was read
}

func (s *xmlScanner) mark() { s.used = 0 }

// is reports whether the last tag read has the name.
func (s *xmlScanner) is(name string) bool { return string(s.tagName) == name }

// attr returns the value of the last start tag's attribute, without its
// prefix (xsi:nil is nil), or nil.
func (s *xmlScanner) attr(name string) []byte {
	for _, a := range s.attrs {
		local := a[0]
		if i := bytes.IndexByte(local, ':'); i >= 0 {
			local = local[i+1:]
		}
		if string(local) == name {
			return a[1]
		}
	}
	return nil
}

// current returns the name of the innermost open element.
func (s *xmlScanner) current() []byte {
	start := 0
	if s.depth > 1 {
		start = s.ends[s.depth-2]
	}
	return s.open[start:s.ends[s.depth-1]]
}

func (s *xmlScanner) pop() {
	s.open = s.open[:len(s.open)-len(s.current())]
	s.ends = s.ends[:s.depth-1]
	s.depth--
}

func (s *xmlScanner) errorf(format string, args ...any) error {
	return leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: %s", s.name, s.line+1, fmt.Sprintf(format, args...))
}

// readError turns an error met inside a construct into the scanner's.
func (s *xmlScanner) readError(err error, inside string) error {
	var e *leakdesk.Error
	switch {
	case errors.As(err, &e):
		return err
	case errors.Is(err, io.EOF) && s.depth > 0 && inside == "":
		return s.errorf("the XML ends inside <%s>: truncated", s.current())
	case errors.Is(err, io.EOF) && inside != "":
		return s.errorf("the XML ends inside %s: truncated", inside)
	case errors.Is(err, io.EOF):
		return io.EOF
	}
	return fmt.Errorf("read %s: %w", s.name, err)
}

// next reads the next tag or text. It returns io.EOF only where the
// document may end: outside every element.
func (s *xmlScanner) next() (xmlToken, error) {
	if s.closing {
		s.closing = false
		s.pop()
		return xmlEnd, nil
	}
	for {
		if !s.afterLT {
			c, err := s.r.ReadByte()
			if err != nil {
				return 0, s.readError(err, "")
			}
			if c != '<' {
				s.r.UnreadByte()
				return xmlText, s.readText()
			}
		}
		s.afterLT = false
		s.tagLine = s.line + 1
		tok, err := s.readTag()
		if err != nil || tok != 0 {
			return tok, err
		}
		// a comment, a processing instruction or a declaration: go on
	}
}

// read returns the bytes up to and including delim, counting lines and
// the budget. A stretch longer than the buffer comes in pieces, with
// bufio.ErrBufferFull.
func (s *xmlScanner) read(delim byte) ([]byte, error) {
	b, err := s.r.ReadSlice(delim)
	s.line += int64(bytes.Count(b, []byte{'\n'}))
	if s.used += len(b); s.used > s.budget {
		return nil, s.errorf("a record longer than %d bytes; stopped (raise --max-record to read it)", s.budget)
	}
	return b, err
}

// readText reads text up to the next '<' or, outside every element, the
// end.
func (s *xmlScanner) readText() error {
	s.pending = s.pending[:0]
	for {
		b, err := s.read('<')
		switch {
		case err == nil:
			s.afterLT = true
			s.resolveText(b[:len(b)-1])
			return nil
		case errors.Is(err, bufio.ErrBufferFull):
			s.pending = append(s.pending, b...)
		case errors.Is(err, io.EOF) && s.depth == 0:
			s.resolveText(b)
			return nil
		default:
			return s.readError(err, "")
		}
	}
}

// resolveText sets text to raw, after the pending pieces, with references
// resolved; raw is used as it is when that changes nothing.
func (s *xmlScanner) resolveText(raw []byte) {
	if len(s.pending) > 0 {
		s.pending = append(s.pending, raw...)
		raw = s.pending
	}
	if bytes.IndexByte(raw, '&') < 0 {
		s.text = raw
		return
	}
	s.textBuf = resolveRefs(s.textBuf[:0], raw)
	s.text = s.textBuf
}

// resolveRefs appends raw to dst with entity and character references
// replaced. Unknown references are kept as they are.
func resolveRefs(dst, raw []byte) []byte {
	for {
		i := bytes.IndexByte(raw, '&')
		if i < 0 {
			return append(dst, raw...)
		}
		dst = append(dst, raw[:i]...)
		raw = raw[i:]
		end := bytes.IndexByte(raw[:min(len(raw), 12)], ';')
		if end < 0 {
			dst = append(dst, '&')
			raw = raw[1:]
			continue
		}
		ref := raw[1:end]
		switch string(ref) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			if r, ok := charRef(ref); ok {
				dst = utf8.AppendRune(dst, r)
			} else {
				dst = append(dst, raw[:end+1]...)
			}
		}
		raw = raw[end+1:]
	}
}

// charRef reads #233 or #xE9.
func charRef(ref []byte) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	base, digits := 10, ref[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	n, err := strconv.ParseUint(string(digits), base, 21)
	if err != nil || !utf8.ValidRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// readTag reads what follows a '<': a tag, which it returns, or a comment,
// a CDATA section (returned as text), a declaration or a processing
// instruction, skipped with a zero token.
func (s *xmlScanner) readTag() (xmlToken, error) {
	p, err := s.r.Peek(1)
	if err != nil {
		return 0, s.readError(err, "a tag")
	}
	switch p[0] {
	case '!':
		if p, _ := s.r.Peek(3); string(p) == "!--" {
			return 0, s.skipPast("!--", "-->")
		}
		if p, _ := s.r.Peek(8); string(p) == "![CDATA[" {
			return xmlText, s.readCDATA()
		}
		return 0, s.readTagBytes(false) // <!DOCTYPE ...>
	case '?':
		return 0, s.skipPast("?", "?>")
	}
	if err := s.readTagBytes(true); err != nil {
		return 0, err
	}
	if s.tag[0] == '/' {
		return xmlEnd, s.endTag(bytes.TrimRight(s.tag[1:], " \t\r\n"))
	}
	return xmlStart, s.startTag()
}

// readUntil appends to dst what is read up to a '>' after which done
// holds, '>' included.
func (s *xmlScanner) readUntil(dst []byte, inside string, done func([]byte) bool) ([]byte, error) {
	for {
		b, err := s.read('>')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return dst, s.readError(err, inside)
		}
		dst = append(dst, b...)
		if err == nil && done(dst) {
			return dst, nil
		}
	}
}

// readTagBytes reads a tag up to its '>', which may also stand inside a
// quoted attribute value when the tag has attributes.
func (s *xmlScanner) readTagBytes(attributes bool) error {
	var err error
	s.tag, err = s.readUntil(s.tag[:0], "a tag", func(b []byte) bool { return !attributes || balancedQuotes(b) })
	if err != nil {
		return err
	}
	if s.tag = s.tag[:len(s.tag)-1]; len(s.tag) == 0 {
		return s.errorf("damaged XML: an empty tag <>")
	}
	return nil
}

func balancedQuotes(b []byte) bool {
	var q byte
	for _, c := range b {
		switch {
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case c == q:
			q = 0
		}
	}
	return q == 0
}

// skipPast skips a comment or a processing instruction, from its opening
// after the '<' to its end.
func (s *xmlScanner) skipPast(open, end string) error {
	var err error
	s.tag, err = s.readUntil(s.tag[:0], "a comment", func(b []byte) bool {
		return len(b) >= len(open)+len(end) && bytes.HasSuffix(b, []byte(end))
	})
	return err
}

// readCDATA reads a CDATA section's text up to "]]>".
func (s *xmlScanner) readCDATA() error {
	s.r.Discard(len("![CDATA["))
	var err error
	s.textBuf, err = s.readUntil(s.textBuf[:0], "a CDATA section", func(b []byte) bool { return bytes.HasSuffix(b, []byte("]]>")) })
	s.text = s.textBuf[:max(len(s.textBuf)-3, 0)]
	return err
}

// startTag splits the tag read into its name and attributes, and opens the
// element.
func (s *xmlScanner) startTag() error {
	tag := s.tag
	if tag[len(tag)-1] == '/' {
		tag, s.closing = tag[:len(tag)-1], true
	}
	n := 0
	for n < len(tag) && !isXMLSpace(tag[n]) {
		n++
	}
	s.tagName, tag = tag[:n], tag[n:]
	if n == 0 || !xmlName(s.tagName) {
		return s.errorf("damaged XML: a tag without a name")
	}
	s.attrs = s.attrs[:0]
	for {
		tag = trimXMLSpace(tag)
		if len(tag) == 0 {
			break
		}
		eq := bytes.IndexByte(tag, '=')
		if eq <= 0 {
			return s.errorf("damaged XML: an attribute without a value in <%s>", s.tagName)
		}
		name := tag[:eq]
		for len(name) > 0 && isXMLSpace(name[len(name)-1]) {
			name = name[:len(name)-1]
		}
		tag = trimXMLSpace(tag[eq+1:])
		if len(tag) == 0 || tag[0] != '"' && tag[0] != '\'' {
			return s.errorf("damaged XML: an attribute value without quotes in <%s>", s.tagName)
		}
		end := bytes.IndexByte(tag[1:], tag[0]) + 1
		if end == 0 {
			return s.errorf("damaged XML: an attribute value without its closing quote in <%s>", s.tagName)
		}
		value := tag[1:end]
		if bytes.IndexByte(value, '&') >= 0 {
			value = resolveRefs(nil, value)
		}
		s.attrs = append(s.attrs, [2][]byte{name, value})
		tag = tag[end+1:]
	}
	if s.depth >= maxXMLDepth {
		return s.errorf("elements nest deeper than %d levels: not a MySQL dump", maxXMLDepth)
	}
	s.open = append(s.open, s.tagName...)
	s.ends = append(s.ends, len(s.open))
	s.depth++
	return nil
}

// endTag closes the element the tag names, which must be the last opened.
func (s *xmlScanner) endTag(name []byte) error {
	if s.depth == 0 || !bytes.Equal(s.current(), name) {
		return s.errorf("damaged XML: </%s> closes no open element", name)
	}
	s.tagName = name
	s.pop()
	return nil
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimXMLSpace(b []byte) []byte {
	for len(b) > 0 && isXMLSpace(b[0]) {
		b = b[1:]
	}
	return b
}

// xmlName reports names without the characters that cannot be in one.
func xmlName(b []byte) bool {
	for _, c := range b {
		switch c {
		case '<', '&', '"', '\'', '=':
			return false
		}
	}
	return true
}
