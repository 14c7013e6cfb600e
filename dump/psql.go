package dump

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/leakdesk/leakdesk"
)

// FormatPsql is what the psql client prints: aligned tables (the default,
// and --pset=format=wrapped), whose cells go on over several lines, and
// expanded records (psql -x).
const FormatPsql Format = "psql"

// psqlRecordHeader opens each record of psql's expanded output.
var psqlRecordHeader = regexp.MustCompile(`^-\[ RECORD \d+ \][-+]*$`)

// isPsqlRecordHeader tests the prefix first: most lines are values.
func isPsqlRecordHeader(l string) bool {
	return strings.HasPrefix(l, "-[ RECORD ") && psqlRecordHeader.MatchString(l)
}

// psqlFooter closes psql's tables: "(3 rows)".
var psqlFooter = regexp.MustCompile(`^\((\d+) rows?\)$`)

// psqlNotice is what psql prints before expanded records when \x is typed.
const psqlNotice = "Expanded display is on."

// psqlFirstLines returns the first two lines that are not blank.
func psqlFirstLines(lines []string) []string {
	var first []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" && l != psqlNotice {
			if first = append(first, l); len(first) == 2 {
				break
			}
		}
	}
	return first
}

// isPsql recognises psql's output from its first lines: a record header,
// or a header whose cells the separator line below it frames exactly.
func isPsql(lines []string) bool {
	first := psqlFirstLines(lines)
	switch {
	case len(first) > 0 && isPsqlRecordHeader(first[0]):
		return true
	case len(first) == 2:
		bounds, ok := psqlBounds(first[1])
		return ok && len(bounds) > 1 && psqlCells(first[0], bounds, nil) != nil
	}
	return false
}

// psqlBounds reads the separator below an aligned table's header, such as
// "----+------+---", into the display columns where each cell ends.
func psqlBounds(sep string) ([]int, bool) {
	if !strings.HasPrefix(sep, "-") || strings.Trim(sep, "-+") != "" || strings.Contains(sep, "++") {
		return nil, false
	}
	var bounds []int
	for i, c := range sep {
		if c == '+' {
			bounds = append(bounds, i)
		}
	}
	return append(bounds, len(sep)), true
}

// psqlCells cuts a line of an aligned table into its cells by display
// width, margins included. It returns nil when a separator is not where
// the bounds say.
func psqlCells(line string, bounds []int, out []string) []string {
	out = out[:0]
	col, start, b := 0, 0, 0
	for i := 0; i < len(line); {
		c := line[i]
		if b < len(bounds)-1 && col == bounds[b] {
			if c != '|' {
				return nil
			}
			out = append(out, line[start:i])
			start, b = i+1, b+1
		}
		if c < utf8.RuneSelf {
			col, i = col+1, i+1
			continue
		}
		r, n := utf8.DecodeRuneInString(line[i:])
		col, i = col+runeWidth(r), i+n
	}
	if b != len(bounds)-1 {
		return nil
	}
	return append(out, line[start:])
}

// runeWidth is how many columns a terminal gives a character, as psql
// counts them.
func runeWidth(r rune) int {
	switch {
	case r < utf8.RuneSelf:
		return 1
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == '\u200b':
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// psqlCell takes the margins off one cell of one line. psql pads every
// cell to its column's width between two margins: the left one is '.'
// where a wrapped value goes on, the right one '+' where the value goes on
// after a line break and '.' where psql wrapped it. The last column is
// padded only when it goes on. join is what comes before the cell's next
// piece.
func psqlCell(seg string, segWidth int, last bool) (text string, goesOn bool, join string) {
	if seg != "" && (seg[0] == ' ' || seg[0] == '.') {
		seg = seg[1:]
	}
	if n := len(seg); n > 0 {
		// The last column has no right margin unless it is marked, and
		// then it is padded to its full width.
		marked := seg[n-1] == '+' || seg[n-1] == '.'
		switch {
		case marked && (!last || textWidth(seg) == segWidth-1) && seg[n-1] == '+':
			return trimSpaces(seg[:n-1]), true, "\n"
		case marked && (!last || textWidth(seg) == segWidth-1):
			return seg[:n-1], true, "" // wrapped at full width: its spaces are content
		case !last:
			seg = seg[:n-1]
		}
	}
	return trimSpaces(seg), false, ""
}

// trimSpaces removes the spaces psql pads cells with.
func trimSpaces(s string) string {
	n := len(s)
	for n > 0 && s[n-1] == ' ' {
		n--
	}
	return s[:n]
}

// psqlLines reads lines up to the record size limit.
type psqlLines struct {
	sc   *bufio.Scanner
	name string
	max  int
	line int64
}

func (p *psqlLines) next() (string, bool, error) {
	if !p.sc.Scan() {
		if err := p.sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				return "", false, leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: longer than %d bytes; stopped", p.name, p.line+1, p.max)
			}
			return "", false, fmt.Errorf("read %s: %w", p.name, err)
		}
		return "", false, nil
	}
	p.line++
	return trimCR(p.sc.Text()), true, nil
}

// readPsql reads psql's aligned or expanded output. The sample read to
// sniff the format gives the columns of expanded records.
func (r *Reader) readPsql(ctx context.Context, name, enc string, in *bufio.Reader, sampleText string, fn func(*Table) error) error {
	sample := strings.Split(sampleText, "\n")
	for i := range sample {
		sample[i] = trimCR(sample[i])
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), r.opts.MaxRecordBytes)
	lines := &psqlLines{sc: sc, name: name, max: r.opts.MaxRecordBytes}
	t := &Table{File: name, Format: FormatPsql, Encoding: enc, HasHeader: true, Columns: []string{}}
	first := psqlFirstLines(sample)
	if isPsqlRecordHeader(first[0]) {
		t.Columns = psqlExpandedColumns(sample)
		t.each = r.psqlExpanded(t, lines)
		return r.emit(ctx, t, fn)
	}
	bounds, _ := psqlBounds(first[1])
	for _, c := range psqlCells(first[0], bounds, nil) {
		t.Columns = append(t.Columns, strings.TrimSpace(c))
	}
	t.each = r.psqlAligned(t, lines, bounds)
	return r.emit(ctx, t, fn)
}

// psqlExpandedColumns returns the columns of the first expanded record.
func psqlExpandedColumns(sample []string) []string {
	cols := []string{}
	started := false
	for _, l := range sample {
		if isPsqlRecordHeader(l) {
			if started {
				break
			}
			started = true
			continue
		}
		if key, _, found := strings.Cut(l, " |"); found && started && strings.TrimSpace(key) != "" {
			cols = append(cols, strings.TrimSpace(key))
		}
	}
	return cols
}

// psqlAligned reads the rows of an aligned table: a row goes on to the
// next line while any of its cells is marked to go on.
func (r *Reader) psqlAligned(t *Table, lines *psqlLines, bounds []int) func(context.Context, int, func(int, Row) error) error {
	widths := make([]int, len(bounds))
	for i, b := range bounds {
		widths[i] = b
		if i > 0 {
			widths[i] = b - bounds[i-1] - 1
		}
	}
	return func(ctx context.Context, _ int, fn func(int, Row) error) error {
		var record, start int64
		var parts []string
		cells := make([]string, len(bounds))
		joins := make([]string, len(bounds)) // what goes before each cell's next piece
		open, header := false, true
		for {
			l, ok, err := lines.next()
			if err != nil {
				return err
			}
			if !ok {
				if open {
					return leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: the file ends inside a row", t.File, lines.line)
				}
				return nil
			}
			if lines.line%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if header {
				// The header ends at the separator line.
				t.addStats(TableStats{SkippedLines: 1})
				_, isSep := psqlBounds(l)
				header = !isSep
				continue
			}
			if parts = psqlCells(l, bounds, parts); parts == nil {
				if open {
					return leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: a row goes on past its end", t.File, lines.line)
				}
				if err := psqlSkip(t, lines.line, l, record); err != nil {
					return err
				}
				continue
			}
			first := !open
			if first {
				start = lines.line
			}
			open = false
			for i, p := range parts {
				text, goesOn, join := psqlCell(p, widths[i], i == len(parts)-1)
				if first {
					cells[i] = text // most rows take one line: no copy
				} else {
					cells[i] += joins[i] + text
				}
				joins[i] = join
				open = open || goesOn
			}
			if open {
				continue
			}
			record++
			t.cleanRecord(cells, false)
			if err := fn(0, Row{Pos: Position{File: t.File, Line: start, Record: record}, Cells: cells}); err != nil {
				return err
			}
		}
	}
}

// psqlSkip counts a line that holds no row; the "(N rows)" footer must
// agree with the rows read, or the output was cut.
func psqlSkip(t *Table, lineNo int64, line string, records int64) error {
	t.addStats(TableStats{SkippedLines: 1})
	s := strings.TrimSpace(line)
	if m := psqlFooter.FindStringSubmatch(s); m != nil {
		if n, _ := strconv.ParseInt(m[1], 10, 64); n != records {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: psql says %d rows, but %d were read: the output is damaged", t.File, lineNo, n, records)
		}
		return nil
	}
	if _, isSep := psqlBounds(s); s != "" && s != psqlNotice && !isSep {
		t.warn(Position{File: t.File, Line: lineNo}, "line is not part of a row: skipped")
	}
	return nil
}

// psqlExpanded reads expanded records: "-[ RECORD n ]" then one
// "column | value" line per column, a value going on over the lines whose
// column is blank.
func (r *Reader) psqlExpanded(t *Table, lines *psqlLines) func(context.Context, int, func(int, Row) error) error {
	index := map[string]int{}
	for i, c := range t.Columns {
		index[c] = i
	}
	return func(ctx context.Context, _ int, fn func(int, Row) error) error {
		var record, start int64
		var values []string
		last, size, fields := -1, 0, 0
		flush := func() error {
			if start == 0 {
				return nil
			}
			record++
			line := start
			last, size, start, fields = -1, 0, 0, 0
			t.cleanRecord(values, false)
			return fn(0, Row{Pos: Position{File: t.File, Line: line, Record: record}, Cells: values})
		}
		for {
			l, ok, err := lines.next()
			if err != nil {
				return err
			}
			if !ok {
				if start != 0 && fields < len(t.Columns) {
					return leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: the file ends inside record %d, after %d of its %d columns", t.File, lines.line, record+1, fields, len(t.Columns))
				}
				return flush()
			}
			if lines.line%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if isPsqlRecordHeader(l) {
				if err := flush(); err != nil {
					return err
				}
				start = lines.line
				values = values[:0]
				for range t.Columns {
					values = append(values, "")
				}
				continue
			}
			key, value, found := strings.Cut(l, " |")
			if !found || start == 0 {
				if err := psqlSkip(t, lines.line, l, record); err != nil {
					return err
				}
				continue
			}
			if size += len(l); size > r.opts.MaxRecordBytes {
				return leakdesk.Errorf(leakdesk.EINVALID, "%s line %d: a record longer than %d bytes", t.File, start, r.opts.MaxRecordBytes)
			}
			if key = strings.TrimSpace(key); key == "" && last >= 0 {
				// The value goes on after the mark that ended its last line.
				s := strings.TrimRight(values[last], " ")
				join := "\n"
				if strings.HasSuffix(s, ".") {
					join = ""
				}
				values[last] = strings.TrimRight(s[:max(len(s)-1, 0)], " ") + join + strings.TrimPrefix(strings.TrimPrefix(value, " "), ".")
				continue
			}
			i := fields // columns come in the same order in every record
			if i >= len(t.Columns) || t.Columns[i] != key {
				var ok bool
				if i, ok = index[key]; !ok {
					i = len(t.Columns)
					index[key] = i
					t.Columns = append(t.Columns, key)
				}
			}
			for len(values) <= i {
				values = append(values, "")
			}
			values[i] = strings.TrimPrefix(value, " ")
			last = i
			fields++
		}
	}
}
