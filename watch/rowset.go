package watch

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// sketchSize is how many of a file's smallest value hashes are kept: a
// bottom-k sketch of 1,024 estimates a share in common to about ±3 %
// whatever the file's size, in 8 KB, so memory stays flat.
const sketchSize = 1024

// RowSet is a bottom-k sketch of the normalised e-mails and phones of a
// file. Rows shuffled, columns reordered or a format changed do not change
// it: it sees values, not positions.
type RowSet struct {
	Hashes   []uint64 `json:"hashes"`   // the smallest distinct hashes, ascending
	Distinct int64    `json:"distinct"` // distinct values; estimated above sketchSize
}

// exactMax is how many distinct values are counted exactly; above it the
// count is estimated from the sketch, so that memory stays flat.
const exactMax = 4 * sketchSize

// sketcher builds a RowSet value by value. One sketcher is not safe for
// use by several goroutines: a parallel read keeps one per worker and
// merges them.
type sketcher struct {
	n      *match.Normaliser
	kept   map[uint64]bool // the hashes of the sketch while it is built
	top    maxHeap         // the same hashes, largest first
	exact  map[uint64]bool // every hash, while there are few; nil after
	phones phoneReader
	// The values seen and not yet hashed: read kept, top and exact only
	// after flush.
	emails, phoneNumbers hashBatch
}

func newSketcher(n *match.Normaliser) *sketcher {
	return &sketcher{n: n, kept: map[uint64]bool{}, exact: map[uint64]bool{}, phones: newPhoneReader(n.Region()),
		emails: hashBatch{kind: "e:"}, phoneNumbers: hashBatch{kind: "p:"}}
}

// flush adds the values still waiting in the batches.
func (s *sketcher) flush() {
	for _, h := range append(s.emails.flush(), s.phoneNumbers.flush()...) {
		s.add(h)
	}
}

// addValue adds a normalised value to batch, and the batch's hashes to the
// sketch once it is full.
func (s *sketcher) addValue(batch *hashBatch, value string) {
	if hashes, full := batch.add(value); full {
		for _, h := range hashes {
			s.add(h)
		}
	}
}

// addCell adds the e-mail or phone a cell holds, if any. Only cells that
// look like one are normalised.
func (s *sketcher) addCell(cell string) {
	if strings.IndexByte(cell, '@') >= 0 {
		if e, ok := s.n.Email(cell); ok {
			s.addValue(&s.emails, e)
		}
		return
	}
	if digits(cell) >= 8 {
		if p, ok := s.phones.phone(cell); ok {
			s.addValue(&s.phoneNumbers, p)
		}
	}
}

func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

func (s *sketcher) add(h uint64) {
	if s.exact != nil {
		s.exact[h] = true
		if len(s.exact) > exactMax {
			s.exact = nil // from here on the count is estimated
		}
	}
	s.keep(h)
}

// keep puts h in the sketch if it is among the sketchSize smallest so far.
func (s *sketcher) keep(h uint64) {
	// Most hashes of a large file are above the sketch's largest: that is
	// checked before the map.
	if len(s.top) >= sketchSize && h >= s.top[0] || s.kept[h] {
		return
	}
	s.kept[h] = true
	s.top.push(h)
	if len(s.top) > sketchSize {
		delete(s.kept, s.top.pop())
	}
}

// merge adds what o saw to s, as if s had seen o's values too: the union
// of two bottom-k sketches, cut to its k smallest, is the bottom-k sketch
// of the union, and the exact counts are kept while the union is small.
func (s *sketcher) merge(o *sketcher) {
	s.flush()
	o.flush()
	for h := range o.kept {
		s.keep(h)
	}
	if s.exact == nil || o.exact == nil {
		s.exact = nil // one of them saw too many values to count
		return
	}
	maps.Copy(s.exact, o.exact)
	if len(s.exact) > exactMax {
		s.exact = nil
	}
}

func (s *sketcher) rowSet() RowSet {
	s.flush()
	rs := RowSet{Hashes: make([]uint64, 0, len(s.kept))}
	for h := range s.kept {
		rs.Hashes = append(rs.Hashes, h)
	}
	slices.Sort(rs.Hashes)
	switch {
	case s.exact != nil:
		rs.Distinct = int64(len(s.exact))
	case len(rs.Hashes) == sketchSize:
		// The k-th smallest of n uniform hashes lies near k/n of the range.
		rs.Distinct = int64(float64(sketchSize-1) / (float64(rs.Hashes[sketchSize-1]) / float64(^uint64(0))))
	}
	return rs
}

// addRow adds the e-mails and phones of a row: the tokens the reader found
// in a line of free text, which is one cell ("email:password" in a
// combolist, whose passwords a reseller changes), or else each cell.
func (s *sketcher) addRow(row dump.Row) {
	if len(row.Tokens) > 0 {
		for _, t := range row.Tokens {
			if t.Kind == dump.TokenEmail || t.Kind == dump.TokenPhone {
				s.addCell(t.Value)
			}
		}
		return
	}
	for _, c := range row.Cells {
		s.addCell(c)
	}
}

// mergeSketches is the RowSet of everything the sketchers saw.
func mergeSketches(sketches []*sketcher) RowSet {
	if len(sketches) == 0 {
		return RowSet{}
	}
	all := sketches[0]
	for _, s := range sketches[1:] {
		all.merge(s)
	}
	return all.rowSet()
}

// ReadRowSet sketches the e-mails and phones of every table of src, read
// on its own; triage sketches a file while it matches it, to the same
// result.
func ReadRowSet(ctx context.Context, r *dump.Reader, n *match.Normaliser, src match.Source) (RowSet, error) {
	s := newSketcher(n)
	err := match.ReadSource(ctx, r, src, func(t *dump.Table) error {
		return t.Rows(ctx, func(row dump.Row) error {
			s.addRow(row)
			return nil
		})
	})
	return s.rowSet(), err
}

// Containment is the estimated share of a's values that are also in b:
// 1 when a is all in b, whatever else b holds. It is estimated from the
// Jaccard index of the sketches, J = |a∩b| / |a∪b|, as |a∩b| = J(|a|+|b|)/(1+J).
func Containment(a, b RowSet) float64 {
	if a.Distinct == 0 || b.Distinct == 0 {
		return 0
	}
	inA, inB := toSet(a.Hashes), toSet(b.Hashes)
	union := slices.Concat(a.Hashes, b.Hashes)
	slices.Sort(union)
	union = slices.Compact(union)
	// Only the k smallest of the union are a uniform sample of it, and
	// only above the largest of either sketch's values is either unsure.
	k := min(len(union), sketchSize)
	both := 0
	for _, h := range union[:k] {
		if inA[h] && inB[h] {
			both++
		}
	}
	j := float64(both) / float64(k)
	common := j * float64(a.Distinct+b.Distinct) / (1 + j)
	return min(common/float64(a.Distinct), 1)
}

func toSet(hs []uint64) map[uint64]bool {
	m := make(map[uint64]bool, len(hs))
	for _, h := range hs {
		m[h] = true
	}
	return m
}
