package dump

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync/atomic"

	"golang.org/x/text/transform"

	"github.com/leakdesk/leakdesk"
)

// Reader reads leaked files.
type Reader struct {
	opts Options
	k    *knowledge
}

// NewReader returns a reader with the given limits.
func NewReader(opts Options) (*Reader, error) {
	opts = opts.withDefaults()
	k, err := loadKnowledge(opts.Region)
	if err != nil {
		return nil, err
	}
	return &Reader{opts: opts, k: k}, nil
}

// Read reads the file at path, archives included, and calls fn with each
// table found, in order. fn may read the table's rows; rows it leaves are
// skipped. Errors name the file and, inside archives, the member.
func (r *Reader) Read(ctx context.Context, filePath string, fn func(*Table) error) error {
	f, err := os.Open(filePath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return leakdesk.Errorf(leakdesk.ENOTFOUND, "file %s does not exist", filePath)
	case err != nil:
		return leakdesk.Errorf(leakdesk.EINVALID, "file %s cannot be read: %v", filePath, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "file %s cannot be read: %v", filePath, err)
	}
	if info.IsDir() {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s is a directory, not a file", filePath)
	}
	st := &readState{opts: r.opts}
	var in io.Reader = f
	if r.opts.Progress != nil {
		in = r.opts.Progress(filePath, f, info.Size())
	}
	return r.walk(ctx, st, filePath, in, f, info.Size(), 0, fn)
}

// ReadStream reads a stream, such as standard input, named name in
// positions and messages. Zip archives in a stream are first copied to a
// temporary file, since zip needs random access.
func (r *Reader) ReadStream(ctx context.Context, name string, rd io.Reader, fn func(*Table) error) error {
	st := &readState{opts: r.opts}
	return r.walk(ctx, st, name, rd, nil, -1, 0, fn)
}

// readState is shared by everything read from one top-level file.
type readState struct {
	opts     Options
	expanded atomic.Int64 // bytes produced by decompression
}

func (r *Reader) walk(ctx context.Context, st *readState, name string, rd io.Reader, ra io.ReaderAt, size int64, depth int, fn func(*Table) error) error {
	br := bufio.NewReaderSize(rd, sniffWindow)
	head, err := br.Peek(sniffWindow)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return r.readError(name, err)
	}
	isContainer := isZip(head) || isGzip(head) || isTar(head)
	if isContainer && depth >= r.opts.MaxDepth {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: archives nest deeper than %d levels; stopped (raise --max-depth to read it)", name, r.opts.MaxDepth)
	}
	switch {
	case isZip(head):
		if ra == nil {
			spooled, n, cleanup, err := spool(br)
			if err != nil {
				return r.readError(name, err)
			}
			defer cleanup()
			ra, size = spooled, n
		}
		zr, err := zip.NewReader(ra, size)
		if err != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged or truncated zip archive: %v", name, err)
		}
		if isXLSX(zr) {
			return r.readXLSX(ctx, st, name, ra, size, fn)
		}
		return r.walkZip(ctx, st, name, zr, depth, fn)
	case isGzip(head):
		counted := &countingReader{r: br}
		gz, err := gzip.NewReader(counted)
		if err != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged gzip stream: %v", name, err)
		}
		// gzip wraps one stream: it keeps the file's name unless the
		// stream records a name of its own.
		inner := name
		if gz.Name != "" {
			inner = name + "!/" + gz.Name
		}
		lim := &limitReader{r: gz, st: st, name: inner, compressed: counted.count}
		return r.walk(ctx, st, inner, lim, nil, -1, depth+1, fn)
	case isSQLite(head):
		return r.readSQLite(ctx, name, br, ra, fn)
	case isTar(head):
		tr := tar.NewReader(br)
		var errs []error
		for {
			hdr, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				errs = append(errs, leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged tar archive: %v", name, err))
				break
			}
			if hdr.Typeflag != tar.TypeReg {
				continue
			}
			if err := r.walk(ctx, st, name+"!/"+hdr.Name, tr, nil, hdr.Size, depth+1, fn); err != nil {
				if ctx.Err() != nil || isFatal(err) {
					return err
				}
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	default:
		return r.readData(ctx, st, name, br, head, fn)
	}
}

// walkZip reads every member, going on past damaged ones and reporting them
// together at the end.
func (r *Reader) walkZip(ctx context.Context, st *readState, name string, zr *zip.Reader, depth int, fn func(*Table) error) error {
	var errs []error
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		member := name + "!/" + f.Name
		if limit := r.opts.MaxRatio * int64(max(f.CompressedSize64, 1)); f.UncompressedSize64 > uint64(max(limit, 1<<20)) {
			return bombError(member, r.opts.MaxRatio)
		}
		rc, err := f.Open()
		if err != nil {
			errs = append(errs, leakdesk.Errorf(leakdesk.EINVALID, "%s: cannot open archive member: %v", member, err))
			continue
		}
		compressed := int64(f.CompressedSize64)
		lim := &limitReader{r: rc, st: st, name: member, compressed: func() int64 { return compressed }}
		err = r.walk(ctx, st, member, lim, nil, int64(f.UncompressedSize64), depth+1, fn)
		rc.Close()
		if err != nil {
			if ctx.Err() != nil || isFatal(err) {
				return err
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// isFatal reports errors after which no more of the file should be read.
func isFatal(err error) bool {
	var e *leakdesk.Error
	return errors.As(err, &e) && strings.Contains(e.Message, "zip bomb")
}

func bombError(name string, ratio int64) error {
	return leakdesk.Errorf(leakdesk.EINVALID, "%s: expands more than %d times its compressed size, like a zip bomb; stopped (raise --max-ratio to read it)", name, ratio)
}

func (r *Reader) readError(name string, err error) error {
	var e *leakdesk.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, zip.ErrFormat) || errors.Is(err, gzip.ErrChecksum) {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s is truncated or damaged: %v", name, err)
	}
	return fmt.Errorf("read %s: %w", name, err)
}

// readData reads a file that is not an archive.
func (r *Reader) readData(ctx context.Context, st *readState, name string, br *bufio.Reader, head []byte, fn func(*Table) error) error {
	if len(bytes.TrimSpace(head)) == 0 {
		t := &Table{File: name, Format: FormatText, Columns: []string{}, each: noRows}
		t.warn(Position{File: name}, "empty file")
		return r.emit(ctx, t, fn)
	}
	enc := cmp.Or(declaredEncoding(head), detectEncoding(head))
	if enc == EncBinary {
		t := &Table{File: name, Format: "binary", Encoding: EncBinary, Columns: []string{}, each: noRows}
		t.warn(Position{File: name}, "binary file: not read")
		return r.emit(ctx, t, fn)
	}
	var text io.Reader = br
	if dec := decoder(enc); dec != nil {
		text = transform.NewReader(br, dec)
	}
	tb := bufio.NewReaderSize(text, sniffWindow)
	sample, err := tb.Peek(sniffWindow)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return r.readError(name, err)
	}
	sample, _ = fixInvalidUTF8(sample)
	s := r.sniff(string(sample), sniffWindow > len(sample))
	switch s.format {
	case FormatJSON:
		return r.readJSON(ctx, name, enc, tb, fn)
	case FormatSQL:
		return r.readSQL(ctx, name, enc, tb, fn)
	case FormatMySQLXML:
		return r.readMySQLXML(ctx, name, enc, tb, fn)
	case FormatKeyValue:
		return r.emit(ctx, r.keyValueTable(name, enc, tb, s), fn)
	case FormatNDJSON:
		return r.emit(ctx, r.ndjsonTable(name, enc, tb, s), fn)
	default:
		return r.emit(ctx, r.lineTable(name, enc, tb, s), fn)
	}
}

// emit hands a table to fn, then skips whatever rows fn left unread.
func (r *Reader) emit(ctx context.Context, t *Table, fn func(*Table) error) error {
	if err := fn(t); err != nil {
		return err
	}
	return t.drain(ctx)
}

func noRows(context.Context, int, func(int, Row) error) error { return nil }

func isZip(b []byte) bool {
	return bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06"))
}

func isGzip(b []byte) bool { return bytes.HasPrefix(b, []byte{0x1f, 0x8b}) }

func isTar(b []byte) bool {
	return len(b) > 262 && (bytes.Equal(b[257:262], []byte("ustar")))
}

func isXLSX(zr *zip.Reader) bool {
	var types, workbook bool
	for _, f := range zr.File {
		switch path.Clean(f.Name) {
		case "[Content_Types].xml":
			types = true
		case "xl/workbook.xml":
			workbook = true
		}
	}
	return types && workbook
}

// spool copies a stream to a temporary file, for formats that need random
// access (zip inside another archive). The file is removed by cleanup.
func spool(r io.Reader) (*os.File, int64, func(), error) {
	f, err := os.CreateTemp("", "leakdesk-spool-*")
	if err != nil {
		return nil, 0, nil, err
	}
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	n, err := io.Copy(f, r)
	if err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	return f, n, cleanup, nil
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingReader) count() int64 { return c.n.Load() }

// limitReader stops decompression that grows beyond the ratio or the total
// budget, whatever sizes the archive declares.
type limitReader struct {
	r          io.Reader
	st         *readState
	name       string
	n          int64
	compressed func() int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if total := l.st.expanded.Add(int64(n)); total > l.st.opts.MaxExpandedBytes {
		return n, leakdesk.Errorf(leakdesk.EINVALID, "%s: archives expand beyond %d bytes in all, like a zip bomb; stopped (raise --max-expanded to read it)", l.name, l.st.opts.MaxExpandedBytes)
	}
	if l.n > 1<<20 && l.n > l.st.opts.MaxRatio*max(l.compressed(), 1) {
		return n, bombError(l.name, l.st.opts.MaxRatio)
	}
	return n, err
}
