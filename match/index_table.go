package match

import (
	"cmp"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cespare/xxhash/v2"
)

// keyTable finds the entries (contact or number ordinals) that hold a key,
// by the key's 64-bit fingerprint. It is four flat arrays, so that it
// costs about 20 bytes a key and 4 an entry, and so that a file can hold
// it as it is held in memory (see index_file.go):
//
//   - fps: the distinct fingerprints, sorted;
//   - dir: for each value of a fingerprint's top bits, where in fps the
//     fingerprints with that prefix begin: a lookup reads one or two of
//     them, not log2(n) as a binary search would;
//   - start: where each fingerprint's entries begin in ids;
//   - ids: the entries, for each key in the order they were added, which
//     is the order the comparison meets candidates in.
type keyTable struct {
	shift uint8 // fingerprint >> shift is its directory slot
	dir   []uint32
	fps   []uint64
	start []uint32
	ids   []uint32
}

// keyed is one key of one entry, before the table is built.
type keyed struct {
	fp uint64
	id uint32
}

// newKeyTable builds a table from keys in the order they were added.
func newKeyTable(pairs []keyed) *keyTable {
	// Keys added contact by contact come in the order of their entries:
	// sorting by entry after fingerprint then keeps that order, without the
	// cost of a stable sort.
	if slices.IsSortedFunc(pairs, func(a, b keyed) int { return cmp.Compare(a.id, b.id) }) {
		slices.SortFunc(pairs, func(a, b keyed) int { return cmp.Or(cmp.Compare(a.fp, b.fp), cmp.Compare(a.id, b.id)) })
	} else {
		slices.SortStableFunc(pairs, func(a, b keyed) int { return cmp.Compare(a.fp, b.fp) })
	}
	t := &keyTable{start: make([]uint32, 0, len(pairs)/2+1), ids: make([]uint32, 0, len(pairs))}
	for i, p := range pairs {
		switch {
		case i == 0 || p.fp != pairs[i-1].fp:
			t.fps = append(t.fps, p.fp)
			t.start = append(t.start, uint32(len(t.ids)))
		case p.id == pairs[i-1].id:
			continue // the same key twice for one entry finds it once
		}
		t.ids = append(t.ids, p.id)
	}
	t.start = append(t.start, uint32(len(t.ids)))
	t.fps, t.start, t.ids = slices.Clip(t.fps), slices.Clip(t.start), slices.Clip(t.ids)
	// One or two fingerprints per directory slot: a lookup reads them in
	// the cache line it reads the first in.
	dirBits := uint8(bits.Len(uint(len(t.fps) / 2)))
	t.shift = 64 - dirBits
	t.dir = make([]uint32, 1<<dirBits+1)
	slot := 0
	for i, fp := range t.fps {
		for ; slot <= int(t.slot(fp)); slot++ {
			t.dir[slot] = uint32(i)
		}
	}
	for ; slot < len(t.dir); slot++ {
		t.dir[slot] = uint32(len(t.fps))
	}
	return t
}

func (t *keyTable) slot(fp uint64) uint64 {
	if t.shift == 64 {
		return 0
	}
	return fp >> t.shift
}

// lookup returns the entries of the key whose fingerprint is fp, or nil.
func (t *keyTable) lookup(fp uint64) []uint32 {
	if t == nil || len(t.fps) == 0 {
		return nil
	}
	s := t.slot(fp)
	for i := t.dir[s]; i < t.dir[s+1]; i++ {
		if t.fps[i] == fp {
			return t.ids[t.start[i]:t.start[i+1]]
		}
	}
	return nil
}

// pairs returns the table's keys, in the order newKeyTable wants them.
func (t *keyTable) pairs() []keyed {
	if t == nil {
		return nil
	}
	out := make([]keyed, 0, len(t.ids))
	for i, fp := range t.fps {
		for _, id := range t.ids[t.start[i]:t.start[i+1]] {
			out = append(out, keyed{fp, id})
		}
	}
	return out
}

// keyIndex gathers keys and builds the table on first lookup: keys added
// later (a registry's history) rebuild it.
type keyIndex struct {
	mu      sync.Mutex
	pending []keyed
	built   *keyTable // under mu
	ready   atomic.Pointer[keyTable]
}

// add notes that entry id holds the key. It must not run while lookups do.
func (x *keyIndex) add(fp uint64, id int) {
	x.mu.Lock()
	x.pending = append(x.pending, keyed{fp, uint32(id)})
	x.ready.Store(nil)
	x.mu.Unlock()
}

// table returns the built table.
func (x *keyIndex) table() *keyTable {
	if t := x.ready.Load(); t != nil {
		return t
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(x.pending) > 0 || x.built == nil {
		x.built = newKeyTable(append(x.built.pairs(), x.pending...))
		x.pending = nil
	}
	x.ready.Store(x.built)
	return x.built
}

// use makes t the built table, as read from a file.
func (x *keyIndex) use(t *keyTable) {
	x.mu.Lock()
	x.built, x.pending = t, nil
	x.ready.Store(t)
	x.mu.Unlock()
}

// Kinds of key, hashed first so that the same text in two roles (an
// address and an alias) are two keys.
const (
	keyEmail = 'e'
	keyAlias = 'a'
	keyPhone = 'p'
	keyName  = 'n' // domain + surname, phonetic names, person fields, organisation
	keyForm  = 'f' // a phone number's digits in one layout
)

// fingerprint hashes a key, given as the kind and the pieces whose
// concatenation is its text, without building the text on the heap.
// xxhash is fixed (unseeded) so that a file written by one process is
// read by another.
func fingerprint(kind byte, pieces ...string) uint64 {
	var buf [128]byte
	b := append(buf[:0], kind)
	for _, p := range pieces {
		b = append(b, p...)
	}
	return xxhash.Sum64(b)
}
