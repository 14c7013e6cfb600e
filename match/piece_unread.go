package match

import (
	"fmt"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// RangeRead is what reading a byte range of a cut file met, beyond its
// records: the merge adds up the ranges of a file, and reports a file
// none of whose pieces held a record as unread, as one read of the
// whole file does. A range on its own holding no record is not unread:
// its lines may have been read by the range before it.
type RangeRead struct {
	File         string      `json:"file"`
	Start        int64       `json:"start"` // 0 for a file's first range
	Format       dump.Format `json:"format"`
	Header       bool        `json:"header"`
	SkippedLines int64       `json:"skipped_lines"`
}

// rangeReadOf is what reading t, a piece's table, met.
func rangeReadOf(p Piece, t *dump.Table) *RangeRead {
	return &RangeRead{File: p.File, Start: p.Start, Format: t.Format, Header: t.HasHeader, SkippedLines: t.Stats().SkippedLines}
}

// cutFile adds up the ranges of one cut file, in reading order.
type cutFile struct {
	read    RangeRead
	records int64
}

// add counts piece p, and reports false when p is not the next range of
// the file: the file has ended.
func (f *cutFile) add(p *Partial) bool {
	r := p.Range
	if r == nil || r.Start == 0 || r.File != f.read.File {
		return false
	}
	f.records += p.Rows
	f.read.Header = f.read.Header || r.Header
	f.read.SkippedLines += r.SkippedLines
	return true
}

// unread says why the file gave no record, in the words dump uses for a
// table that held none; ok is false when it gave some.
func (f *cutFile) unread() (u leakdesk.Unread, ok bool) {
	if f.records > 0 {
		return u, false
	}
	r := f.read
	u.File = r.File
	switch {
	case r.Header:
		u.Reason = fmt.Sprintf("%s with a header line and no record", r.Format)
	case r.SkippedLines > 0:
		u.Reason = fmt.Sprintf("%s: %d lines, none of them a record", r.Format, r.SkippedLines)
	default:
		u.Reason = fmt.Sprintf("%s with no record", r.Format)
	}
	return u, true
}

// cutFiles follows the cut files of a run's partials, in reading order,
// and reports those that gave no record.
type cutFiles struct {
	cur *cutFile
}

// next takes the next partial, and returns the unread entry of the cut
// file that it shows has ended, if that file gave no record.
func (c *cutFiles) next(p *Partial) []leakdesk.Unread {
	if c.cur != nil && c.cur.add(p) {
		return nil
	}
	ended := c.end()
	if p.Range != nil {
		c.cur = &cutFile{read: *p.Range, records: p.Rows}
	}
	return ended
}

// end closes the file being followed.
func (c *cutFiles) end() []leakdesk.Unread {
	if c.cur == nil {
		return nil
	}
	u, ok := c.cur.unread()
	c.cur = nil
	if !ok {
		return nil
	}
	return []leakdesk.Unread{u}
}
