package dump

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
	"golang.org/x/text/encoding/charmap"

	"github.com/leakdesk/leakdesk"
)

// FormatXLS is a legacy Excel workbook: BIFF8 (Excel 97-2003) or BIFF5
// (Excel 5.0/95) inside an OLE2 compound file.
const FormatXLS Format = "xls"

// isOLE2 recognises a compound file: legacy Office documents, .msg mail,
// and Office files encrypted with a password.
func isOLE2(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
}

// readOLE reads an Excel 97-2003 workbook, or reports an encrypted Office
// document as such; other compound files are read as any binary file.
func (r *Reader) readOLE(ctx context.Context, st *readState, name string, br *bufio.Reader, ra io.ReaderAt, size int64, fn func(*Table) error) error {
	ra, size, cleanup, err := randomAccess(r.opts.SpoolDir, br, ra, size)
	if err != nil {
		return r.readError(name, err)
	}
	defer cleanup()
	doc, err := mscfb.New(io.NewSectionReader(ra, 0, size))
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged or truncated OLE2 compound file (an Excel 97-2003 workbook or another legacy Office document): %v", name, err)
	}
	var book *mscfb.File
	var encrypted bool
	for f, err := doc.Next(); err == nil; f, err = doc.Next() {
		if len(f.Path) > 0 {
			continue // embedded objects have their own streams
		}
		switch f.Name {
		case "Workbook":
			book = f
		case "Book":
			if book == nil {
				book = f
			}
		case "EncryptedPackage", "EncryptionInfo":
			encrypted = true
		}
	}
	switch {
	case encrypted:
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: password-protected (encrypted) Office document; it cannot be read without its password", name)
	case book == nil:
		// Not a workbook: read as what it is, which says "binary".
		in := bufio.NewReaderSize(io.NewSectionReader(ra, 0, size), sniffWindow)
		head, _ := in.Peek(sniffWindow)
		return r.readData(ctx, st, name, in, head, fn)
	case book.Size > size:
		// Sector chains that loop would read on forever.
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged Excel 97-2003 workbook: its Workbook stream claims %d bytes in a file of %d", name, book.Size, size)
	}
	b := &biffReader{br: bufio.NewReaderSize(book, 64<<10), buf: make([]byte, math.MaxUint16)}
	wb := &xlsBook{name: name, r: b, formats: map[uint16]numFormat{}, maxRow: r.opts.MaxRecordBytes}
	sheets, err := wb.readGlobals(ctx)
	if err != nil {
		return err
	}
	for _, sh := range sheets {
		if err := wb.seek(sh); err != nil {
			return err
		}
		s := &xlsSheet{book: wb, name: sh.name, row: -1}
		if err := s.start(); err != nil {
			return err
		}
		if !s.worksheet {
			continue // charts, macro sheets and modules hold no rows
		}
		if err := r.emitSheet(ctx, name, sh.name, FormatXLS, s.next, fn); err != nil {
			return err
		}
	}
	return nil
}

// BIFF record types ([MS-XLS] 2.3).
const (
	biffFormula    = 0x0006
	biffEOF        = 0x000A
	biffDateMode   = 0x0022
	biffFilePass   = 0x002F
	biffContinue   = 0x003C
	biffCodePage   = 0x0042
	biffBoundSheet = 0x0085
	biffMulRK      = 0x00BD
	biffRString    = 0x00D6
	biffXF         = 0x00E0
	biffSST        = 0x00FC
	biffLabelSST   = 0x00FD
	biffNumber     = 0x0203
	biffLabel      = 0x0204
	biffBoolErr    = 0x0205
	biffString     = 0x0207
	biffRK         = 0x027E
	biffFormat     = 0x041E
	biffBOF        = 0x0809

	bofWorksheet = 0x0010
	biff8Version = 0x0600

	xlsColumns = 256 // columns IV and before: all an Excel 97-2003 sheet has
)

// biffReader reads the records of a Workbook stream in order.
type biffReader struct {
	br   *bufio.Reader
	pos  int64 // offset of the next record in the stream
	at   int64 // offset of the current record
	id   uint16
	data []byte
	buf  []byte
}

// errBIFFShort is a record shorter than its fields.
var errBIFFShort = errors.New("record shorter than its fields")

func (b *biffReader) next() error {
	var h [4]byte
	if _, err := io.ReadFull(b.br, h[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF // a stream ends with an EOF record, not mid-way
		}
		return err
	}
	n := int(binary.LittleEndian.Uint16(h[2:]))
	if _, err := io.ReadFull(b.br, b.buf[:n]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	b.id, b.data = binary.LittleEndian.Uint16(h[:]), b.buf[:n]
	b.at = b.pos
	b.pos += 4 + int64(n)
	return nil
}

// nextIsContinue reports whether a CONTINUE record follows the current one.
func (b *biffReader) nextIsContinue() bool {
	p, err := b.br.Peek(2)
	return err == nil && binary.LittleEndian.Uint16(p) == biffContinue
}

// biffCursor reads the fields of a record, going on into the CONTINUE
// records that follow it where a long string or table was split.
type biffCursor struct {
	r       *biffReader
	seg     []byte
	scratch []byte
}

func (c *biffCursor) reset(data []byte) { c.seg = data }

// more moves to the next CONTINUE record.
func (c *biffCursor) more() error {
	if !c.r.nextIsContinue() {
		return errBIFFShort
	}
	if err := c.r.next(); err != nil {
		return err
	}
	c.seg = c.r.data
	return nil
}

func (c *biffCursor) read(p []byte) error {
	for len(p) > 0 {
		if len(c.seg) == 0 {
			if err := c.more(); err != nil {
				return err
			}
			continue
		}
		n := copy(p, c.seg)
		p, c.seg = p[n:], c.seg[n:]
	}
	return nil
}

func (c *biffCursor) u8() (byte, error) {
	var b [1]byte
	err := c.read(b[:])
	return b[0], err
}

func (c *biffCursor) u16() (uint16, error) {
	var b [2]byte
	err := c.read(b[:])
	return binary.LittleEndian.Uint16(b[:]), err
}

func (c *biffCursor) u32() (uint32, error) {
	var b [4]byte
	err := c.read(b[:])
	return binary.LittleEndian.Uint32(b[:]), err
}

func (c *biffCursor) skip(n int64) error {
	for n > 0 {
		if len(c.seg) == 0 {
			if err := c.more(); err != nil {
				return err
			}
			continue
		}
		k := min(n, int64(len(c.seg)))
		c.seg, n = c.seg[k:], n-k
	}
	return nil
}

// unicodeString reads a BIFF8 string of cch characters whose flags byte
// comes next: an XLUnicodeRichExtendedString, of which the simpler strings
// are the special case with no runs and no phonetic block.
func (c *biffCursor) unicodeString(cch int) (string, error) {
	flags, err := c.u8()
	if err != nil {
		return "", err
	}
	var runs, ext uint32
	if flags&0x08 != 0 {
		n, err := c.u16()
		if err != nil {
			return "", err
		}
		runs = uint32(n)
	}
	if flags&0x04 != 0 {
		if ext, err = c.u32(); err != nil {
			return "", err
		}
	}
	s, err := c.chars(cch, flags&0x01 != 0)
	if err != nil {
		return "", err
	}
	return s, c.skip(int64(runs)*4 + int64(ext))
}

// chars reads cch characters, one byte each (Latin-1) or UTF-16. A string
// split across records starts each CONTINUE with a new flags byte, since
// its width may change there.
func (c *biffCursor) chars(cch int, wide bool) (string, error) {
	out := c.scratch[:0]
	var pending rune // a high surrogate waiting for its pair
	for cch > 0 {
		if len(c.seg) == 0 {
			if err := c.more(); err != nil {
				return "", err
			}
			if len(c.seg) == 0 {
				continue
			}
			wide, c.seg = c.seg[0]&0x01 != 0, c.seg[1:]
			continue
		}
		if !wide {
			n := min(cch, len(c.seg))
			for _, b := range c.seg[:n] {
				if b < utf8.RuneSelf {
					out = append(out, b)
				} else {
					out = utf8.AppendRune(out, rune(b))
				}
			}
			c.seg, cch = c.seg[n:], cch-n
			continue
		}
		n := min(cch, len(c.seg)/2)
		if n == 0 {
			return "", errBIFFShort // half a character before the record ends
		}
		for i := 0; i < n; i++ {
			u := rune(binary.LittleEndian.Uint16(c.seg[2*i:]))
			switch {
			case u >= 0xD800 && u < 0xDC00:
				if pending != 0 {
					out = utf8.AppendRune(out, utf8.RuneError)
				}
				pending = u
				continue
			case u >= 0xDC00 && u < 0xE000 && pending != 0:
				u = utf16.DecodeRune(pending, u)
			case pending != 0:
				out = utf8.AppendRune(out, utf8.RuneError)
			}
			pending = 0
			out = utf8.AppendRune(out, u)
		}
		c.seg, cch = c.seg[2*n:], cch-n
	}
	if pending != 0 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	c.scratch = out
	return string(out), nil
}

// codepageString reads a BIFF5 string: bytes in the workbook's code page.
func (c *biffCursor) codepageString(cch int, cm *charmap.Charmap) (string, error) {
	out := c.scratch[:0]
	for cch > 0 {
		if len(c.seg) == 0 {
			if err := c.more(); err != nil {
				return "", err
			}
			continue
		}
		n := min(cch, len(c.seg))
		for _, b := range c.seg[:n] {
			if b < utf8.RuneSelf || cm == nil {
				out = append(out, b)
			} else {
				out = utf8.AppendRune(out, cm.DecodeByte(b))
			}
		}
		c.seg, cch = c.seg[n:], cch-n
	}
	c.scratch = out
	s := string(out)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s, nil
}

// xlsBook is what the workbook globals say about every sheet.
type xlsBook struct {
	name     string
	r        *biffReader
	cur      biffCursor
	biff8    bool
	cm       *charmap.Charmap // BIFF5 strings
	date1904 bool
	xfs      []uint16             // number format of each cell style
	formats  map[uint16]numFormat // FORMAT records
	sst      []string
	maxRow   int
}

type xlsSheetRef struct {
	name   string
	offset int64
}

// damaged names the file, the sheet if any, and the place where reading
// broke.
func (wb *xlsBook) damaged(sheet, where string, err error) error {
	var e *leakdesk.Error
	if errors.As(err, &e) {
		return err
	}
	what := "damaged"
	if errors.Is(err, io.ErrUnexpectedEOF) {
		what = "truncated"
	}
	name := wb.name
	if sheet != "" {
		name += " [" + sheet + "]"
	}
	return leakdesk.Errorf(leakdesk.EINVALID, "%s: %s Excel 97-2003 workbook: %s, at byte %d of its Workbook stream: %v", name, what, where, wb.r.at, err)
}

// readGlobals reads the workbook globals up to their EOF record: string
// table, styles, formats and the list of sheets.
func (wb *xlsBook) readGlobals(ctx context.Context) ([]xlsSheetRef, error) {
	wb.cur.r = wb.r
	if err := wb.r.next(); err != nil || wb.r.id != biffBOF || len(wb.r.data) < 4 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged Excel workbook: its Workbook stream does not start with a BOF record", wb.name)
	}
	wb.biff8 = binary.LittleEndian.Uint16(wb.r.data) == biff8Version
	if !wb.biff8 {
		wb.cm = charmap.Windows1252
	}
	var sheets []xlsSheetRef
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err := wb.r.next(); err != nil {
			return nil, wb.damaged("", "in the workbook globals", err)
		}
		d := wb.r.data
		wb.cur.reset(d)
		var err error
		switch wb.r.id {
		case biffEOF:
			slices.SortStableFunc(sheets, func(a, b xlsSheetRef) int { return int(a.offset - b.offset) })
			return sheets, nil
		case biffFilePass:
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s: password-protected (encrypted) Excel 97-2003 workbook; it cannot be read without its password", wb.name)
		case biffCodePage:
			if len(d) >= 2 && !wb.biff8 {
				wb.cm = codepageCharmap(binary.LittleEndian.Uint16(d))
			}
		case biffDateMode:
			wb.date1904 = len(d) >= 2 && binary.LittleEndian.Uint16(d) == 1
		case biffXF:
			if len(d) >= 4 {
				wb.xfs = append(wb.xfs, binary.LittleEndian.Uint16(d[2:]))
			}
		case biffFormat:
			err = wb.readFormat()
		case biffBoundSheet:
			var sh xlsSheetRef
			if sh, err = wb.readBoundSheet(); err == nil && sh.offset >= 0 {
				sheets = append(sheets, sh)
			}
		case biffSST:
			err = wb.readSST()
		}
		if err != nil {
			return nil, wb.damaged("", fmt.Sprintf("record 0x%04X of the workbook globals", wb.r.id), err)
		}
	}
}

// readString reads a string whose length field has the given size (1 or 2
// bytes), in the workbook's BIFF version.
func (wb *xlsBook) readString(lenBytes int) (string, error) {
	var cch int
	if lenBytes == 1 {
		n, err := wb.cur.u8()
		if err != nil {
			return "", err
		}
		cch = int(n)
	} else {
		n, err := wb.cur.u16()
		if err != nil {
			return "", err
		}
		cch = int(n)
	}
	if wb.biff8 {
		return wb.cur.unicodeString(cch)
	}
	return wb.cur.codepageString(cch, wb.cm)
}

func (wb *xlsBook) readFormat() error {
	ifmt, err := wb.cur.u16()
	if err != nil {
		return err
	}
	lenBytes := 1
	if wb.biff8 {
		lenBytes = 2
	}
	code, err := wb.readString(lenBytes)
	if err != nil {
		return err
	}
	wb.formats[ifmt] = parseNumFormat(code)
	return nil
}

// readBoundSheet reads a sheet's name and where its records start; sheets
// that are not worksheets get an offset of -1.
func (wb *xlsBook) readBoundSheet() (xlsSheetRef, error) {
	pos, err := wb.cur.u32()
	if err != nil {
		return xlsSheetRef{}, err
	}
	if _, err := wb.cur.u8(); err != nil { // hidden or not: hidden sheets leak too
		return xlsSheetRef{}, err
	}
	dt, err := wb.cur.u8()
	if err != nil {
		return xlsSheetRef{}, err
	}
	name, err := wb.readString(1)
	if err != nil {
		return xlsSheetRef{}, err
	}
	if dt != 0 {
		return xlsSheetRef{offset: -1}, nil
	}
	return xlsSheetRef{name: name, offset: int64(pos)}, nil
}

// readSST reads the shared string table, which CONTINUE records extend.
// It holds every distinct string of the workbook, as XLSX's does.
func (wb *xlsBook) readSST() error {
	if _, err := wb.cur.u32(); err != nil { // total references
		return err
	}
	unique, err := wb.cur.u32()
	if err != nil {
		return err
	}
	// The count is the writer's word: the strings that follow are the
	// table, and a count beyond them only stops the loop.
	wb.sst = make([]string, 0, min(unique, 1<<16))
	for i := uint32(0); i < unique; i++ {
		if len(wb.cur.seg) == 0 && !wb.r.nextIsContinue() {
			break
		}
		cch, err := wb.cur.u16()
		if err != nil {
			return err
		}
		s, err := wb.cur.unicodeString(int(cch))
		if err != nil {
			return err
		}
		wb.sst = append(wb.sst, s)
	}
	return nil
}

// seek moves to the BOF record of a sheet. Sheets are read in the order of
// their offsets and may not overlap, so that no record is read twice.
func (wb *xlsBook) seek(sh xlsSheetRef) error {
	if sh.offset < wb.r.pos {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s [%s]: damaged Excel 97-2003 workbook: the sheet starts at byte %d, inside what was already read (byte %d)", wb.name, sh.name, sh.offset, wb.r.pos)
	}
	for wb.r.pos < sh.offset {
		n, err := wb.r.br.Discard(int(min(sh.offset-wb.r.pos, 1<<30)))
		wb.r.pos += int64(n)
		if err != nil {
			break
		}
	}
	if wb.r.pos != sh.offset {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s [%s]: truncated Excel 97-2003 workbook: the sheet should start at byte %d of a Workbook stream of %d", wb.name, sh.name, sh.offset, wb.r.pos)
	}
	return nil
}

// xlsSheet reads the cells of one sheet, row by row. Writers put cells in
// row order; a row is complete when a cell of another row comes.
type xlsSheet struct {
	book      *xlsBook
	name      string
	worksheet bool
	done      bool
	depth     int // BOF records open: charts inside a sheet nest their own

	row     int64 // the row being filled, 0-based; -1 before the first
	cells   []string
	bytes   int
	tooLong bool
	note    string

	// a FORMULA whose string result comes in the next STRING record
	formulaRow, formulaCol int
	formulaXF              uint16
	formulaString          bool

	rec []xlsCell // cells of the current record
}

type xlsCell struct {
	col   int
	value string
}

func (s *xlsSheet) damaged(err error) error {
	where := "in the sheet"
	if s.row >= 0 {
		where = fmt.Sprintf("near row %d", s.row+1)
	}
	return s.book.damaged(s.name, where, err)
}

func (s *xlsSheet) start() error {
	r := s.book.r
	if err := r.next(); err != nil {
		return s.damaged(err)
	}
	if r.id != biffBOF || len(r.data) < 4 {
		return s.damaged(fmt.Errorf("the sheet does not start with a BOF record"))
	}
	s.worksheet = binary.LittleEndian.Uint16(r.data[2:]) == bofWorksheet
	s.depth = 1
	return nil
}

// next returns the next row of the sheet.
func (s *xlsSheet) next() (sheetRow, bool, error) {
	for !s.done {
		row, err := s.record()
		if err != nil {
			return sheetRow{}, false, s.damaged(err)
		}
		if len(s.rec) == 0 {
			continue
		}
		if s.row >= 0 && row != s.row {
			out := s.take()
			s.add(row)
			return out, true, nil
		}
		s.add(row)
	}
	if s.row >= 0 {
		return s.take(), true, nil
	}
	return sheetRow{}, false, nil
}

func (s *xlsSheet) add(row int64) {
	s.row = row
	for _, c := range s.rec {
		if s.tooLong {
			return
		}
		if c.col >= xlsColumns {
			// A cell there would cost a row of empty cells for a few bytes.
			s.note = fmt.Sprintf("cells beyond column %d of an Excel 97-2003 sheet: dropped", xlsColumns)
			continue
		}
		if s.bytes += len(c.value); s.bytes > s.book.maxRow {
			s.tooLong, s.cells = true, nil
			return
		}
		if c.col >= len(s.cells) {
			s.cells = append(s.cells, make([]string, c.col+1-len(s.cells))...)
		}
		s.cells[c.col] = c.value
	}
}

func (s *xlsSheet) take() sheetRow {
	out := sheetRow{line: s.row + 1, cells: s.cells, tooLong: s.tooLong, note: s.note}
	s.row, s.cells, s.bytes, s.tooLong, s.note = -1, nil, 0, false, ""
	return out
}

// record reads the next record and leaves its non-empty cells in s.rec.
func (s *xlsSheet) record() (int64, error) {
	s.rec = s.rec[:0]
	wb := s.book
	r := wb.r
	if err := r.next(); err != nil {
		return 0, err
	}
	d := r.data
	switch r.id {
	case biffBOF:
		s.depth++
		return 0, nil
	case biffEOF:
		if s.depth--; s.depth == 0 {
			s.done = true
		}
		return 0, nil
	}
	if s.depth != 1 || len(d) < 6 {
		return 0, nil
	}
	row, col, xf := int64(binary.LittleEndian.Uint16(d)), int(binary.LittleEndian.Uint16(d[2:])), binary.LittleEndian.Uint16(d[4:])
	var value string
	switch r.id {
	case biffLabelSST:
		if len(d) < 10 {
			return 0, errBIFFShort
		}
		i := binary.LittleEndian.Uint32(d[6:])
		if int64(i) >= int64(len(wb.sst)) {
			return 0, fmt.Errorf("string %d of a shared table of %d", i, len(wb.sst))
		}
		value = wb.sst[i]
	case biffLabel, biffRString:
		wb.cur.reset(d[6:])
		v, err := wb.readString(2)
		if err != nil {
			return 0, err
		}
		value = v
	case biffNumber:
		if len(d) < 14 {
			return 0, errBIFFShort
		}
		value = wb.formatValue(xf, math.Float64frombits(binary.LittleEndian.Uint64(d[6:])))
	case biffRK:
		if len(d) < 10 {
			return 0, errBIFFShort
		}
		value = wb.formatValue(xf, rkValue(binary.LittleEndian.Uint32(d[6:])))
	case biffMulRK:
		// row, first column, then a style and an RK value per cell, then
		// the last column.
		for i := 4; i+6 <= len(d)-2; i += 6 {
			v := wb.formatValue(binary.LittleEndian.Uint16(d[i:]), rkValue(binary.LittleEndian.Uint32(d[i+2:])))
			s.rec = append(s.rec, xlsCell{col: int(binary.LittleEndian.Uint16(d[2:])) + (i-4)/6, value: v})
		}
		return row, nil
	case biffBoolErr:
		if len(d) < 8 {
			return 0, errBIFFShort
		}
		value = boolErrValue(d[6], d[7] != 0)
	case biffFormula:
		if len(d) < 14 {
			return 0, errBIFFShort
		}
		res := d[6:14]
		if res[6] != 0xFF || res[7] != 0xFF {
			value = wb.formatValue(xf, math.Float64frombits(binary.LittleEndian.Uint64(res)))
			break
		}
		switch res[0] {
		case 0: // the string comes in the STRING record that follows
			s.formulaString, s.formulaRow, s.formulaCol = true, int(row), col
			return 0, nil
		case 1, 2:
			value = boolErrValue(res[2], res[0] == 2)
		}
	case biffString:
		if !s.formulaString {
			return 0, nil
		}
		s.formulaString = false
		wb.cur.reset(d)
		v, err := wb.readString(2)
		if err != nil {
			return 0, err
		}
		row, col, value = int64(s.formulaRow), s.formulaCol, v
	default:
		return 0, nil
	}
	if value != "" {
		s.rec = append(s.rec, xlsCell{col: col, value: value})
	}
	return row, nil
}

// rkValue decodes an RK number: a 30-bit integer or the top of a float64,
// perhaps multiplied by 100.
func rkValue(rk uint32) float64 {
	var v float64
	if rk&0x02 != 0 {
		v = float64(int32(rk) >> 2)
	} else {
		v = math.Float64frombits(uint64(rk&0xFFFFFFFC) << 32)
	}
	if rk&0x01 != 0 {
		v /= 100
	}
	return v
}

func boolErrValue(v byte, isError bool) string {
	if !isError {
		if v != 0 {
			return "TRUE"
		}
		return "FALSE"
	}
	switch v {
	case 0x00:
		return "#NULL!"
	case 0x07:
		return "#DIV/0!"
	case 0x0F:
		return "#VALUE!"
	case 0x17:
		return "#REF!"
	case 0x1D:
		return "#NAME?"
	case 0x24:
		return "#NUM!"
	default:
		return "#N/A"
	}
}

// formatValue writes a number as its cell style shows it where that
// matters: dates as dates, zero-padded numbers with their zeros.
func (wb *xlsBook) formatValue(xf uint16, v float64) string {
	var f numFormat
	if int(xf) < len(wb.xfs) {
		ifmt := wb.xfs[xf]
		var ok bool
		if f, ok = wb.formats[ifmt]; !ok {
			f = builtinFormat(ifmt)
		}
	}
	switch f.kind {
	case fmtDate, fmtTime:
		if t, ok := serialTime(v, wb.date1904); ok {
			return formatDateTime(t, f.kind == fmtDate)
		}
	case fmtDigits:
		if s, ok := fillDigits(f.template, v); ok {
			return s
		}
	default:
		if s, ok := f.text(v); ok {
			return s
		}
	}
	return formatNumber(v)
}

type fmtKind uint8

const (
	fmtNumber fmtKind = iota
	fmtDate           // a date, perhaps with a time
	fmtTime           // a time of day or a duration
	fmtDigits         // digits padded with zeros: postcodes, phone numbers
)

type numFormat struct {
	kind     fmtKind
	template string    // fmtDigits: '0' and '#' placeholders among literals
	texts    [3]string // sections made of text alone
	hasText  [3]bool
	sections int
}

// builtinFormat is what the formats Excel does not write down mean
// ([MS-XLS] 2.5.165): 14-22 and 45-47 show dates and times, 27-36 and
// 50-58 East Asian dates.
func builtinFormat(ifmt uint16) numFormat {
	switch {
	case ifmt >= 14 && ifmt <= 17, ifmt == 22, ifmt >= 27 && ifmt <= 36, ifmt >= 50 && ifmt <= 58:
		return numFormat{kind: fmtDate}
	case ifmt >= 18 && ifmt <= 21, ifmt >= 45 && ifmt <= 47:
		return numFormat{kind: fmtTime}
	}
	return numFormat{}
}

// parseNumFormat classifies a number format code by its first section,
// leaving out quoted text, escaped characters and [bracketed] modifiers.
// Sections made of text alone, such as LibreOffice's "TRUE";"TRUE";"FALSE"
// for booleans, are kept to show instead of the number.
func parseNumFormat(code string) numFormat {
	var f numFormat
	var plain, text strings.Builder
	literal, elapsed := false, false
	section := 0
	endSection := func() {
		if section < len(f.texts) && plain.Len() == 0 && text.Len() > 0 {
			f.texts[section], f.hasText[section] = text.String(), true
		}
		section++
		plain.Reset()
		text.Reset()
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case ';':
			if section == 0 {
				f.kind, f.template = classifyFormat(plain.String(), literal, elapsed)
			}
			endSection()
			continue
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				j = len(code) - i - 1
			}
			text.WriteString(code[i+1 : i+1+j])
			i += j + 1
			literal = true
			continue
		case '\\':
			if i+1 < len(code) {
				text.WriteByte(code[i+1])
			}
			i++
			literal = true
			continue
		case '_', '*':
			i++
			literal = true
			continue
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				j = len(code) - i
			} else if b := strings.ToLower(code[i+1 : i+j]); b != "" && strings.Trim(b, "hms") == "" {
				elapsed = true
			}
			i += j
			continue
		}
		plain.WriteByte(c)
	}
	if section == 0 {
		f.kind, f.template = classifyFormat(plain.String(), literal, elapsed)
	}
	endSection()
	f.sections = section
	return f
}

func classifyFormat(plain string, literal, elapsed bool) (fmtKind, string) {
	p := strings.ReplaceAll(strings.ToLower(plain), "general", "")
	switch {
	case strings.ContainsAny(p, "yd") || strings.Contains(p, "m") && !strings.ContainsAny(p, "hs") && !elapsed:
		return fmtDate, ""
	case strings.ContainsAny(p, "hs") || elapsed:
		return fmtTime, ""
	case !literal && strings.Count(p, "0") >= 2 && strings.Trim(p, "0# -()") == "":
		return fmtDigits, p
	}
	return fmtNumber, ""
}

// text is what a section made of text alone shows for v, if v's section
// is one: the first for positive numbers (and all numbers when it is the
// only one), the second for negative, the third for zero.
func (f numFormat) text(v float64) (string, bool) {
	i := 0
	switch {
	case v < 0 && f.sections > 1:
		i = 1
	case v == 0 && f.sections > 2:
		i = 2
	}
	return f.texts[i], f.hasText[i]
}

// fillDigits writes a whole number into a template such as "00000" or
// "00 00 00 00 00", right to left; digits beyond the template go first.
func fillDigits(template string, v float64) (string, bool) {
	if v < 0 || v >= 1e15 || v != math.Trunc(v) {
		return "", false
	}
	digits := fmt.Sprintf("%d", int64(v))
	if v == 0 {
		digits = ""
	}
	out := make([]byte, 0, len(template)+len(digits))
	i := len(digits)
	for j := len(template) - 1; j >= 0; j-- {
		switch c := template[j]; c {
		case '0', '#':
			if i > 0 {
				i--
				out = append(out, digits[i])
			} else if c == '0' {
				out = append(out, '0')
			}
		default:
			if i > 0 || strings.IndexByte(template[:j], '0') >= 0 {
				out = append(out, c)
			}
		}
	}
	for i > 0 {
		i--
		out = append(out, digits[i])
	}
	slices.Reverse(out)
	return strings.TrimSpace(string(out)), true
}

// serialTime turns a spreadsheet date serial into a time: days since 1900
// (with Lotus's 29 February 1900) or since 1904.
func serialTime(v float64, date1904 bool) (time.Time, bool) {
	if v < 0 || v > 2958466 || math.IsNaN(v) {
		return time.Time{}, false
	}
	days := math.Floor(v)
	var base time.Time
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case days < 60:
		base = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	default:
		base = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	}
	secs := math.Round((v - days) * 86400)
	return base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second), true
}

// codepageCharmap maps a BIFF5 CODEPAGE to its decoder; unknown code pages
// read as Windows-1252, the most common.
func codepageCharmap(cp uint16) *charmap.Charmap {
	switch cp {
	case 437:
		return charmap.CodePage437
	case 850:
		return charmap.CodePage850
	case 874:
		return charmap.Windows874
	case 1250:
		return charmap.Windows1250
	case 1251:
		return charmap.Windows1251
	case 1253:
		return charmap.Windows1253
	case 1254:
		return charmap.Windows1254
	case 1255:
		return charmap.Windows1255
	case 1256:
		return charmap.Windows1256
	case 1257:
		return charmap.Windows1257
	case 1258:
		return charmap.Windows1258
	case 10000, 0x8000:
		return charmap.Macintosh
	}
	return charmap.Windows1252
}
