package dump

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// FormatODS is an OpenDocument spreadsheet (.ods, .ots), or its flat XML
// form (.fods).
const FormatODS Format = "ods"

const (
	odsMimetype = "application/vnd.oasis.opendocument.spreadsheet"
	nsOffice    = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
	nsTable     = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	nsText      = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	nsDraw      = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"

	// LibreOffice and Excel stop at these: repeats that reach past them
	// describe the empty rest of a sheet, or a hostile file.
	maxSheetRows    = 1 << 20
	maxSheetColumns = 1 << 14
	// maxXMLDepth bounds element nesting in the XML formats (OpenDocument,
	// mysqldump --xml), which the decoder keeps a stack for; they nest
	// about ten levels deep.
	maxXMLDepth = 256
)

// isODS recognises an OpenDocument spreadsheet by its mimetype member.
func isODS(zr *zip.Reader) bool {
	for _, f := range zr.File {
		if path.Clean(f.Name) != "mimetype" || f.UncompressedSize64 > 256 {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return false
		}
		defer rc.Close()
		b, _ := io.ReadAll(io.LimitReader(rc, 256))
		return strings.HasPrefix(strings.TrimSpace(string(b)), odsMimetype)
	}
	return false
}

// isFlatODS recognises a flat OpenDocument spreadsheet (.fods): one XML
// document whose root names the spreadsheet mimetype.
func isFlatODS(head []byte) bool {
	return bytes.Contains(head, []byte("<office:document")) && bytes.Contains(head, []byte(`office:mimetype="`+odsMimetype+`"`))
}

// readODS reads every sheet of an OpenDocument spreadsheet, streaming its
// content.xml within the archive limits.
func (r *Reader) readODS(ctx context.Context, st *readState, name string, zr *zip.Reader, counted *countingReaderAt, fn func(*Table) error) error {
	for _, f := range zr.File {
		if path.Clean(f.Name) != "content.xml" {
			continue
		}
		member := name + "!/content.xml"
		start := counted.count()
		rc, err := f.Open()
		if err != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged OpenDocument spreadsheet: cannot open content.xml: %v", name, err)
		}
		defer rc.Close()
		return r.readODSContent(ctx, name, counted.limit(st, member, rc, start), fn)
	}
	return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged OpenDocument spreadsheet: it has no content.xml", name)
}

// readFlatODS reads a .fods file. Repeated rows may expand it no more than
// an archive member may expand.
func (r *Reader) readFlatODS(ctx context.Context, st *readState, name string, br *bufio.Reader, fn func(*Table) error) error {
	counted := &countingReader{r: br}
	lim := &limitReader{r: counted, st: st, name: name, compressed: counted.count}
	return r.readODSContent(ctx, name, lim, fn)
}

func (r *Reader) readODSContent(ctx context.Context, name string, lim *limitReader, fn func(*Table) error) error {
	x := &odsXML{name: name, d: xml.NewDecoder(&markupCap{r: lim, max: r.opts.MaxRecordBytes + 4096}), lim: lim, maxRow: r.opts.MaxRecordBytes}
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		tok, err := x.token()
		if errors.Is(err, io.EOF) {
			if x.sheets == 0 {
				return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged OpenDocument spreadsheet: no sheet in its content", name)
			}
			return nil
		}
		if err != nil {
			return x.damaged("", err)
		}
		if start, ok := tok.(xml.StartElement); ok && start.Name.Space == nsTable && start.Name.Local == "table" {
			x.sheets++
			s := &odsSheet{x: x, name: attr(start, nsTable, "name")}
			if s.name == "" {
				s.name = "Sheet" + strconv.Itoa(x.sheets)
			}
			if err := r.emitSheet(ctx, name, s.name, FormatODS, s.next, fn); err != nil {
				return err
			}
		}
	}
}

// odsXML is the token stream of one content.xml.
type odsXML struct {
	name   string
	d      *xml.Decoder
	lim    *limitReader
	depth  int
	sheets int
	maxRow int
}

func (x *odsXML) token() (xml.Token, error) {
	tok, err := x.d.Token()
	if err != nil {
		return nil, err
	}
	switch tok.(type) {
	case xml.StartElement:
		if x.depth++; x.depth > maxXMLDepth {
			return nil, fmt.Errorf("elements nest deeper than %d", maxXMLDepth)
		}
	case xml.EndElement:
		x.depth--
	}
	return tok, nil
}

// skip reads to the end of the element just started.
func (x *odsXML) skip() error {
	for depth := x.depth; x.depth >= depth; {
		if _, err := x.token(); err != nil {
			return err
		}
	}
	return nil
}

func (x *odsXML) damaged(sheet string, err error) error {
	var e *leakdesk.Error
	if errors.As(err, &e) {
		return err
	}
	where := x.name
	if sheet != "" {
		where += " [" + sheet + "]"
	}
	what := "damaged"
	var syntax *xml.SyntaxError
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.As(err, &syntax) && strings.HasSuffix(syntax.Msg, "unexpected EOF") {
		what = "truncated"
	}
	line, _ := x.d.InputPos()
	return leakdesk.Errorf(leakdesk.EINVALID, "%s: %s OpenDocument spreadsheet: content line %d: %v", where, what, line, err)
}

// odsSheet reads the rows of one table:table.
type odsSheet struct {
	x    *odsXML
	name string
	line int64 // rows read so far, repeats included
	done bool

	// copies of a repeated row still to return
	repeat     int64
	repeatRow  []string
	repeatLine int64
}

func (s *odsSheet) next() (sheetRow, bool, error) {
	if s.repeat > 0 {
		s.repeat--
		s.repeatLine++
		return sheetRow{line: s.repeatLine, cells: append([]string(nil), s.repeatRow...)}, true, nil
	}
	for !s.done {
		tok, err := s.x.token()
		if err != nil {
			return sheetRow{}, false, s.x.damaged(s.name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space == nsTable && t.Name.Local == "table-row" {
				return s.row(t)
			}
			if t.Name.Space == nsTable && t.Name.Local == "table" || t.Name.Space == nsOffice {
				// Nested tables and shapes hold no rows of this sheet.
				if err := s.x.skip(); err != nil {
					return sheetRow{}, false, s.x.damaged(s.name, err)
				}
			}
		case xml.EndElement:
			if t.Name.Space == nsTable && t.Name.Local == "table" {
				s.done = true
			}
		}
	}
	return sheetRow{}, false, nil
}

// row reads one table:table-row. Empty cells are counted, not stored,
// until a cell with a value follows them: LibreOffice ends rows with a
// thousand repeated empty cells, and sheets with a million empty rows.
func (s *odsSheet) row(start xml.StartElement) (sheetRow, bool, error) {
	repeat := repeatAttr(start, "number-rows-repeated")
	var cells []string
	var empty, size int64
	tooLong := false
	var note string
	for {
		tok, err := s.x.token()
		if err != nil {
			return sheetRow{}, false, s.x.damaged(s.name, err)
		}
		if _, ok := tok.(xml.EndElement); ok {
			break
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if t.Name.Space != nsTable || t.Name.Local != "table-cell" && t.Name.Local != "covered-table-cell" {
			if err := s.x.skip(); err != nil {
				return sheetRow{}, false, s.x.damaged(s.name, err)
			}
			continue
		}
		n := repeatAttr(t, "number-columns-repeated")
		v, long, err := s.cell(t, int64(s.x.maxRow)-size)
		if err != nil {
			return sheetRow{}, false, s.x.damaged(s.name, err)
		}
		if tooLong = tooLong || long; v == "" || tooLong {
			empty += n
			continue
		}
		width := int64(len(cells)) + empty
		if width+n > maxSheetColumns {
			note = fmt.Sprintf("row repeats cells beyond %d columns: the rest was dropped", maxSheetColumns)
			n = max(maxSheetColumns-width, 0)
		}
		if size += int64(len(v)) * n; size > int64(s.x.maxRow) {
			tooLong = true
			continue
		}
		if fill := min(empty, maxSheetColumns-int64(len(cells))); fill > 64 {
			// Empty cells written as one repeat cost a string each here.
			if err := s.x.lim.charge(16*fill, "repeated cells"); err != nil {
				return sheetRow{}, false, err
			}
		}
		for ; empty > 0 && len(cells) < maxSheetColumns; empty-- {
			cells = append(cells, "")
		}
		empty = 0
		for ; n > 0; n-- {
			cells = append(cells, v)
		}
	}
	line := s.line + 1
	s.line += repeat
	if tooLong {
		return sheetRow{line: line, tooLong: true}, true, nil
	}
	if len(cells) > 0 && repeat > 1 {
		copies := min(repeat, maxSheetRows-line+1) - 1
		if copies < repeat-1 {
			note = fmt.Sprintf("row repeated %d times, beyond row %d: the rest was dropped", repeat, maxSheetRows)
		}
		if copies > 0 {
			// Each copy costs its text and the work of a row.
			if err := s.x.lim.charge(copies*(size+32+8*int64(len(cells))), "repeated rows"); err != nil {
				return sheetRow{}, false, err
			}
			s.repeat, s.repeatRow, s.repeatLine = copies, cells, line
			cells = append([]string(nil), cells...)
		}
	}
	return sheetRow{line: line, cells: cells, note: note}, true, nil
}

// cell reads one cell: its value as typed when it has one (numbers
// without locale separators, ISO dates), else its paragraphs joined with
// newlines. long reports text beyond room bytes, which is dropped.
func (s *odsSheet) cell(start xml.StartElement, room int64) (value string, long bool, err error) {
	switch attr(start, nsOffice, "value-type") {
	case "float", "percentage", "currency":
		value = attr(start, nsOffice, "value")
	case "date":
		value = strings.Replace(attr(start, nsOffice, "date-value"), "T", " ", 1)
	case "time":
		value = isoDuration(attr(start, nsOffice, "time-value"))
	case "boolean":
		value = strings.ToUpper(attr(start, nsOffice, "boolean-value"))
	case "string":
		value = attr(start, nsOffice, "string-value")
	}
	var text strings.Builder
	paragraphs, inPara := 0, 0
	add := func(str string) {
		if long = long || int64(text.Len()+len(str)) > room; !long {
			text.WriteString(str)
		}
	}
	for depth := 0; ; {
		tok, err := s.x.token()
		if err != nil {
			return "", false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Space == nsText && (t.Name.Local == "p" || t.Name.Local == "h"):
				if paragraphs > 0 {
					add("\n")
				}
				paragraphs++
				inPara++
			case t.Name.Space == nsText && t.Name.Local == "s":
				n := repeatAttr(t, "c")
				add(strings.Repeat(" ", int(min(n, max(room, 0)+1))))
			case t.Name.Space == nsText && t.Name.Local == "tab":
				add("\t")
			case t.Name.Space == nsText && t.Name.Local == "line-break":
				add("\n")
			case t.Name.Space == nsOffice, t.Name.Space == nsDraw, t.Name.Space == nsTable,
				t.Name.Space == nsText && (t.Name.Local == "note" || t.Name.Local == "ruby-text"):
				// Comments, shapes, footnotes: not the cell's value.
				if err := s.x.skip(); err != nil {
					return "", false, err
				}
				continue
			}
			depth++
		case xml.EndElement:
			if depth == 0 {
				if shown := text.String(); value == "" || paddedDigits(shown, value) {
					value = shown
				}
				return value, long, nil
			}
			depth--
			if t.Name.Space == nsText && (t.Name.Local == "p" || t.Name.Local == "h") {
				inPara--
			}
		case xml.CharData:
			if inPara > 0 {
				add(string(t))
			}
		}
	}
}

// paddedDigits reports a whole number shown with the zeros or spaces of a
// postcode or phone number format, "04 69 00 67 92" for 469006792: the
// text then says more than the value.
func paddedDigits(shown, value string) bool {
	if shown == value || strings.Trim(value, "0123456789") != "" || strings.Trim(shown, "0123456789 ") != "" {
		return false
	}
	return strings.TrimLeft(strings.ReplaceAll(shown, " ", ""), "0") == strings.TrimLeft(value, "0")
}

// repeatAttr reads a table:number-*-repeated or text:c count: at least 1.
func repeatAttr(e xml.StartElement, local string) int64 {
	for _, a := range e.Attr {
		if a.Name.Local == local && (a.Name.Space == nsTable || a.Name.Space == nsText) {
			if n, err := strconv.ParseInt(a.Value, 10, 64); err == nil && n > 1 {
				return n
			}
		}
	}
	return 1
}

func attr(e xml.StartElement, space, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local && a.Name.Space == space {
			return a.Value
		}
	}
	return ""
}

// isoDuration writes an ODF time value, PT10H30M00S, as 10:30:00.
func isoDuration(v string) string {
	rest, ok := strings.CutPrefix(v, "PT")
	if !ok {
		return v
	}
	var parts [3]string
	for i, unit := range []string{"H", "M", "S"} {
		n, after, found := strings.Cut(rest, unit)
		if !found {
			return v
		}
		if i == 2 {
			n, _, _ = strings.Cut(n, ".")
		}
		if len(n) < 2 {
			n = "0" + n
		}
		parts[i], rest = n, after
	}
	return parts[0] + ":" + parts[1] + ":" + parts[2]
}

// charge counts bytes that a format expands to beyond what was read, such
// as repeated rows, against the same limits as decompression.
func (l *limitReader) charge(n int64, what string) error {
	l.n += n
	if total := l.st.expanded.Add(n); total > l.st.opts.MaxExpandedBytes {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: %s expand beyond %d bytes in all; stopped (raise --max-expanded to read it)", l.name, what, l.st.opts.MaxExpandedBytes)
	}
	if l.n > 1<<20 && l.n > l.st.opts.MaxRatio*max(l.compressed(), 1) {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: %s expand more than %d times the size of the file; stopped (raise --max-ratio to read it)", l.name, what, l.st.opts.MaxRatio)
	}
	return nil
}

// markupCap stops a document whose text or tag runs on for more than max
// bytes without markup: the XML decoder would hold it all as one token.
type markupCap struct {
	r   io.Reader
	run int
	max int
}

func (m *markupCap) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	b := p[:n]
	if last := bytes.LastIndexAny(b, "<>"); last < 0 {
		m.run += n
	} else {
		first := bytes.IndexAny(b, "<>")
		if m.run+first > m.max {
			m.run += first
		} else {
			m.run = n - 1 - last
		}
	}
	if m.run > m.max {
		return n, fmt.Errorf("text or tag longer than %d bytes", m.max)
	}
	return n, err
}
