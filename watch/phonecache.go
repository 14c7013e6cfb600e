package watch

import (
	"strings"

	"github.com/leakdesk/leakdesk/match"
)

// phoneCacheMax bounds a phone cache, so that memory stays flat on a file
// of distinct numbers: past it the cache starts again empty.
const phoneCacheMax = 1 << 16

// phoneCache remembers how cells were read as phone numbers: parsing with
// libphonenumber costs more than reading the row, and a leak repeats the
// same numbers on many rows. An empty string records a cell that is not a
// number.
type phoneCache map[string]string

// phone is n.Phone(cell), from the cache when the cell was read before.
func (c *phoneCache) phone(n *match.Normaliser, cell string) (string, bool) {
	if p, ok := (*c)[cell]; ok {
		return p, p != ""
	}
	p, ok := n.Phone(cell)
	if !ok {
		p = ""
	}
	if len(*c) >= phoneCacheMax {
		*c = phoneCache{}
	}
	// A cell may be a slice of a large block the reader read: a copy keeps
	// only the cell alive.
	(*c)[strings.Clone(cell)] = p
	return p, ok
}
