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
	"path/filepath"
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
	if err := prepareSpool(opts.SpoolDir); err != nil {
		return nil, err
	}
	k, err := loadKnowledge(opts.Region)
	if err != nil {
		return nil, err
	}
	return &Reader{opts: opts, k: k}, nil
}

// Read reads the file at path, archives included, and calls fn with each
// table found, in order. fn may read the table's rows; rows it leaves are
// skipped. Errors name the file and, inside archives, the member.
//
// Damage in one file or member does not stop the others: once everything
// readable has been handed to fn, Read returns an *UnreadError naming each
// file or member that yielded no record, or stopped early, and why. Errors
// fn returns stop the reading and are returned as they are.
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
	st := &readState{opts: r.opts}
	if info.IsDir() {
		if !isPgDumpDir(filePath) {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s is a directory, not a file (of directories, only pg_dump -Fd's are read)", filePath)
		}
		return st.tally.result(st.keep(ctx, filePath, r.readPgDumpDir(ctx, st, filePath, st.tally.track(fn))))
	}
	var in io.Reader = f
	if r.opts.Progress != nil {
		in = r.opts.Progress(filePath, f, info.Size())
	}
	return st.tally.result(r.walk(ctx, st, filePath, in, f, info.Size(), 0, st.tally.track(fn)))
}

// ReadStream reads a stream, such as standard input, named name in
// positions and messages. Zip archives in a stream are first copied to a
// temporary file, since zip needs random access.
func (r *Reader) ReadStream(ctx context.Context, name string, rd io.Reader, fn func(*Table) error) error {
	st := &readState{opts: r.opts}
	return st.tally.result(r.walk(ctx, st, name, rd, nil, -1, 0, st.tally.track(fn)))
}

// readState is shared by everything read from one top-level file.
type readState struct {
	opts     Options
	expanded atomic.Int64 // bytes produced by decompression
	tally    tally
}

// walk reads one file or archive member. A failure that concerns only it is
// recorded as unread and reading goes on; fn's errors, cancellation and
// zip bombs stop everything.
func (r *Reader) walk(ctx context.Context, st *readState, name string, rd io.Reader, ra io.ReaderAt, size int64, depth int, fn func(*Table) error) error {
	st.tally.enter(name)
	return st.keep(ctx, name, r.walkFile(ctx, st, name, rd, ra, size, depth, fn))
}

// keep records a failure that concerns only file, and lets reading go on;
// it returns the errors that must stop everything: fn's, cancellation, and
// zip bombs.
func (st *readState) keep(ctx context.Context, file string, err error) error {
	if err == nil || isConsumerError(err) || ctx.Err() != nil || isFatal(err) {
		return err
	}
	st.tally.fail(file, err)
	return nil
}

func (r *Reader) walkFile(ctx context.Context, st *readState, name string, rd io.Reader, ra io.ReaderAt, size int64, depth int, fn func(*Table) error) error {
	br := bufio.NewReaderSize(rd, sniffWindow)
	head, err := br.Peek(sniffWindow)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return r.readError(name, err)
	}
	if isArchive(head) && depth >= r.opts.MaxDepth {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: archives nest deeper than %d levels; stopped (raise --max-depth to read it)", name, r.opts.MaxDepth)
	}
	switch {
	case isZip(head):
		ra, size, cleanup, err := randomAccess(r.opts.SpoolDir, br, ra, size)
		if err != nil {
			return r.readError(name, err)
		}
		defer cleanup()
		// The zip reader reads through a counter, so that members are
		// measured against the compressed bytes they really took.
		counted := &countingReaderAt{r: ra}
		zr, err := zip.NewReader(counted, size)
		if err != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged or truncated zip archive: %v", name, err)
		}
		if isXLSX(zr) {
			return r.readXLSX(ctx, st, name, ra, size, fn)
		}
		if isODS(zr) {
			return r.readODS(ctx, st, name, zr, counted, fn)
		}
		st.tally.container(name)
		return r.walkZip(ctx, st, name, zr, counted, depth, fn)
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
			st.tally.container(name)
		}
		lim := &limitReader{r: gz, st: st, name: inner, compressed: counted.count}
		return r.walk(ctx, st, inner, lim, nil, -1, depth+1, fn)
	case isXZ(head) || isBzip2(head) || isZstd(head):
		return r.walkCompressed(ctx, st, name, br, head, depth, fn)
	case is7z(head):
		ra, size, cleanup, err := randomAccess(r.opts.SpoolDir, br, ra, size)
		if err != nil {
			return r.readError(name, err)
		}
		defer cleanup()
		st.tally.container(name)
		return r.walk7z(ctx, st, name, ra, size, depth, fn)
	case isRar(head):
		st.tally.container(name)
		return r.walkRar(ctx, st, name, br, depth, fn)
	case isSQLite(head):
		return r.readSQLite(ctx, name, br, ra, fn)
	case isTar(head):
		st.tally.container(name)
		tr := tar.NewReader(br)
		var pg pgTar
		for {
			hdr, err := tr.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged tar archive: %v", name, err)
			}
			if hdr.Typeflag != tar.TypeReg {
				continue
			}
			if err := r.walkTarMember(ctx, st, &pg, name, hdr, tr, depth, fn); err != nil {
				return err
			}
		}
	case isPgDump(head):
		return r.readPgDump(ctx, st, name, br, fn)
	case isOLE2(head):
		return r.readOLE(ctx, st, name, br, ra, size, fn)
	case isBSON(head):
		return r.readBSON(ctx, name, br, fn)
	case isMongoMetadata(name, head):
		return r.emit(ctx, mongoMetadataTable(name), fn)
	default:
		return r.readData(ctx, st, name, br, head, fn)
	}
}

// walkZip reads every member, going on past damaged ones, which walk
// records as unread. counted is what zr reads through.
//
// A member's ratio is its inflated bytes over the compressed bytes read to
// inflate them, never over the sizes the archive declares: members may
// overlap, each declaring the rest of the file as its own, so that
// declared sizes make a bomb look mild.
func (r *Reader) walkZip(ctx context.Context, st *readState, name string, zr *zip.Reader, counted *countingReaderAt, depth int, fn func(*Table) error) error {
	pgRead, err := r.readZipPgDumps(ctx, st, name, zr, counted, fn)
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || pgRead[f.Name] {
			continue
		}
		member := name + "!/" + f.Name
		start := counted.count()
		rc, err := r.openZipMember(f)
		if err != nil {
			st.tally.fail(member, leakdesk.Errorf(leakdesk.EINVALID, "cannot open archive member: %s", leakdesk.ErrorMessage(err)))
			continue
		}
		lim := counted.limit(st, member, rc, start)
		err = r.walk(ctx, st, member, lim, nil, int64(f.UncompressedSize64), depth+1, fn)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
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
		t := &Table{File: name, Format: FormatText, Columns: []string{}, each: noRows, reason: "empty file"}
		t.warn(Position{File: name}, "empty file")
		return r.emit(ctx, t, fn)
	}
	if isFlatODS(head) {
		return r.readFlatODS(ctx, st, name, br, fn)
	}
	enc := cmp.Or(declaredEncoding(head), detectEncoding(head))
	if enc == EncBinary {
		what := describe(head)
		t := &Table{File: name, Format: "binary", Encoding: EncBinary, Columns: []string{}, each: noRows, reason: what}
		t.warn(Position{File: name}, "%s", what)
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
	case FormatPsql:
		return r.readPsql(ctx, name, enc, tb, string(sample), fn)
	case FormatMySQLXML:
		return r.readMySQLXML(ctx, name, enc, tb, fn)
	case FormatKeyValue:
		return r.emit(ctx, r.keyValueTable(name, enc, tb, s), fn)
	case FormatVCard:
		return r.emit(ctx, r.vcardTable(name, enc, tb), fn)
	case FormatLDIF:
		return r.emit(ctx, r.ldifTable(name, enc, tb), fn)
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
	err := t.drain(ctx)
	t.preview = nil // the unread tally keeps the table; its sample is no longer needed
	return err
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

// randomAccess gives formats that need random access (zip, 7-Zip, OLE2)
// the file itself, or a copy of a stream spooled in dir, removed by
// cleanup.
func randomAccess(dir string, br io.Reader, ra io.ReaderAt, size int64) (io.ReaderAt, int64, func(), error) {
	if ra != nil {
		return ra, size, func() {}, nil
	}
	f, n, cleanup, err := spool(dir, br)
	if err != nil {
		return nil, 0, nil, err
	}
	return f, n, cleanup, nil
}

// spoolPrefix starts the name of everything reading leaves in the spool
// directory while it runs.
const spoolPrefix = "leakdesk-spool-"

// prepareSpool creates the spool directory, readable by its owner only,
// and removes what an earlier reader that crashed left in it. Removing
// what a reader running now is using is harmless: its files are open, and
// an open file outlives its name.
func prepareSpool(dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "spool directory %s cannot be created: %v", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "spool directory %s cannot be made private: %v", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "spool directory %s cannot be read: %v", dir, err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), spoolPrefix) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
	return nil
}

// spool copies a stream to a file in dir (the system's temporary directory
// if empty), for formats that need random access (zip inside another
// archive). The file loses its name at once where the system allows, so
// that a crash leaves nothing behind; cleanup closes it and removes it
// where it could not.
func spool(dir string, r io.Reader) (*os.File, int64, func(), error) {
	f, err := os.CreateTemp(dir, spoolPrefix+"*")
	if err != nil {
		return nil, 0, nil, err
	}
	os.Remove(f.Name())
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	n, err := io.Copy(f, r)
	if err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	return f, n, cleanup, nil
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r io.ReaderAt
	n atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingReaderAt) count() int64 { return c.n.Load() }

// limit bounds rc, a zip member opened when count was start, by the
// compressed bytes read since.
func (c *countingReaderAt) limit(st *readState, member string, rc io.Reader, start int64) *limitReader {
	return &limitReader{r: rc, st: st, name: member, compressed: func() int64 { return c.count() - start }}
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
