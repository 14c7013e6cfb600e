package dump

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zstd"

	"github.com/leakdesk/leakdesk"
)

// FormatPgDump is a table read from a pg_dump archive: custom (-Fc),
// directory (-Fd) or tar (-Ft). Positions count lines within the table's
// data, as COPY text.
const FormatPgDump Format = "pg_dump"

// pg_dump archives start with this, then the archive version.
const pgDumpMagic = "PGDMP"

// Archive versions (major, minor) that change what we read: pg_dump 8.4
// wrote 1.11, pg_dump 12 to 15 write 1.14, 16 writes 1.15 and 17 writes
// 1.16. Older archives lack fields we rely on.
const (
	pgVersMin         = 1<<8 | 11
	pgVersTableAM     = 1<<8 | 14
	pgVersCompression = 1<<8 | 15 // compression algorithm in the header
	pgVersRelKind     = 1<<8 | 16
	pgVersMax         = 1<<8 | 16
)

// The archive formats in the header; a directory's toc.dat says tar.
const (
	pgFormatCustom    = 1
	pgFormatTar       = 3
	pgFormatDirectory = 5
)

// Compression algorithms of the header (pg_compress_algorithm).
const (
	pgCompressNone = 0
	pgCompressGzip = 1
	pgCompressLZ4  = 2
	pgCompressZstd = 3
)

// An entry of a custom archive without data says so where its offset goes.
const pgOffsetNoData = 3

// Block types in a custom archive's data.
const (
	pgBlockData  = 1
	pgBlockBlobs = 3
)

// pgArchive is the header and the table of contents of a pg_dump archive:
// enough to name each table's data and give its columns.
type pgArchive struct {
	name        string // the file, for messages
	r           *bufio.Reader
	intSize     int
	offSize     int
	version     int // major<<8 | minor
	format      byte
	compression int
	stdStrings  bool
	created     map[string][]string // columns of the tables the archive creates
	data        map[int]*pgEntry    // TABLE DATA entries by dump id
	order       []*pgEntry          // the same, in the order of the table of contents
}

// pgEntry is a TABLE DATA entry of the table of contents.
type pgEntry struct {
	id       int
	table    string // schema.table, as plain SQL dumps name them
	copyStmt string // COPY ... FROM stdin; empty for dumps made with --inserts
	file     string // the data file of directory and tar archives
	noData   bool   // a custom archive's entry that says it has no data block
}

func isPgDump(head []byte) bool { return bytes.HasPrefix(head, []byte(pgDumpMagic)) }

func (a *pgArchive) damaged(format string, args ...any) error {
	return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged pg_dump archive: %s", a.name, fmt.Sprintf(format, args...))
}

// ioError turns a short read into a message that says what was being read.
func (a *pgArchive) ioError(what string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: pg_dump archive is truncated in %s", a.name, what)
	}
	var e *leakdesk.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("read %s: %w", a.name, err)
}

func (a *pgArchive) readByte(what string) (byte, error) {
	c, err := a.r.ReadByte()
	if err != nil {
		return 0, a.ioError(what, err)
	}
	return c, nil
}

// readInt reads pg_dump's integers: a sign byte, then intSize bytes, least
// significant first.
func (a *pgArchive) readInt(what string) (int, error) {
	var b [9]byte
	if _, err := io.ReadFull(a.r, b[:1+a.intSize]); err != nil {
		return 0, a.ioError(what, err)
	}
	var v uint64
	for i := a.intSize; i >= 1; i-- {
		v = v<<8 | uint64(b[i])
	}
	if v > 1<<31 {
		return 0, a.damaged("%s: %d is out of range", what, v)
	}
	if b[0] != 0 {
		return -int(v), nil
	}
	return int(v), nil
}

// readStr reads a length and that many bytes; a length of -1 is NULL. The
// bytes are copied as they arrive, so that a damaged length costs no more
// memory than the file holds.
func (a *pgArchive) readStr(what string, limit int) (string, error) {
	n, err := a.readInt(what)
	if err != nil || n <= 0 {
		return "", err
	}
	if n > limit {
		return "", a.damaged("%s of %d bytes, more than %d", what, n, limit)
	}
	var b strings.Builder
	if _, err := io.CopyN(&b, a.r, int64(n)); err != nil {
		return "", a.ioError(what, err)
	}
	return b.String(), nil
}

// readPgArchive reads the header and the table of contents.
func (r *Reader) readPgArchive(name string, in *bufio.Reader) (*pgArchive, error) {
	a := &pgArchive{name: name, r: in, intSize: 4, created: map[string][]string{}, data: map[int]*pgEntry{}}
	var head [11]byte
	if _, err := io.ReadFull(in, head[:]); err != nil {
		return nil, a.ioError("the header", err)
	}
	a.version = int(head[5])<<8 | int(head[6])
	if a.version < pgVersMin || a.version > pgVersMax {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s: pg_dump archive version %d.%d is not one leakdesk reads (1.11 to 1.16, pg_dump 8.4 to 17)", name, head[5], head[6])
	}
	a.intSize, a.offSize, a.format = int(head[8]), int(head[9]), head[10]
	if a.intSize < 1 || a.intSize > 8 || a.offSize < 1 || a.offSize > 8 {
		return nil, a.damaged("integer sizes %d and %d", a.intSize, a.offSize)
	}
	if a.format != pgFormatCustom && a.format != pgFormatTar && a.format != pgFormatDirectory {
		return nil, a.damaged("unknown archive format %d", a.format)
	}
	if a.version >= pgVersCompression {
		c, err := a.readByte("the header")
		if err != nil {
			return nil, err
		}
		a.compression = int(c)
	} else {
		level, err := a.readInt("the header")
		if err != nil {
			return nil, err
		}
		if level != 0 {
			a.compression = pgCompressGzip
		}
	}
	for i := 0; i < 7; i++ { // the creation time
		if _, err := a.readInt("the header"); err != nil {
			return nil, err
		}
	}
	for i := 0; i < 3; i++ { // the database, the server's and pg_dump's versions
		if _, err := a.readStr("the header", 1<<10); err != nil {
			return nil, err
		}
	}
	count, err := a.readInt("the table of contents")
	if err != nil {
		return nil, err
	}
	if count < 0 {
		return nil, a.damaged("%d entries in the table of contents", count)
	}
	for i := 0; i < count; i++ {
		if err := a.readEntry(r.opts.MaxRecordBytes); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// readEntry reads one entry of the table of contents, keeping those that
// carry table data.
func (a *pgArchive) readEntry(limit int) error {
	what := fmt.Sprintf("entry %d of the table of contents", len(a.order)+1)
	var err error
	str := func() string {
		var s string
		if err == nil {
			s, err = a.readStr(what, limit)
		}
		return s
	}
	num := func() int {
		var n int
		if err == nil {
			n, err = a.readInt(what)
		}
		return n
	}
	id := num()
	num() // whether it had a data dumper
	str() // the catalog's table oid
	str() // the object's oid
	tag, desc := str(), str()
	num() // section
	defn := str()
	str() // the DROP statement
	copyStmt, namespace := str(), str()
	str() // tablespace
	if a.version >= pgVersTableAM {
		str()
	}
	if a.version >= pgVersRelKind {
		num()
	}
	str() // owner
	str() // "false": tables with OIDs are no more
	if err != nil {
		return err
	}
	for { // dependencies, up to a NULL
		n, err := a.readInt(what)
		if err != nil {
			return err
		}
		if n < 0 {
			break
		}
		if _, err := io.CopyN(io.Discard, a.r, int64(n)); err != nil {
			return a.ioError(what, err)
		}
	}
	var file string
	noData := false
	if a.format == pgFormatCustom {
		// Whether the entry has data, and the data's offset when the
		// archive was written to a file pg_dump could seek in. Blocks are
		// read in order instead, so the offset is not needed.
		state, err := a.readByte(what)
		if err != nil {
			return err
		}
		noData = state == pgOffsetNoData
		if _, err := io.CopyN(io.Discard, a.r, int64(a.offSize)); err != nil {
			return a.ioError(what, err)
		}
	} else if file, err = a.readStr(what, 1<<10); err != nil {
		return err
	}
	switch desc {
	case "TABLE":
		// Dumps made with --inserts name no columns in their data: take
		// them from CREATE TABLE.
		s := &sqlScanner{r: bufio.NewReader(strings.NewReader(defn)), name: a.name, maxCell: limit, created: a.created}
		if _, err := s.nextStatement(); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
	case "STDSTRINGS":
		a.stdStrings = strings.Contains(defn, "'on'")
	case "TABLE DATA":
		e := &pgEntry{id: id, table: tag, copyStmt: copyStmt, file: file, noData: noData}
		if namespace != "" {
			e.table = namespace + "." + tag
		}
		a.data[id] = e
		a.order = append(a.order, e)
	}
	return nil
}

// readPgDump reads a pg_dump archive from a stream: a custom archive with
// its data, or the toc.dat of a directory or tar archive on its own.
func (r *Reader) readPgDump(ctx context.Context, st *readState, name string, in *bufio.Reader, fn func(*Table) error) error {
	a, err := r.readPgArchive(name, in)
	if err != nil {
		return err
	}
	if a.format != pgFormatCustom {
		// The data files are elsewhere: say so on each table.
		for _, e := range a.order {
			t := &Table{File: name, Sheet: e.table, Format: FormatPgDump, Columns: copyColumns(e.copyStmt), each: noRows,
				reason: "table of contents only: the data is in the files beside it, which were not found"}
			t.warn(Position{File: name, Sheet: e.table}, "the data is in %s, beside this table of contents, and was not found", e.file)
			if err := r.emit(ctx, t, fn); err != nil {
				return err
			}
		}
		return nil
	}
	// Data blocks follow the table of contents, in the order they were
	// written: reading them in order serves files and pipes alike.
	seen := map[int]bool{}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		kind, err := a.r.ReadByte()
		if errors.Is(err, io.EOF) {
			// An archive cut between two blocks reads as a whole one
			// but for the blocks the table of contents still expects.
			for _, e := range a.order {
				if !seen[e.id] && !e.noData {
					return leakdesk.Errorf(leakdesk.EINVALID, "%s: pg_dump archive is truncated: the data of %s (dump id %d) is missing", name, e.table, e.id)
				}
			}
			return nil
		}
		if err != nil {
			return a.ioError("the data", err)
		}
		id, err := a.readInt("the data")
		if err != nil {
			return err
		}
		blocks := &pgBlocks{a: a, what: fmt.Sprintf("the data of dump id %d", id)}
		switch {
		case kind == pgBlockBlobs:
			// Large objects: binary, one block sequence each, up to oid 0.
			for {
				oid, err := a.readInt(blocks.what)
				if err != nil {
					return err
				}
				if oid == 0 {
					break
				}
				if err := blocks.skip(); err != nil {
					return err
				}
				blocks.done = false
			}
			continue
		case kind != pgBlockData:
			return a.damaged("unknown data block type %d", kind)
		}
		seen[id] = true
		e := a.data[id]
		if e == nil {
			e = &pgEntry{id: id, table: fmt.Sprintf("dump id %d", id)}
		}
		var data io.ReadCloser = io.NopCloser(blocks)
		if a.compression != pgCompressNone {
			if data, err = r.pgDecompress(st, a, a.compression, name+" ["+e.table+"]", blocks); err != nil {
				return err
			}
		}
		err = r.readPgData(ctx, a, e, name, data, fn)
		data.Close()
		if err != nil {
			return err
		}
		if err := blocks.skip(); err != nil {
			return err
		}
	}
}

// pgBlocks reads the data of one entry of a custom archive: chunks of a
// length and bytes, up to a length of zero.
type pgBlocks struct {
	a    *pgArchive
	what string
	left int
	done bool
	read int64
}

func (b *pgBlocks) Read(p []byte) (int, error) {
	for b.left == 0 {
		if b.done {
			return 0, io.EOF
		}
		n, err := b.a.readInt(b.what)
		if err != nil {
			return 0, err
		}
		if n < 0 {
			return 0, b.a.damaged("%s: a chunk of %d bytes", b.what, n)
		}
		b.left, b.done = n, n == 0
	}
	n, err := b.a.r.Read(p[:min(len(p), b.left)])
	b.left -= n
	b.read += int64(n)
	if errors.Is(err, io.EOF) {
		err = b.a.ioError(b.what, io.ErrUnexpectedEOF)
	}
	return n, err
}

// skip reads what is left of the entry's data.
func (b *pgBlocks) skip() error {
	_, err := io.Copy(io.Discard, b)
	return err
}

// pgDecompress undoes an archive's compression of one table's data, within
// the limits on expansion.
// The caller closes what it returns.
func (r *Reader) pgDecompress(st *readState, a *pgArchive, algorithm int, member string, in io.Reader) (io.ReadCloser, error) {
	counted := &countingReader{r: in}
	var out io.ReadCloser
	var err error
	switch algorithm {
	case pgCompressGzip:
		// Custom archives hold zlib streams, directories gzip files.
		if a.format == pgFormatCustom {
			out, err = zlib.NewReader(counted)
		} else {
			out, err = gzip.NewReader(counted)
		}
	case pgCompressZstd:
		// pg_dump 16 and later: zstd frames, in chunks or in a .zst file.
		// Windows are capped at what pg_dump's long mode uses.
		var zr *zstd.Decoder
		zr, err = zstd.NewReader(counted, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(1<<27))
		if err == nil {
			out = zr.IOReadCloser()
		}
	default:
		// lz4 (pg_dump 16 and later) changed its layout in custom
		// archives between releases; it is not read until tested on
		// real archives.
		name := map[int]string{pgCompressLZ4: "lz4"}[algorithm]
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s: compressed with %s, which leakdesk does not read yet (pg_restore -f out.sql turns it into a plain dump)", member, cmp.Or(name, fmt.Sprintf("algorithm %d", algorithm)))
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, a.ioError(member, err)
	}
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged compressed data: %v", member, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{&pgErrReader{r: &limitReader{r: out, st: st, name: member, compressed: counted.count}, a: a, member: member}, out}, nil
}

// pgErrReader names the table whose compressed data is damaged.
type pgErrReader struct {
	r      io.Reader
	a      *pgArchive
	member string
}

func (p *pgErrReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if err != nil && !errors.Is(err, io.EOF) {
		var e *leakdesk.Error
		if !errors.As(err, &e) {
			err = leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged compressed data: %v", p.member, err)
		}
	}
	return n, err
}

// readPgData reads one table's data, COPY text or, for dumps made with
// --inserts, INSERT statements, as the plain SQL reader does.
func (r *Reader) readPgData(ctx context.Context, a *pgArchive, e *pgEntry, file string, data io.Reader, fn func(*Table) error) error {
	s := r.newSQLScanner(file, bufio.NewReaderSize(io.MultiReader(strings.NewReader(e.copyStmt), data), 64<<10))
	s.pgStrings, s.stdStrings, s.created = true, a.stdStrings, a.created
	// Lines count from the first line of data, after the COPY statement.
	s.line = -int64(strings.Count(e.copyStmt, "\n"))
	return r.sqlTables(ctx, s, EncUTF8, FormatPgDump, fn)
}

// copyColumns returns the columns of a COPY statement.
func copyColumns(stmt string) []string {
	s := &sqlScanner{r: bufio.NewReader(strings.NewReader(stmt)), created: map[string][]string{}}
	st, err := s.nextStatement()
	if err != nil || st.columns == nil {
		return []string{}
	}
	return st.columns
}

// pgDataFile finds the data file of an entry among names, which may add a
// compression suffix to the name the table of contents gives.
func pgDataFile(e *pgEntry, exists func(string) bool) (string, bool) {
	for _, suffix := range []string{"", ".gz", ".lz4", ".zst"} {
		if exists(e.file + suffix) {
			return e.file + suffix, true
		}
	}
	return "", false
}

// pgDataCompression is the compression a data file's name says.
func pgDataCompression(file string) int {
	switch path.Ext(file) {
	case ".gz":
		return pgCompressGzip
	case ".lz4":
		return pgCompressLZ4
	case ".zst":
		return pgCompressZstd
	}
	return pgCompressNone
}

// readPgDumpFiles reads a directory archive, whose data files open opens
// by name, beside its toc.dat.
func (r *Reader) readPgDumpFiles(ctx context.Context, st *readState, a *pgArchive, dir string, exists func(string) bool, open func(string) (io.ReadCloser, error), fn func(*Table) error) error {
	for _, e := range a.order {
		if err := ctx.Err(); err != nil {
			return err
		}
		file, ok := pgDataFile(e, exists)
		if !ok {
			st.tally.fail(dir, leakdesk.Errorf(leakdesk.EINVALID, "the data of %s, %s, is missing", e.table, e.file))
			continue
		}
		member := dir + "/" + file
		rc, err := open(file)
		if err != nil {
			if err := st.keep(ctx, member, leakdesk.Errorf(leakdesk.EINVALID, "cannot open: %v", leakdesk.ErrorMessage(err))); err != nil {
				return err
			}
			continue
		}
		err = r.readPgMember(ctx, st, a, e, member, rc, fn)
		rc.Close()
		if err := st.keep(ctx, member, err); err != nil {
			return err
		}
	}
	return nil
}

// readPgMember reads the data file of one entry, as its name says it is
// compressed.
func (r *Reader) readPgMember(ctx context.Context, st *readState, a *pgArchive, e *pgEntry, member string, in io.Reader, fn func(*Table) error) error {
	if c := pgDataCompression(member); c != pgCompressNone {
		rc, err := r.pgDecompress(st, a, c, member, in)
		if err != nil {
			return err
		}
		defer rc.Close()
		in = rc
	}
	return r.readPgData(ctx, a, e, member, in, fn)
}

// isPgDumpDir reports whether dir holds a pg_dump -Fd archive: a toc.dat
// that starts as pg_dump's archives do.
func isPgDumpDir(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "toc.dat"))
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(pgDumpMagic))
	n, _ := io.ReadFull(f, head)
	return isPgDump(head[:n])
}

// readPgDumpDir reads a directory written by pg_dump -Fd: toc.dat and a
// data file per table. Other directories are refused.
func (r *Reader) readPgDumpDir(ctx context.Context, st *readState, dir string, fn func(*Table) error) error {
	f, err := os.Open(filepath.Join(dir, "toc.dat"))
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s is a directory, not a file", dir)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if head, _ := br.Peek(len(pgDumpMagic)); !isPgDump(head) {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s is a directory, not a file", dir)
	}
	a, err := r.readPgArchive(filepath.Join(dir, "toc.dat"), br)
	if err != nil {
		return err
	}
	exists := func(name string) bool {
		info, err := os.Stat(filepath.Join(dir, name))
		return err == nil && info.Mode().IsRegular()
	}
	open := func(name string) (io.ReadCloser, error) { return os.Open(filepath.Join(dir, name)) }
	return r.readPgDumpFiles(ctx, st, a, dir, exists, open, fn)
}

// readZipPgDumps reads the pg_dump directory archives inside a zip: each
// toc.dat with its data files beside it. It returns the members it read,
// which the zip walker skips.
func (r *Reader) readZipPgDumps(ctx context.Context, st *readState, name string, zr *zip.Reader, counted *countingReaderAt, fn func(*Table) error) (map[string]bool, error) {
	members := map[string]*zip.File{}
	for _, f := range zr.File {
		members[f.Name] = f
	}
	read := map[string]bool{}
	for _, f := range zr.File {
		if path.Base(f.Name) != "toc.dat" {
			continue
		}
		dir := path.Dir(f.Name)
		rc, err := f.Open()
		if err != nil {
			continue // the zip walker reports it
		}
		br := bufio.NewReader(rc)
		head, _ := br.Peek(len(pgDumpMagic))
		if !isPgDump(head) {
			rc.Close()
			continue
		}
		a, err := r.readPgArchive(name+"!/"+f.Name, br)
		rc.Close()
		read[f.Name] = true
		if err != nil {
			st.tally.fail(name+"!/"+f.Name, err)
			continue
		}
		inDir := func(file string) string { return path.Join(dir, file) }
		exists := func(file string) bool { return members[inDir(file)] != nil }
		open := func(file string) (io.ReadCloser, error) {
			m := members[inDir(file)]
			read[m.Name] = true
			start := counted.count()
			rc, err := m.Open()
			if err != nil {
				return nil, err
			}
			lim := counted.limit(st, name+"!/"+m.Name, rc, start)
			return struct {
				io.Reader
				io.Closer
			}{lim, rc}, nil
		}
		if err := r.readPgDumpFiles(ctx, st, a, name+"!/"+dir, exists, open, fn); err != nil {
			return read, err
		}
		if m := members[inDir("restore.sql")]; m != nil {
			read[m.Name] = true
		}
	}
	return read, nil
}

// pgTar follows pg_dump archives inside a tar, whose members come one by
// one: a toc.dat (first, in pg_dump -Ft's tars) gives the columns of the
// data files that follow it in its folder.
type pgTar struct {
	archives map[string]*pgArchive // by folder
}

// walkTarMember reads one member of a tar: as part of a pg_dump archive,
// or as a file of its own.
func (r *Reader) walkTarMember(ctx context.Context, st *readState, pg *pgTar, name string, hdr *tar.Header, tr io.Reader, depth int, fn func(*Table) error) error {
	member := name + "!/" + hdr.Name
	dir, base := path.Dir(hdr.Name), path.Base(hdr.Name)
	br := bufio.NewReader(tr)
	if base == "toc.dat" {
		if head, _ := br.Peek(len(pgDumpMagic)); isPgDump(head) {
			a, err := r.readPgArchive(member, br)
			if err != nil {
				return st.keep(ctx, member, err)
			}
			if pg.archives == nil {
				pg.archives = map[string]*pgArchive{}
			}
			pg.archives[dir] = a
			return nil
		}
	}
	if a := pg.archives[dir]; a != nil {
		if base == "restore.sql" {
			return nil // the schema, and COPY commands that point at the data files
		}
		for _, e := range a.order {
			if _, ok := pgDataFile(e, func(f string) bool { return f == base }); ok {
				return st.keep(ctx, member, r.readPgMember(ctx, st, a, e, member, br, fn))
			}
		}
	}
	return r.walk(ctx, st, member, br, nil, hdr.Size, depth+1, fn)
}
