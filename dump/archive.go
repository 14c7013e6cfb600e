package dump

import (
	"bytes"
	"compress/bzip2"
	"context"
	"errors"
	"io"

	"github.com/bodgit/sevenzip"
	"github.com/klauspost/compress/zstd"
	"github.com/nwaples/rardecode/v2"
	"github.com/ulikunitz/xz"

	"github.com/leakdesk/leakdesk"
)

func isXZ(b []byte) bool { return bytes.HasPrefix(b, []byte("\xfd7zXZ\x00")) }
func isBzip2(b []byte) bool {
	return len(b) >= 10 && bytes.HasPrefix(b, []byte("BZh")) && b[3] >= '1' && b[3] <= '9' && bytes.HasPrefix(b[4:], []byte("\x31\x41\x59\x26\x53\x59"))
}
func isZstd(b []byte) bool { return bytes.HasPrefix(b, []byte("\x28\xb5\x2f\xfd")) }
func is7z(b []byte) bool   { return bytes.HasPrefix(b, []byte("7z\xbc\xaf\x27\x1c")) }
func isRar(b []byte) bool  { return bytes.HasPrefix(b, []byte("Rar!\x1a\x07")) }

// isArchive reports whether head starts a container that walk opens.
func isArchive(head []byte) bool {
	return isZip(head) || isGzip(head) || isTar(head) || isXZ(head) || isBzip2(head) || isZstd(head) || is7z(head) || isRar(head)
}

// zstdWindow caps the memory a Zstandard frame may ask for: the format lets
// a frame claim gigabytes of window.
const zstdWindow = 128 << 20

// decompressor opens a single-stream compression format. The stream keeps
// the name of the file it is in, as gzip's does.
func decompressor(head []byte, r io.Reader) (io.Reader, func(), string, error) {
	switch {
	case isXZ(head):
		zr, err := xz.NewReader(r)
		return zr, func() {}, "xz", err
	case isBzip2(head):
		return bzip2.NewReader(r), func() {}, "bzip2", nil
	default:
		zr, err := zstd.NewReader(r, zstd.WithDecoderMaxWindow(zstdWindow), zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, func() {}, "zstd", err
		}
		return zr, zr.Close, "zstd", nil
	}
}

// walkCompressed reads an xz, bzip2 or Zstandard stream as the file it
// holds, within the expansion limits.
func (r *Reader) walkCompressed(ctx context.Context, st *readState, name string, br io.Reader, head []byte, depth int, fn func(*Table) error) error {
	counted := &countingReader{r: br}
	dr, closeFn, kind, err := decompressor(head, counted)
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged %s stream: %v", name, kind, err)
	}
	defer closeFn()
	lim := &limitReader{r: &streamErrors{r: dr, name: name, kind: kind}, st: st, name: name, compressed: counted.count}
	return r.walk(ctx, st, name, lim, nil, -1, depth+1, fn)
}

// streamErrors names the file and the format in the errors of a
// decompressor, which speak only of bytes.
type streamErrors struct {
	r    io.Reader
	name string
	kind string
}

func (s *streamErrors) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		var e *leakdesk.Error
		if !errors.As(err, &e) {
			err = leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged or truncated %s stream: %v", s.name, s.kind, err)
		}
	}
	return n, err
}

// walk7z reads every member of a 7-Zip archive, which needs random access.
func (r *Reader) walk7z(ctx context.Context, st *readState, name string, ra io.ReaderAt, size int64, depth int, fn func(*Table) error) error {
	zr, err := sevenzip.NewReaderWithPassword(ra, size, r.opts.Password)
	if err != nil {
		return r.archiveError(name, "7-Zip", err, encrypted7z(err))
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		member := name + "!/" + f.Name
		rc, err := f.Open()
		if err != nil {
			st.tally.fail(member, r.archiveError(member, "7-Zip", err, encrypted7z(err)))
			continue
		}
		// 7-Zip compresses members together, so the ratio is checked
		// against the whole archive.
		in := &memberErrors{r: rc, name: member, kind: "7-Zip", encrypted: encrypted7z, reader: r}
		lim := &limitReader{r: in, st: st, name: member, compressed: func() int64 { return size }}
		err = r.walk(ctx, st, member, lim, nil, int64(f.UncompressedSize), depth+1, fn)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func encrypted7z(err error) bool {
	var re *sevenzip.ReadError
	return errors.As(err, &re) && re.Encrypted
}

// memberErrors says what went wrong inside an archive member, in the
// words of archiveError, rather than in the library's.
type memberErrors struct {
	r         io.Reader
	name      string
	kind      string
	encrypted func(error) bool
	reader    *Reader
}

func (m *memberErrors) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = m.reader.archiveError(m.name, m.kind, err, m.encrypted(err))
	}
	return n, err
}

// walkRar reads every member of a RAR archive, as a stream. Volumes of a
// multi-volume archive are never looked for: a leak names no file that
// leakdesk should open.
func (r *Reader) walkRar(ctx context.Context, st *readState, name string, br io.Reader, depth int, fn func(*Table) error) error {
	counted := &countingReader{r: br}
	opts := []rardecode.Option{rardecode.MaxDictionarySize(256 << 20)}
	if r.opts.Password != "" {
		opts = append(opts, rardecode.Password(r.opts.Password))
	}
	rr, err := rardecode.NewReader(counted, opts...)
	if err != nil {
		return r.archiveError(name, "RAR", err, rarEncrypted(err))
	}
	for {
		hdr, err := rr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return r.archiveError(name, "RAR", err, rarEncrypted(err))
		}
		if hdr.IsDir {
			continue
		}
		member := name + "!/" + hdr.Name
		in := &memberErrors{r: rr, name: member, kind: "RAR", encrypted: rarEncrypted, reader: r}
		lim := &limitReader{r: in, st: st, name: member, compressed: counted.count}
		if err := r.walk(ctx, st, member, lim, nil, hdr.UnPackedSize, depth+1, fn); err != nil {
			return err
		}
	}
}

func rarEncrypted(err error) bool {
	return errors.Is(err, rardecode.ErrArchiveEncrypted) || errors.Is(err, rardecode.ErrArchivedFileEncrypted) || errors.Is(err, rardecode.ErrBadPassword)
}

// archiveError says what went wrong with an archive, and how to go on when
// it is password-protected: sellers often publish the password beside the
// file.
func (r *Reader) archiveError(name, kind string, err error, encrypted bool) error {
	var e *leakdesk.Error
	switch {
	case errors.As(err, &e):
		return err
	case encrypted && r.opts.Password == "":
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: password-protected %s archive: give its password with --password", name, kind)
	case encrypted:
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: password-protected %s archive, and the password given does not open it", name, kind)
	default:
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged or truncated %s archive: %v", name, kind, err)
	}
}
