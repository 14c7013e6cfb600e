package match

import (
	"math/bits"
	"sync/atomic"
)

// keyFilter tells, from one 64-bit word, that a fingerprint is surely not
// in a key table: a Bloom filter whose bits for a key all lie in one word
// (a "register-blocked" Bloom filter). Almost every key of a leak belongs
// to no contact: a stranger's e-mail address, its alias, a number. The
// key table of a large registry is tens of megabytes, and a lookup in it
// reads two places in memory that no cache holds; the filter is a few
// bits a key, small enough to stay in the processor's cache, and sends
// about one stranger's key in a hundred on to the table. It never turns
// a key away that the table holds, so what a lookup finds is unchanged.
type keyFilter struct {
	words []uint64
	mask  uint64 // len(words) - 1
}

// filterBitsPerKey is the filter's size: with the word count rounded up
// to a power of two, from 10 to 20 bits a key, which lets through about
// 1% to 0.1% of the keys the table does not hold.
const filterBitsPerKey = 10

// newKeyFilter returns a filter that holds every fingerprint of fps.
func newKeyFilter(fps []uint64) keyFilter {
	words := 1 << bits.Len(uint(len(fps)*filterBitsPerKey/64))
	f := keyFilter{words: make([]uint64, words), mask: uint64(words - 1)}
	for _, fp := range fps {
		f.words[fp&f.mask] |= filterBits(fp)
	}
	return f
}

// mayHold reports false when fp is surely not in the filter's table.
func (f keyFilter) mayHold(fp uint64) bool {
	b := filterBits(fp)
	return f.words[fp&f.mask]&b == b
}

// filterBits are a fingerprint's four bits in its word, taken from its top
// 24 bits: the word is chosen by the bottom ones, so the two are
// independent for any table of fewer than 2^40 keys.
func filterBits(fp uint64) uint64 {
	return 1<<(fp>>58) | 1<<(fp>>52&63) | 1<<(fp>>46&63) | 1<<(fp>>40&63)
}

// filteredIndex looks keys up in a keyIndex, asking the filter of its
// table first.
type filteredIndex struct {
	built atomic.Pointer[filteredTable]
}

// filteredTable is a key table and the filter of its fingerprints.
type filteredTable struct {
	table  *keyTable
	filter keyFilter
}

// table returns x's table with its filter, made again when keys added
// since (a registry's history) built another table.
func (fi *filteredIndex) table(x *keyIndex) *filteredTable {
	t := x.table()
	if ft := fi.built.Load(); ft != nil && ft.table == t {
		return ft
	}
	ft := &filteredTable{table: t, filter: newKeyFilter(t.fps)}
	fi.built.Store(ft)
	return ft
}

// lookup returns the entries of x that hold the key whose fingerprint is
// fp, asking the table only when the filter does not rule fp out.
func (fi *filteredIndex) lookup(x *keyIndex, fp uint64) []uint32 {
	ft := fi.table(x)
	if !ft.filter.mayHold(fp) {
		return nil
	}
	return ft.table.lookup(fp)
}
