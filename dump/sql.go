package dump

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// sqlScanner reads SQL dumps byte by byte: mysqldump INSERT statements,
// multi-row and with MySQL escapes, and pg_dump's COPY ... FROM stdin
// blocks and INSERT statements in every mode.
type sqlScanner struct {
	r       *bufio.Reader
	name    string
	line    int64 // lines read so far
	rowLine int64 // the line where the last row read starts
	maxCell int
	created map[string][]string // columns declared by CREATE TABLE, by table name with and without schema
	// pgStrings is set by "SET standard_conforming_strings": from then on
	// strings follow PostgreSQL, where a backslash in '...' is a plain
	// character when the setting is on. Until then, MySQL's escapes hold.
	pgStrings, stdStrings bool
	// dumpOpen is set between pg_dump's first and last comments: a dump
	// that ends in between was cut short.
	dumpOpen bool
}

// sqlStatement is the head of a statement that carries rows.
type sqlStatement struct {
	kind    string // "insert" or "copy"
	table   string
	columns []string
	line    int64
}

func (s *sqlScanner) readByte() (byte, error) {
	c, err := s.r.ReadByte()
	if c == '\n' {
		s.line++
	}
	return c, err
}

func (s *sqlScanner) unread(c byte) {
	s.r.UnreadByte()
	if c == '\n' {
		s.line--
	}
}

// skipSpace skips blanks and comments.
func (s *sqlScanner) skipSpace() error {
	for {
		c, err := s.readByte()
		if err != nil {
			return err
		}
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case c == '#':
			if err := s.skipLine(); err != nil {
				return err
			}
		case c == '-':
			next, err := s.r.Peek(1)
			if err == nil && next[0] == '-' {
				if err := s.comment(); err != nil {
					return err
				}
				continue
			}
			s.unread(c)
			return nil
		case c == '/':
			next, err := s.r.Peek(1)
			if err == nil && next[0] == '*' {
				if err := s.skipBlockComment(); err != nil {
					return err
				}
				continue
			}
			s.unread(c)
			return nil
		default:
			s.unread(c)
			return nil
		}
	}
}

// comment skips a "--" comment whose first '-' was read, noting pg_dump's
// first and last ones.
func (s *sqlScanner) comment() error {
	var head [48]byte
	n := 0
	for {
		c, err := s.readByte()
		if err != nil || c == '\n' {
			text := string(head[:n])
			if strings.HasPrefix(text, "- PostgreSQL database dump") || strings.HasPrefix(text, "- PostgreSQL database cluster dump") {
				s.dumpOpen = !strings.HasSuffix(strings.TrimSpace(text), " complete")
			}
			return err
		}
		if n < len(head) {
			head[n], n = c, n+1
		}
	}
}

func (s *sqlScanner) skipLine() error {
	for {
		c, err := s.readByte()
		if err != nil || c == '\n' {
			return err
		}
	}
}

func (s *sqlScanner) skipBlockComment() error {
	s.readByte() // '*'
	prev := byte(0)
	for {
		c, err := s.readByte()
		if err != nil {
			return err
		}
		if prev == '*' && c == '/' {
			return nil
		}
		prev = c
	}
}

// word reads an identifier or keyword, unquoting `x`, "x" and [x].
func (s *sqlScanner) word() (string, error) {
	if err := s.skipSpace(); err != nil {
		return "", err
	}
	c, err := s.readByte()
	if err != nil {
		return "", err
	}
	if close := map[byte]byte{'`': '`', '"': '"', '[': ']'}[c]; close != 0 {
		var b strings.Builder
		for {
			c, err := s.readByte()
			if err != nil {
				return "", err
			}
			if c == close {
				// A doubled quote stands for itself: "a""b" is a"b.
				if next, err := s.r.Peek(1); err != nil || next[0] != close || close == ']' {
					return b.String(), nil
				}
				s.readByte()
			}
			b.WriteByte(c)
		}
	}
	var b strings.Builder
	for isWordByte(c) {
		b.WriteByte(c)
		if c, err = s.readByte(); err != nil {
			return b.String(), nil
		}
	}
	if b.Len() == 0 {
		return string(c), nil
	}
	s.unread(c)
	return b.String(), nil
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// qualifiedName reads a table name such as `db`.`customers` or
// public."Contacts", unquoted and joined with dots.
func (s *sqlScanner) qualifiedName() (string, error) {
	name, err := s.nameWord()
	for err == nil {
		next, perr := s.r.Peek(1)
		if perr != nil || next[0] != '.' {
			break
		}
		s.readByte()
		var part string
		part, err = s.nameWord()
		name += "." + part
	}
	return name, err
}

// columnsOf returns the columns CREATE TABLE declared for a table, named
// with or without its schema.
func (s *sqlScanner) columnsOf(table string) []string {
	if cols, ok := s.created[table]; ok {
		return cols
	}
	return s.created[table[strings.LastIndexByte(table, '.')+1:]]
}

// nameWord reads a name, which SQLite also writes in single quotes
// (.dump writes CREATE TABLE 'notes_data' for FTS5 tables).
func (s *sqlScanner) nameWord() (string, error) {
	w, err := s.word()
	if err == nil && w == "'" {
		return s.quoted('\'')
	}
	return w, err
}

// nextStatement skips to the next statement that carries rows. It returns
// io.EOF at the end of the dump.
func (s *sqlScanner) nextStatement() (*sqlStatement, error) {
	for {
		w, err := s.word()
		if err != nil {
			return nil, err
		}
		switch strings.ToUpper(w) {
		case "INSERT", "REPLACE":
			st := &sqlStatement{kind: "insert", line: s.line + 1}
			for {
				w, err := s.word()
				if err != nil {
					return nil, err
				}
				if strings.EqualFold(w, "INTO") {
					break
				}
			}
			if st.table, err = s.qualifiedName(); err != nil {
				return nil, err
			}
			if st.columns, err = s.columnList(); err != nil {
				return nil, err
			}
			w, err := s.word()
			if err != nil {
				return nil, err
			}
			if !strings.EqualFold(w, "VALUES") && !strings.EqualFold(w, "VALUE") {
				if err := s.skipStatement(); err != nil {
					return nil, err
				}
				continue // INSERT ... SELECT carries no literal rows
			}
			if st.columns == nil {
				st.columns = s.columnsOf(st.table)
			}
			return st, nil
		case "COPY":
			st := &sqlStatement{kind: "copy", line: s.line + 1}
			if st.table, err = s.qualifiedName(); err != nil {
				return nil, err
			}
			if st.columns, err = s.columnList(); err != nil {
				return nil, err
			}
			if st.columns == nil {
				st.columns = s.columnsOf(st.table)
			}
			from, _ := s.word()
			src, _ := s.word()
			if src == "'" {
				// COPY t FROM 'file': the data is elsewhere.
				if _, err := s.quoted('\''); err != nil {
					return nil, err
				}
			}
			if err := s.skipStatement(); err != nil {
				return nil, err
			}
			if err := s.skipLine(); err != nil { // the data starts on the next line
				return nil, err
			}
			if !strings.EqualFold(from, "FROM") || !strings.EqualFold(src, "stdin") {
				continue
			}
			return st, nil
		case "CREATE":
			if err := s.createTable(); err != nil {
				return nil, err
			}
		case "SET":
			if err := s.set(); err != nil {
				return nil, err
			}
		case "\\":
			// A psql meta-command, such as pg_dump's \restrict: it ends
			// with its line, not with a semicolon.
			if err := s.skipLine(); err != nil {
				return nil, err
			}
		case ";":
		default:
			if err := s.skipStatement(); err != nil {
				return nil, err
			}
		}
	}
}

// columnList reads an optional parenthesised list of column names.
func (s *sqlScanner) columnList() ([]string, error) {
	if err := s.skipSpace(); err != nil {
		return nil, err
	}
	next, err := s.r.Peek(1)
	if err != nil || next[0] != '(' {
		return nil, nil
	}
	s.readByte()
	var cols []string
	for {
		w, err := s.word()
		if err != nil {
			return nil, err
		}
		switch w {
		case ")":
			return cols, nil
		case ",":
		default:
			cols = append(cols, w)
		}
	}
}

// createTable records the column names of CREATE TABLE name (...).
func (s *sqlScanner) createTable() error {
	w, err := s.word()
	if err != nil || !strings.EqualFold(w, "TABLE") {
		return s.skipStatement()
	}
	name, err := s.qualifiedName()
	for err == nil && (strings.EqualFold(name, "IF") || strings.EqualFold(name, "NOT") || strings.EqualFold(name, "EXISTS")) {
		name, err = s.qualifiedName()
	}
	if err != nil {
		return err
	}
	if err := s.skipSpace(); err != nil {
		return err
	}
	if c, err := s.readByte(); err != nil || c != '(' {
		return s.skipStatement()
	}
	var cols []string
	depth, expectName := 1, true
	for depth > 0 {
		w, err := s.word()
		if err != nil {
			return err
		}
		switch {
		case w == "(":
			depth++
		case w == ")":
			depth--
		case w == "," && depth == 1:
			expectName = true
		case w == "'":
			if _, err := s.quoted('\''); err != nil {
				return err
			}
		case expectName && depth == 1:
			expectName = false
			switch strings.ToUpper(w) {
			case "PRIMARY", "KEY", "UNIQUE", "INDEX", "CONSTRAINT", "FOREIGN", "CHECK", "FULLTEXT", "SPATIAL", "EXCLUDE":
			default:
				cols = append(cols, w)
			}
		}
	}
	s.created[name] = cols
	s.created[name[strings.LastIndexByte(name, '.')+1:]] = cols
	return s.skipStatement()
}

// set follows SET standard_conforming_strings, which says how pg_dump
// wrote the strings that follow.
func (s *sqlScanner) set() error {
	w, err := s.word()
	if err != nil || !strings.EqualFold(w, "standard_conforming_strings") {
		return s.skipStatement()
	}
	if _, err := s.word(); err != nil { // "=" or TO
		return err
	}
	v, err := s.word()
	if err != nil {
		return err
	}
	if v == "'" {
		if v, err = s.quoted('\''); err != nil {
			return err
		}
	}
	s.pgStrings, s.stdStrings = true, strings.EqualFold(v, "on")
	return s.skipStatement()
}

// skipStatement skips to the end of the statement, past quoted text and
// the dollar-quoted bodies of functions, whose semicolons end nothing.
func (s *sqlScanner) skipStatement() error {
	prev := byte(0)
	for {
		c, err := s.readByte()
		if err != nil {
			return err
		}
		switch {
		case c == ';':
			return nil
		case c == '\'' && (prev == 'E' || prev == 'e'):
			if _, err := s.escaped(); err != nil {
				return err
			}
		case c == '\'' || c == '"':
			if _, err := s.quoted(c); err != nil {
				return err
			}
		case c == '$' && !isWordByte(prev):
			if err := s.skipDollarQuoted(); err != nil {
				return err
			}
		}
		prev = c
	}
}

// skipDollarQuoted skips a PostgreSQL dollar-quoted string, $$...$$ or
// $tag$...$tag$, whose opening '$' was read. A '$' that opens no such
// string (a parameter such as $1) is left as it is.
func (s *sqlScanner) skipDollarQuoted() error {
	tag := []byte{'$'}
	for {
		next, err := s.r.Peek(1)
		if err != nil {
			return nil
		}
		c := next[0]
		if c == '$' {
			s.readByte()
			tag = append(tag, c)
			break
		}
		if !isWordByte(c) || c >= '0' && c <= '9' && len(tag) == 1 || len(tag) > 64 {
			return nil
		}
		s.readByte()
		tag = append(tag, c)
	}
	start := s.line + 1
	matched := 0
	for n := 0; ; n++ {
		c, err := s.readByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: unterminated dollar-quoted string %s", s.name, start, tag)
			}
			return err
		}
		if n > s.maxCell {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: a dollar-quoted string longer than %d bytes, probably unterminated", s.name, start, s.maxCell)
		}
		switch {
		case c == tag[matched]:
			matched++
		case c == tag[0]:
			matched = 1
		default:
			matched = 0
		}
		if matched == len(tag) {
			return nil
		}
	}
}

// quoted reads a string whose opening quote was read, with doubled quotes
// (standard SQL) and backslash escapes, as MySQL writes them, or as
// PostgreSQL does when standard_conforming_strings is off.
func (s *sqlScanner) quoted(q byte) (string, error) {
	return s.readQuoted(q, q == '\'' && !(s.pgStrings && s.stdStrings), s.pgStrings)
}

// escaped reads a PostgreSQL E'...' string whose E and quote were read.
func (s *sqlScanner) escaped() (string, error) {
	return s.readQuoted('\'', true, true)
}

func (s *sqlScanner) readQuoted(q byte, backslashes, pg bool) (string, error) {
	start := s.line + 1
	var b strings.Builder
	for {
		c, err := s.readByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: unterminated string", s.name, start)
			}
			return "", err
		}
		if b.Len() > s.maxCell {
			return "", leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: a string longer than %d bytes, probably unterminated", s.name, start, s.maxCell)
		}
		switch c {
		case '\\':
			if !backslashes {
				b.WriteByte(c)
				continue
			}
			e, err := s.readByte()
			if err != nil {
				return "", leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: unterminated string", s.name, start)
			}
			if pg {
				s.pgEscape(&b, e)
				continue
			}
			b.WriteString(map[byte]string{'n': "\n", 't': "\t", 'r': "\r", '0': "\x00", 'Z': "\x1a", 'b': "\b"}[e])
			if !strings.ContainsRune("ntr0Zb", rune(e)) {
				b.WriteByte(e)
			}
		case q:
			next, err := s.r.Peek(1)
			if err == nil && next[0] == q {
				s.readByte()
				b.WriteByte(q)
				continue
			}
			return b.String(), nil
		default:
			b.WriteByte(c)
		}
	}
}

// pgEscape writes what PostgreSQL's backslash escape \e stands for: \b \f
// \n \r \t, octal \ooo, hexadecimal \xhh, Unicode \uXXXX and \UXXXXXXXX;
// any other character stands for itself.
func (s *sqlScanner) pgEscape(b *strings.Builder, e byte) {
	if simple, ok := map[byte]byte{'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}[e]; ok {
		b.WriteByte(simple)
		return
	}
	digits := func(base, most int, first byte) (rune, bool) {
		var v rune
		n := 0
		if first != 0 {
			v, n = rune(first-'0'), 1
		}
		for n < most {
			next, err := s.r.Peek(1)
			if err != nil {
				break
			}
			d, err := strconv.ParseUint(string(next[0]), base, 8)
			if err != nil {
				break
			}
			s.readByte()
			v, n = v*rune(base)+rune(d), n+1
		}
		return v, n > 0
	}
	switch {
	case e >= '0' && e <= '7':
		v, _ := digits(8, 3, e)
		b.WriteByte(byte(v))
	case e == 'x':
		if v, ok := digits(16, 2, 0); ok {
			b.WriteByte(byte(v))
			return
		}
		b.WriteByte(e)
	case e == 'u' || e == 'U':
		if v, ok := digits(16, map[byte]int{'u': 4, 'U': 8}[e], 0); ok {
			b.WriteRune(v)
			return
		}
		b.WriteByte(e)
	default:
		b.WriteByte(e)
	}
}

// skipCast skips a PostgreSQL cast after a literal, as in '1 day'::interval.
func (s *sqlScanner) skipCast() error {
	for {
		if err := s.skipSpace(); err != nil {
			return err
		}
		next, err := s.r.Peek(2)
		if err != nil || string(next) != "::" {
			return nil
		}
		s.readByte()
		s.readByte()
		if _, err := s.qualifiedName(); err != nil {
			return err
		}
		// A type modifier or array brackets: varchar(3), text[].
		for {
			if err := s.skipSpace(); err != nil {
				return err
			}
			next, err := s.r.Peek(1)
			if err != nil || next[0] != '(' && next[0] != '[' {
				break
			}
			close := map[byte]byte{'(': ')', '[': ']'}[next[0]]
			for c := byte(0); c != close; {
				if c, err = s.readByte(); err != nil {
					return err
				}
			}
		}
	}
}

// tuple reads one parenthesised row of values. It returns false at the end
// of the statement.
func (s *sqlScanner) tuple(cells []string) ([]string, bool, error) {
	if err := s.skipSpace(); err != nil {
		return nil, false, err
	}
	c, err := s.readByte()
	if err != nil {
		return nil, false, err
	}
	switch c {
	case ',':
		return s.tuple(cells)
	case ';':
		return nil, false, nil
	case '(':
		s.rowLine = s.line + 1
	default:
		return nil, false, leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: expected a row of values, found %q", s.name, s.line+1, c)
	}
	for {
		if err := s.skipSpace(); err != nil {
			return nil, false, err
		}
		c, err := s.readByte()
		if err != nil {
			return nil, false, err
		}
		if next, err := s.r.Peek(1); (c == 'E' || c == 'e') && err == nil && next[0] == '\'' {
			s.readByte()
			v, err := s.escaped()
			if err != nil {
				return nil, false, err
			}
			cells = append(cells, v)
			if err := s.skipCast(); err != nil {
				return nil, false, err
			}
			continue
		}
		switch c {
		case '\'', '"':
			v, err := s.quoted(c)
			if err != nil {
				return nil, false, err
			}
			cells = append(cells, v)
			if err := s.skipCast(); err != nil {
				return nil, false, err
			}
		case ')':
			return cells, true, nil
		case ',':
		default:
			// A number, NULL, or an expression such as _binary 0x41 or NOW().
			var b strings.Builder
			depth := 0
			for ; ; c, err = s.readByte() {
				if err != nil {
					return nil, false, leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: row ends early", s.name, s.line+1)
				}
				if depth == 0 && (c == ',' || c == ')') {
					s.unread(c)
					break
				}
				if c == '(' {
					depth++
				} else if c == ')' {
					depth--
				}
				b.WriteByte(c)
			}
			v := strings.TrimSpace(b.String())
			if i := strings.Index(v, "::"); i > 0 && !strings.ContainsAny(v[:i], "('\"") {
				v = strings.TrimSpace(v[:i]) // NULL::text, 42::bigint
			}
			if strings.EqualFold(v, "NULL") {
				v = ""
			}
			cells = append(cells, v)
		}
	}
}

// copyRow reads one line of a COPY block: tab-separated, \N for NULL,
// backslash escapes. It returns false at the closing "\.".
func (s *sqlScanner) copyRow(cells []string) ([]string, bool, error) {
	line, err := s.r.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		if errors.Is(err, io.EOF) {
			return nil, false, leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: COPY data ends without \\.", s.name, s.line+1)
		}
		return nil, false, err
	}
	s.line++
	s.rowLine = s.line
	line = strings.TrimRight(line, "\r\n")
	if line == `\.` {
		return nil, false, nil
	}
	for _, f := range strings.Split(line, "\t") {
		if f == `\N` {
			cells = append(cells, "")
			continue
		}
		cells = append(cells, unescapeCopy(f))
	}
	return cells, true, nil
}

// unescapeCopy reads a field of COPY's text format: \\, \t, \n and \r stand
// for themselves unescaped. Most fields hold no backslash at all.
func unescapeCopy(f string) string {
	if strings.IndexByte(f, '\\') < 0 {
		return f
	}
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '\\' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		switch f[i+1] {
		case '\\':
			b.WriteByte('\\')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte('\\')
			continue // any other escape is kept as written
		}
		i++
	}
	return b.String()
}

// readSQL makes a table of the rows of each table the dump inserts into, in
// order; consecutive statements for the same table join one table.
func (r *Reader) readSQL(ctx context.Context, name, enc string, in *bufio.Reader, fn func(*Table) error) error {
	return r.sqlTables(ctx, r.newSQLScanner(name, in), enc, FormatSQL, fn)
}

func (r *Reader) newSQLScanner(name string, in *bufio.Reader) *sqlScanner {
	return &sqlScanner{r: in, name: name, maxCell: r.opts.MaxRecordBytes, created: map[string][]string{}}
}

// sqlTables makes the tables of what s reads.
func (r *Reader) sqlTables(ctx context.Context, s *sqlScanner, enc string, format Format, fn func(*Table) error) error {
	name := s.name
	st, err := s.nextStatement()
	for err == nil {
		var next *sqlStatement
		t := &Table{File: name, Sheet: st.table, Format: format, Encoding: enc, Columns: append([]string(nil), st.columns...), HasHeader: st.columns != nil, emptyIsReal: true}
		current := st
		t.each = func(ctx context.Context, _ int, fn func(int, Row) error) error {
			var record int64
			var cells []string
			for {
				var more bool
				var err error
				if current.kind == "copy" {
					cells, more, err = s.copyRow(cells[:0])
				} else {
					cells, more, err = s.tuple(cells[:0])
				}
				if err != nil {
					if errors.Is(err, io.EOF) {
						return leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: the dump ends inside a statement", name, s.line+1)
					}
					return err
				}
				if !more {
					// The statement ended: go on if the next one feeds the same table.
					following, err := s.nextStatement()
					if errors.Is(err, io.EOF) {
						if s.dumpOpen {
							t.warn(Position{File: name, Line: s.line}, "the dump ends before pg_dump's closing comment: it was cut short, and what followed is missing")
						}
						return nil
					}
					if err != nil {
						return err
					}
					if following.table != current.table {
						next = following
						return nil
					}
					current = following
					continue
				}
				record++
				if record%1024 == 0 && ctx.Err() != nil {
					return ctx.Err()
				}
				for len(t.Columns) < len(cells) {
					t.Columns = append(t.Columns, "column "+strconv.Itoa(len(t.Columns)+1))
				}
				t.cleanRecord(cells, false)
				if err := fn(0, Row{Pos: Position{File: name, Sheet: current.table, Line: s.rowLine, Record: record}, Cells: cells}); err != nil {
					return err
				}
			}
		}
		if err := r.emit(ctx, t, fn); err != nil {
			return err
		}
		if next == nil {
			return nil
		}
		st = next
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}
