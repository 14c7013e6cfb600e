package dump

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/leakdesk/leakdesk"
)

// Layout is how a line format is read, as sniffed from the start of its
// file: what a reader of any byte range of the file must know to read
// that range as reading the whole file would (the header line above all,
// which only the first range holds). The preview rows are not part of it:
// they are leaked data, and ReadRange sniffs them again from the file.
type Layout struct {
	Format     Format   `json:"format"`
	Encoding   string   `json:"encoding"`
	Delimiter  string   `json:"delimiter,omitempty"`
	Columns    []string `json:"columns"`
	HeaderLine int64    `json:"header_line,omitempty"` // 1-based; 0 without a header
}

// MinSplit is the smallest byte range worth reading on its own, and the
// least a first range holds: the header line lies in the sniffed window,
// so every range after the first starts below it.
const MinSplit = sniffWindow

// SplitLayout sniffs the file at path and returns its layout, with true
// when the file can be read by byte ranges: a line format (delimited
// text without multi-line cells, a combolist, free text) in an encoding
// where a newline byte always ends a line. Archives, structured formats
// and other encodings give false, and are read whole.
func (r *Reader) SplitLayout(path string) (Layout, bool, error) {
	f, err := openRange(path)
	if err != nil {
		return Layout{}, false, err
	}
	defer f.Close()
	return r.SplitLayoutAt(path, f)
}

// SplitLayoutAt is SplitLayout of the content src, named name: the
// plaintext of a blob in the vault, read by ranges.
func (r *Reader) SplitLayoutAt(name string, src io.ReaderAt) (Layout, bool, error) {
	l, _, ok, err := r.sniffLayout(name, src)
	return l, ok, err
}

// ReadRange reads the lines of the file at path that start at a byte in
// [start, end), as one table laid out as want. Records are numbered from
// 1 within the range; the caller that splits a file adds the records of
// the ranges before. A range that holds no line yields a table with no
// rows, which is not unread: its lines were read by the range before it.
// A file whose start no longer sniffs as want has changed since it was
// split, and is refused.
func (r *Reader) ReadRange(ctx context.Context, path string, want Layout, start, end int64, fn func(*Table) error) error {
	f, err := openRange(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return r.ReadRangeAt(ctx, path, f, want, start, end, fn)
}

// ReadRangeAt is ReadRange of the content src, named name.
func (r *Reader) ReadRangeAt(ctx context.Context, name string, src io.ReaderAt, want Layout, start, end int64, fn func(*Table) error) error {
	if start < 0 || end < start {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: invalid byte range %d-%d", name, start, end)
	}
	got, s, ok, err := r.sniffLayout(name, src)
	if err != nil {
		return err
	}
	if !ok || !sameLayout(got, want) {
		return leakdesk.Errorf(leakdesk.EINTEGRITY, "%s: its layout is no longer the one it was split by (the file changed)", name)
	}
	// A range past the file's end would read as empty: the file was
	// truncated since it was split, and its lines there are unknown.
	if end > start {
		if n, err := src.ReadAt(make([]byte, 1), end-1); n == 0 {
			if !errors.Is(err, io.EOF) {
				return r.readError(name, err)
			}
			return leakdesk.Errorf(leakdesk.EINTEGRITY, "%s: it ends before byte %d, the end of the range being read: it is shorter than when it was split (the file changed); not read", name, end)
		}
	}
	begin, err := lineStartFrom(src, start)
	if err != nil {
		return r.readError(name, err)
	}
	stop, err := lineStartFrom(src, end)
	if err != nil {
		return r.readError(name, err)
	}
	if start > 0 {
		s.headerLine = 0 // the header is in the first range only
	}
	in := bufio.NewReaderSize(io.NewSectionReader(src, begin, max(stop-begin, 0)), sniffWindow)
	return r.emit(ctx, r.lineTable(name, got.Encoding, in, s), fn)
}

// sniffLayout sniffs f from its start as readData does.
func (r *Reader) sniffLayout(path string, f io.ReaderAt) (Layout, sniffed, bool, error) {
	head := make([]byte, sniffWindow)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return Layout{}, sniffed{}, false, r.readError(path, err)
	}
	head = head[:n]
	if len(bytes.TrimSpace(head)) == 0 || isArchive(head) || isSQLite(head) || isPgDump(head) || isOLE2(head) || isBSON(head) || isFlatODS(head) {
		return Layout{}, sniffed{}, false, nil
	}
	enc := cmp.Or(declaredEncoding(head), detectEncoding(head))
	if enc == EncBinary || decoder(enc) != nil {
		return Layout{}, sniffed{}, false, nil
	}
	sample, _ := fixInvalidUTF8(head)
	s := r.sniff(string(sample), sniffWindow > len(head))
	l := Layout{Format: s.format, Encoding: enc, Delimiter: s.delim.delim, Columns: s.columns, HeaderLine: s.headerLine}
	switch s.format {
	case FormatDelimited:
		return l, s, !(s.multiline && len(s.delim.delim) == 1), nil
	case FormatCombolist, FormatText:
		return l, s, true, nil
	}
	return l, s, false, nil
}

func sameLayout(a, b Layout) bool {
	return a.Format == b.Format && a.Encoding == b.Encoding && a.Delimiter == b.Delimiter && a.HeaderLine == b.HeaderLine && slices.Equal(a.Columns, b.Columns)
}

func openRange(path string) (*os.File, error) {
	f, err := os.Open(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "file %s does not exist", path)
	case err != nil:
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "file %s cannot be read: %v", path, err)
	}
	return f, nil
}

// lineStartFrom returns where the first line starting at or after offset
// begins: offset itself when it is 0 or follows a newline, else just
// after the next newline, or the file's end.
func lineStartFrom(f io.ReaderAt, offset int64) (int64, error) {
	if offset == 0 {
		return 0, nil
	}
	buf := make([]byte, 64<<10)
	for pos := offset - 1; ; {
		n, err := f.ReadAt(buf, pos)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return pos + int64(i) + 1, nil
		}
		pos += int64(n)
		if errors.Is(err, io.EOF) {
			return pos, nil
		}
		if err != nil {
			return 0, fmt.Errorf("find a line start: %w", err)
		}
	}
}
