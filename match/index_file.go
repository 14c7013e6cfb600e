package match

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unsafe"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// An index file holds a loaded registry: its contacts, as normalised, and
// its key table, laid out so that OpenIndex maps it and uses the table in
// place, shared by every process that opens it. All integers are
// little-endian:
//
//	0   magic "LDREGIDX"
//	8   version uint32, key table shift uint32
//	16  region, 8 bytes, zero-padded
//	24  contacts, invalid e-mail addresses, invalid phone numbers: uint64 each
//	48  file size uint64
//	56  5 sections (offset, length uint64): fps, dir, start, ids, contacts
//	136 the sections, each at an offset a multiple of 8
//	    the file's last 4 bytes: CRC-32C of all the others
const (
	indexMagic    = "LDREGIDX"
	indexVersion  = 1
	indexHeader   = 136
	indexSections = 5
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// WriteIndex writes the registry as an index file (see OpenIndex).
func (reg *Registry) WriteIndex(w io.Writer) error {
	t := reg.keys.table()
	var contacts []byte
	for _, c := range reg.Contacts {
		contacts = appendContact(contacts, c)
	}
	sections := [indexSections][]byte{u64Bytes(t.fps), u32Bytes(t.dir), u32Bytes(t.start), u32Bytes(t.ids), contacts}
	header := make([]byte, indexHeader)
	copy(header, indexMagic)
	le := binary.LittleEndian
	le.PutUint32(header[8:], indexVersion)
	le.PutUint32(header[12:], uint32(t.shift))
	copy(header[16:24], reg.n.region)
	le.PutUint64(header[24:], uint64(len(reg.Contacts)))
	le.PutUint64(header[32:], uint64(reg.InvalidEmails))
	le.PutUint64(header[40:], uint64(reg.InvalidPhones))
	off := uint64(indexHeader)
	for i, s := range sections {
		le.PutUint64(header[56+16*i:], off)
		le.PutUint64(header[64+16*i:], uint64(len(s)))
		off += padded(len(s))
	}
	le.PutUint64(header[48:], off+4)
	sum := crc32.New(castagnoli)
	bw := bufio.NewWriterSize(io.MultiWriter(w, sum), 1<<20)
	bw.Write(header)
	for _, s := range sections {
		bw.Write(s)
		bw.Write(make([]byte, padded(len(s))-uint64(len(s))))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write registry index: %w", err)
	}
	if _, err := w.Write(le.AppendUint32(nil, sum.Sum32())); err != nil {
		return fmt.Errorf("write registry index: %w", err)
	}
	return nil
}

func padded(n int) uint64 { return uint64(n+7) &^ 7 }

// OpenIndex maps an index file written by "leakdesk registry index" and
// returns its registry, which normalises with n: n's region must be the
// one the index was built with. The mapping stays for the life of the
// process: the contacts' strings are read from it in place.
func OpenIndex(path string, n *Normaliser) (*Registry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "registry index %s cannot be read: %v", path, err)
	}
	defer f.Close()
	b, err := mapFile(f)
	if err != nil {
		return nil, fmt.Errorf("map registry index %s: %w", path, err)
	}
	reg, err := readIndex(b, n)
	if err != nil {
		unmapFile(b)
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "registry index %s: %s", path, leakdesk.ErrorMessage(err))
	}
	reg.mapped = &indexFile{path: path, data: b}
	return reg, nil
}

// IndexRegistry reads a registry file as LoadRegistry does and writes it
// to out as an index file, whole or not at all: it is written beside out
// and renamed.
func IndexRegistry(ctx context.Context, r *dump.Reader, n *Normaliser, registry string, opts RegistryOptions, out string) (*Registry, error) {
	reg, err := LoadRegistry(ctx, r, n, registry, opts)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".*.part")
	if err != nil {
		return nil, fmt.Errorf("write registry index: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a failure; renamed away otherwise
	if err := reg.WriteIndex(tmp); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write registry index: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write registry index: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return nil, fmt.Errorf("write registry index: %w", err)
	}
	return reg, nil
}

// isIndexFile reports whether path begins as an index file does.
func isIndexFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	magic := make([]byte, len(indexMagic))
	_, err = io.ReadFull(f, magic)
	return err == nil && string(magic) == indexMagic
}

// indexFile is a mapped index file.
type indexFile struct {
	path string
	data []byte
}

// readIndex checks an index file's bytes and reads the registry in them.
// Nothing in b is trusted: a damaged file is an error, never a smaller
// registry.
func readIndex(b []byte, n *Normaliser) (*Registry, error) {
	le := binary.LittleEndian
	if len(b) < indexHeader+4 || string(b[:8]) != indexMagic {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "not a registry index (written by \"leakdesk registry index\")")
	}
	if v := le.Uint32(b[8:]); v != indexVersion {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "index version %d, this leakdesk reads version %d: build it again", v, indexVersion)
	}
	if size := le.Uint64(b[48:]); size != uint64(len(b)) {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "the file has %d bytes where its header says %d: it is truncated or damaged", len(b), size)
	}
	if want, got := le.Uint32(b[len(b)-4:]), crc32.Checksum(b[:len(b)-4], castagnoli); want != got {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "checksum %08x, expected %08x: the file is damaged", got, want)
	}
	if region := strings.TrimRight(string(b[16:24]), "\x00"); region != n.region {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "built for region %s, read with region %s: phone numbers would be read otherwise", region, n.region)
	}
	var sections [indexSections][]byte
	for i := range sections {
		off, length := le.Uint64(b[56+16*i:]), le.Uint64(b[64+16*i:])
		if off%8 != 0 || off < indexHeader || off > uint64(len(b)-4) || length > uint64(len(b)-4)-off {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "section %d lies outside the file", i)
		}
		sections[i] = b[off : off+length]
	}
	shift := le.Uint32(b[12:])
	t := &keyTable{shift: uint8(shift), fps: view[uint64](sections[0]), dir: view[uint32](sections[1]), start: view[uint32](sections[2]), ids: view[uint32](sections[3])}
	count := le.Uint64(b[24:])
	if shift > 64 || t.fps == nil || t.dir == nil || t.start == nil || t.ids == nil || count > uint64(len(sections[4])) {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "the key table's sections are misshapen")
	}
	if err := t.check(int(count)); err != nil {
		return nil, err
	}
	reg := &Registry{n: n, InvalidEmails: int(le.Uint64(b[32:])), InvalidPhones: int(le.Uint64(b[40:])), Contacts: make([]*Contact, 0, count)}
	d := decoder{b: sections[4]}
	for range count {
		c := d.contact()
		if d.err != nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "contact %d: %v", len(reg.Contacts)+1, d.err)
		}
		reg.Contacts = append(reg.Contacts, c)
	}
	if len(d.b) != 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%d bytes follow the last contact", len(d.b))
	}
	reg.keys.use(t)
	return reg, nil
}

// check verifies what lookups rely on, so that a damaged table is an
// error rather than a wrong answer or a crash.
func (t *keyTable) check(contacts int) error {
	bad := func(what string) error {
		return leakdesk.Errorf(leakdesk.EINVALID, "the key table is damaged: %s", what)
	}
	dirBits := 64 - int(t.shift)
	if len(t.dir) != 1<<dirBits+1 || len(t.start) != len(t.fps)+1 {
		return bad("sizes disagree")
	}
	if !slices.IsSorted(t.dir) || t.dir[len(t.dir)-1] != uint32(len(t.fps)) {
		return bad("directory out of order")
	}
	for i, fp := range t.fps {
		if i > 0 && fp <= t.fps[i-1] || int(t.dir[t.slot(fp)]) > i || int(t.dir[t.slot(fp)+1]) <= i {
			return bad("fingerprints out of order")
		}
	}
	if !slices.IsSorted(t.start) || t.start[0] != 0 || t.start[len(t.start)-1] != uint32(len(t.ids)) {
		return bad("entries out of order")
	}
	for _, id := range t.ids {
		if int(id) >= contacts {
			return bad("an entry names no contact")
		}
	}
	return nil
}

// view reads a section of uint32 or uint64 in place. The sections are
// 8-byte aligned in the file and the mapping is page-aligned; on a
// big-endian machine, or for bytes not so aligned (a test's), they are
// copied. It returns nil when the section is not whole values.
func view[T uint32 | uint64](b []byte) []T {
	size := int(unsafe.Sizeof(T(0)))
	if len(b)%size != 0 {
		return nil
	}
	if len(b) == 0 {
		return []T{}
	}
	if littleEndian() && uintptr(unsafe.Pointer(&b[0]))%uintptr(size) == 0 {
		return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/size)
	}
	out := make([]T, len(b)/size)
	for i := range out {
		for j := size - 1; j >= 0; j-- {
			out[i] = out[i]<<8 | T(b[i*size+j])
		}
	}
	return out
}

func u64Bytes(v []uint64) []byte {
	out := make([]byte, 0, 8*len(v))
	for _, x := range v {
		out = binary.LittleEndian.AppendUint64(out, x)
	}
	return out
}

func u32Bytes(v []uint32) []byte {
	out := make([]byte, 0, 4*len(v))
	for _, x := range v {
		out = binary.LittleEndian.AppendUint32(out, x)
	}
	return out
}

func littleEndian() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}
