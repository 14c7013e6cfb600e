package match

import (
	"bufio"
	"bytes"
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

// An index file holds a loaded registry: its key table, its phone numbers'
// table, and its contacts as normalised, laid out so that OpenIndex maps
// it and uses it in place, shared by every process that opens it, and
// reads a contact only when a row may be theirs. All integers are
// little-endian:
//
//	0   magic "LDREGIDX"
//	8   version uint32, key table shift uint32
//	16  region, 8 bytes, zero-padded
//	24  contacts, invalid e-mail addresses, invalid phone numbers: uint64 each
//	48  file size uint64
//	56  distinct e-mail addresses, distinct phone numbers, held values: uint64 each
//	80  phone table shift uint32, 4 bytes zero
//	88  12 sections (offset, length uint64): the key table (fps, dir,
//	    start, ids), the phone table (fps, dir, start, ids), where each
//	    phone number ends (uint32), the phone numbers, where each contact
//	    begins and the last ends (uint64), the contacts
//	280 the sections, each at an offset a multiple of 8
//	    the file's last 4 bytes: CRC-32C of all the others
const (
	indexMagic    = "LDREGIDX"
	indexVersion  = 2
	indexHeader   = 280
	indexSections = 12
)

// The sections, in file order.
const (
	secKeys       = 0 // 4 sections: a keyTable
	secPhoneKeys  = 4 // 4 sections: the phone table's keyTable
	secPhoneEnds  = 8
	secPhones     = 9
	secContactAt  = 10
	secContacts   = 11
	tableSections = 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// indexBuilder gathers a registry's contacts, one at a time, as an index
// file's sections. The contacts, the bulk of the file, are written to a
// spool as they come; the tables are held until the end, at about 16
// bytes a key.
type indexBuilder struct {
	region                       string
	spool                        io.Writer
	offsets                      []uint64 // where each contact begins in the spool, and the last ends
	keys                         []keyed
	held                         []keyed // the keys of held values, added after all others as AddHistory adds them
	phones                       *phoneLayouts
	values                       valueCount
	invalidEmails, invalidPhones int
	heldValues                   int
	buf                          []byte
}

func newIndexBuilder(region string, spool io.Writer) *indexBuilder {
	return &indexBuilder{region: region, spool: spool, offsets: []uint64{0}, phones: newPhoneLayouts()}
}

// add adds the next contact.
func (b *indexBuilder) add(c *Contact) error {
	id := uint32(len(b.offsets) - 1)
	b.buf = appendContact(b.buf[:0], c)
	if _, err := b.spool.Write(b.buf); err != nil {
		return fmt.Errorf("write registry index: %w", err)
	}
	b.offsets = append(b.offsets, b.offsets[len(b.offsets)-1]+uint64(len(b.buf)))
	contactKeys(c, func(fp uint64) { b.keys = append(b.keys, keyed{fp, id}) })
	for _, h := range c.held {
		if h.email {
			b.held = append(b.held, keyed{fingerprint(keyEmail, h.value), id}, keyed{fingerprint(keyAlias, EmailAlias(h.value)), id})
		} else {
			b.held = append(b.held, keyed{fingerprint(keyPhone, h.value), id})
		}
	}
	for _, p := range c.Phones {
		b.phones.add(p)
	}
	b.values.add(c)
	b.heldValues += len(c.held)
	return nil
}

// write writes the index file to w: the tables, then the contacts read
// back from the spool. keys is the key table, or nil to build it from the
// keys gathered.
func (b *indexBuilder) write(w io.Writer, spooled io.Reader, keys *keyTable) error {
	if keys == nil {
		keys = newKeyTable(append(b.keys, b.held...))
	}
	b.keys, b.held = nil, nil
	phones := b.phones.national.table()
	emails, numbers := b.values.counts()
	var sections [indexSections]section
	tableSections := func(at int, t *keyTable) {
		sections[at], sections[at+1], sections[at+2], sections[at+3] = u64Section(t.fps), u32Section(t.dir), u32Section(t.start), u32Section(t.ids)
	}
	tableSections(secKeys, keys)
	tableSections(secPhoneKeys, phones)
	sections[secPhoneEnds] = u32Section(b.phones.ends)
	sections[secPhones] = bytesSection(b.phones.numbers)
	sections[secContactAt] = u64Section(b.offsets)
	contactsSize := b.offsets[len(b.offsets)-1]
	sections[secContacts] = section{size: contactsSize, write: func(w io.Writer) error {
		n, err := io.Copy(w, spooled)
		if err == nil && uint64(n) != contactsSize {
			err = fmt.Errorf("%d bytes of contacts read back, %d written", n, contactsSize)
		}
		return err
	}}
	header := make([]byte, indexHeader)
	copy(header, indexMagic)
	le := binary.LittleEndian
	le.PutUint32(header[8:], indexVersion)
	le.PutUint32(header[12:], uint32(keys.shift))
	copy(header[16:24], b.region)
	for i, v := range []int{len(b.offsets) - 1, b.invalidEmails, b.invalidPhones} {
		le.PutUint64(header[24+8*i:], uint64(v))
	}
	for i, v := range []int{emails, numbers, b.heldValues} {
		le.PutUint64(header[56+8*i:], uint64(v))
	}
	le.PutUint32(header[80:], uint32(phones.shift))
	off := uint64(indexHeader)
	for i, s := range sections {
		le.PutUint64(header[88+16*i:], off)
		le.PutUint64(header[96+16*i:], s.size)
		off += padded(s.size)
	}
	le.PutUint64(header[48:], off+4)
	sum := crc32.New(castagnoli)
	bw := bufio.NewWriterSize(io.MultiWriter(w, sum), 1<<20)
	bw.Write(header)
	for _, s := range sections {
		if err := s.write(bw); err != nil {
			return fmt.Errorf("write registry index: %w", err)
		}
		bw.Write(make([]byte, padded(s.size)-s.size))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write registry index: %w", err)
	}
	if _, err := w.Write(le.AppendUint32(nil, sum.Sum32())); err != nil {
		return fmt.Errorf("write registry index: %w", err)
	}
	return nil
}

// section is one section of an index file, written when its turn comes.
type section struct {
	size  uint64
	write func(io.Writer) error
}

func bytesSection(b []byte) section {
	return section{size: uint64(len(b)), write: func(w io.Writer) error { _, err := w.Write(b); return err }}
}

func u64Section(v []uint64) section {
	return section{size: 8 * uint64(len(v)), write: func(w io.Writer) error { return writeInts(w, v, binary.LittleEndian.AppendUint64) }}
}

func u32Section(v []uint32) section {
	return section{size: 4 * uint64(len(v)), write: func(w io.Writer) error { return writeInts(w, v, binary.LittleEndian.AppendUint32) }}
}

// writeInts writes v little-endian through a small buffer: a section of
// a large registry is hundreds of megabytes, which binary.Write would
// copy whole.
func writeInts[T uint32 | uint64](w io.Writer, v []T, appendInt func([]byte, T) []byte) error {
	buf := make([]byte, 0, 64<<10)
	for i, x := range v {
		buf = appendInt(buf, x)
		if len(buf) == cap(buf) || i == len(v)-1 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	return nil
}

func padded(n uint64) uint64 { return (n + 7) &^ 7 }

// WriteIndex writes the registry as an index file (see OpenIndex).
func (reg *Registry) WriteIndex(w io.Writer) error {
	var spool bytes.Buffer
	b := newIndexBuilder(reg.n.region, &spool)
	for i := range reg.Len() {
		if err := b.add(reg.Contact(i)); err != nil {
			return err
		}
	}
	b.invalidEmails, b.invalidPhones = reg.InvalidEmails, reg.InvalidPhones
	return b.write(w, &spool, reg.keys.table())
}

// Indexed describes an index file written by IndexRegistry.
type Indexed struct {
	Contacts, Emails, Phones int
	Bytes                    int64
}

// String describes the registry indexed, as Registry.String does.
func (x Indexed) String() string {
	return fmt.Sprintf("%d contacts, %d e-mail addresses, %d phone numbers", x.Contacts, x.Emails, x.Phones)
}

// IndexRegistry reads a registry file as LoadRegistry does and writes it
// to out as an index file, whole or not at all: it is written beside out
// and renamed. The registry is not held in memory: each contact is
// written as it is read, and only the key tables are held until the end.
func IndexRegistry(ctx context.Context, r *dump.Reader, n *Normaliser, registry string, opts RegistryOptions, out string) (Indexed, error) {
	fail := func(err error) (Indexed, error) { return Indexed{}, err }
	dir, base := filepath.Dir(out), filepath.Base(out)
	spool, err := os.CreateTemp(dir, base+".*.contacts")
	if err != nil {
		return fail(fmt.Errorf("write registry index: %w", err))
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	spooled := bufio.NewWriterSize(spool, 1<<20)
	b := newIndexBuilder(n.region, spooled)
	if b.invalidEmails, b.invalidPhones, err = readRegistry(ctx, r, n, registry, opts, b.add); err != nil {
		return fail(err)
	}
	if err := spooled.Flush(); err != nil {
		return fail(fmt.Errorf("write registry index: %w", err))
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return fail(fmt.Errorf("write registry index: %w", err))
	}
	emails, phones := b.values.counts()
	x := Indexed{Contacts: len(b.offsets) - 1, Emails: emails, Phones: phones}
	tmp, err := os.CreateTemp(dir, base+".*.part")
	if err != nil {
		return fail(fmt.Errorf("write registry index: %w", err))
	}
	defer os.Remove(tmp.Name()) // after a failure; renamed away otherwise
	if err := b.write(tmp, bufio.NewReaderSize(spool, 1<<20), nil); err != nil {
		tmp.Close()
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fail(fmt.Errorf("write registry index: %w", err))
	}
	st, err := tmp.Stat()
	if err != nil {
		tmp.Close()
		return fail(fmt.Errorf("write registry index: %w", err))
	}
	x.Bytes = st.Size()
	if err := tmp.Close(); err != nil {
		return fail(fmt.Errorf("write registry index: %w", err))
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fail(fmt.Errorf("write registry index: %w", err))
	}
	return x, nil
}

// OpenIndex maps an index file written by "leakdesk registry index" and
// returns its registry, which normalises with n: n's region must be the
// one the index was built with. The mapping stays for the life of the
// process: the contacts are read from it when asked for, in place.
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
	reg.mapped.path = path
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

// readIndex checks an index file's bytes and reads the registry in them.
// Nothing in b is trusted: a damaged file is an error, never a smaller
// registry, and never a contact that cannot be read later.
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
		off, length := le.Uint64(b[88+16*i:]), le.Uint64(b[96+16*i:])
		if off%8 != 0 || off < indexHeader || off > uint64(len(b)-4) || length > uint64(len(b)-4)-off {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "section %d lies outside the file", i)
		}
		sections[i] = b[off : off+length]
	}
	count := le.Uint64(b[24:])
	f := &indexFile{data: b, contacts: sections[secContacts], offsets: view[uint64](sections[secContactAt])}
	if count >= 1<<31 || len(f.offsets) != int(count)+1 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "the header's %d contacts disagree with the contacts' section", count)
	}
	f.count = int(count)
	keys, err := tableIn(sections[secKeys:], le.Uint32(b[12:]), f.count)
	if err != nil {
		return nil, err
	}
	phones := newPhoneLayouts()
	phones.ends, phones.numbers = view[uint32](sections[secPhoneEnds]), sections[secPhones]
	if len(phones.ends) == 0 || phones.ends[0] != 0 || !slices.IsSorted(phones.ends) || phones.ends[len(phones.ends)-1] != uint32(len(phones.numbers)) {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "the phone numbers are misshapen")
	}
	national, err := tableIn(sections[secPhoneKeys:], le.Uint32(b[80:]), phones.count())
	if err != nil {
		return nil, err
	}
	phones.national.use(national)
	if err := f.check(); err != nil {
		return nil, err
	}
	f.emails, f.phones, f.heldValues = int(le.Uint64(b[56:])), int(le.Uint64(b[64:])), int(le.Uint64(b[72:]))
	f.cache = newContactCache(contactCacheSize)
	reg := &Registry{n: n, InvalidEmails: int(le.Uint64(b[32:])), InvalidPhones: int(le.Uint64(b[40:])), mapped: f, phones: phones}
	reg.keys.use(keys)
	return reg, nil
}

// tableIn reads a key table from its four sections, in place, and checks
// that every entry is below entries.
func tableIn(sections [][]byte, shift uint32, entries int) (*keyTable, error) {
	t := &keyTable{shift: uint8(shift), fps: view[uint64](sections[0]), dir: view[uint32](sections[1]), start: view[uint32](sections[2]), ids: view[uint32](sections[3])}
	if shift > 64 || t.fps == nil || t.dir == nil || t.start == nil || t.ids == nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "the key table's sections are misshapen")
	}
	return t, t.check(entries)
}

// check verifies what lookups rely on, so that a damaged table is an
// error rather than a wrong answer or a crash.
func (t *keyTable) check(entries int) error {
	bad := func(what string) error {
		return leakdesk.Errorf(leakdesk.EINVALID, "the key table is damaged: %s", what)
	}
	dirBits := 64 - int(t.shift)
	if dirBits > 32 || len(t.dir) != 1<<dirBits+1 || len(t.start) != len(t.fps)+1 {
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
		if int(id) >= entries {
			return bad("an entry names nothing the file holds")
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

func littleEndian() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}
