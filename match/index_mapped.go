package match

import (
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/leakdesk/leakdesk"
)

// indexFile is a mapped index file, whose contacts are read when asked
// for: a process holds the few a scan meets, not the whole registry.
type indexFile struct {
	path     string
	data     []byte
	count    int
	offsets  []uint64 // where each contact begins in contacts; the last ends
	contacts []byte
	// From the header: what Registry.String says, and how many held
	// values the contacts carry.
	emails, phones, heldValues int
	cache                      *contactCache
}

// contact returns contact i, from the cache when it was read lately.
func (f *indexFile) contact(i int) *Contact {
	if c := f.cache.get(i); c != nil {
		return c
	}
	c := f.decode(i)
	f.cache.put(c)
	return c
}

// decode reads contact i from the mapping. Opening checked that every
// contact reads: one that does not now was changed on disk under the
// mapping, which "leakdesk registry index" never does (it writes a new
// file and renames it).
func (f *indexFile) decode(i int) *Contact {
	d := decoder{b: f.contacts[f.offsets[i]:f.offsets[i+1]]}
	c := d.contact()
	if d.err != nil || len(d.b) != 0 {
		panic(fmt.Sprintf("registry index %s: contact %d no longer reads: the file was changed while mapped", f.path, i+1))
	}
	c.ordinal = i
	return c
}

// check verifies that every contact reads, whole, so that a damaged file
// is refused at opening rather than met in the middle of a scan.
func (f *indexFile) check() error {
	if f.offsets[0] != 0 || !slices.IsSorted(f.offsets) || f.offsets[f.count] != uint64(len(f.contacts)) {
		return leakdesk.Errorf(leakdesk.EINVALID, "the contacts' offsets are out of order")
	}
	for i := range f.count {
		d := decoder{b: f.contacts[f.offsets[i]:f.offsets[i+1]]}
		d.contact()
		if d.err == nil && len(d.b) != 0 {
			d.err = fmt.Errorf("%d bytes follow it", len(d.b))
		}
		if d.err != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "contact %d: %v", i+1, d.err)
		}
	}
	return nil
}

// contactCacheSize is how many contacts read from an index file are kept:
// a row's candidates are read again for the rows that follow with the same
// names or organisation, and a few thousand cost a few megabytes.
const contactCacheSize = 1 << 14

// contactCache keeps the contacts read last, one a slot, chosen by the
// contact's ordinal: bounded, and safe for the scan's workers without a
// lock, since a contact once read is never changed.
type contactCache struct {
	slots []atomic.Pointer[Contact]
}

func newContactCache(size int) *contactCache {
	return &contactCache{slots: make([]atomic.Pointer[Contact], size)}
}

func (cc *contactCache) get(i int) *Contact {
	if c := cc.slots[i%len(cc.slots)].Load(); c != nil && c.ordinal == i {
		return c
	}
	return nil
}

func (cc *contactCache) put(c *Contact) {
	cc.slots[c.ordinal%len(cc.slots)].Store(c)
}
