package dump

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Table is one stream of records with the same columns: a delimited file,
// an XLSX sheet, the records of a JSON file, the rows of one SQL table.
type Table struct {
	File      string   `json:"file"`
	Sheet     string   `json:"sheet,omitempty"`
	Format    Format   `json:"format"`
	Encoding  string   `json:"encoding,omitempty"`
	Delimiter string   `json:"delimiter,omitempty"`
	HasHeader bool     `json:"header"`
	Columns   []string `json:"columns"`

	// each delivers the rows; workers > 1 only where the format allows.
	each     func(ctx context.Context, workers int, fn func(worker int, row Row) error) error
	consumed bool

	// lineBased tables are read in blocks of whole lines; onSkipped, if
	// set, sees every non-blank line that was not a record.
	lineBased bool
	onSkipped func(worker int, line string, lineNo int64)

	// preview holds the first records, parsed from the sniffed sample, so
	// that roles can be known before the rows are read.
	preview [][]string

	// reason says what a table that can yield no rows stands for (a
	// binary file, an empty one); stopped says why reading ended before
	// the end of the table. Both end up in the unread list.
	reason  string
	stopped string
	// emptyIsReal marks a database table read to its end: with no record,
	// the table is empty, not unread.
	emptyIsReal bool

	mu    sync.Mutex
	stats TableStats
}

// TableStats counts what reading a table met. Complete once its rows have
// been read.
type TableStats struct {
	Records       int64     `json:"records"`
	SkippedLines  int64     `json:"skipped_lines"`            // banners, comments, separators, blank and over-long lines
	RepairedCells int64     `json:"repaired_cells"`           // mojibake reversed
	InvalidBytes  int64     `json:"invalid_bytes"`            // bytes that were not valid in the detected encoding
	IrregularRows int64     `json:"irregular_rows"`           // rows with an unexpected number of cells
	RecoveredRows int64     `json:"recovered_rows,omitempty"` // rows read after an unclosed quote, which would otherwise have been one cell
	DroppedValues int64     `json:"dropped_values,omitempty"` // values of keys beyond the column cap
	Warnings      []Warning `json:"warnings"`
	MoreWarnings  int64     `json:"more_warnings,omitempty"` // warnings beyond those listed
}

const maxWarnings = 50

// Stats returns what reading the table met so far.
func (t *Table) Stats() TableStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stats
	s.Warnings = append([]Warning(nil), s.Warnings...)
	return s
}

func (t *Table) addStats(s TableStats) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stats.Records += s.Records
	t.stats.SkippedLines += s.SkippedLines
	t.stats.RepairedCells += s.RepairedCells
	t.stats.InvalidBytes += s.InvalidBytes
	t.stats.IrregularRows += s.IrregularRows
	t.stats.RecoveredRows += s.RecoveredRows
	t.stats.DroppedValues += s.DroppedValues
	t.stats.MoreWarnings += s.MoreWarnings
	for _, w := range s.Warnings {
		if len(t.stats.Warnings) < maxWarnings {
			t.stats.Warnings = append(t.stats.Warnings, w)
		} else {
			t.stats.MoreWarnings++
		}
	}
}

// cleanRecord repairs a record's cells in place and counts the record.
func (t *Table) cleanRecord(cells []string, irregular bool) {
	stats := TableStats{Records: 1}
	for i, c := range cells {
		var repaired bool
		if cells[i], repaired = cleanCell(c); repaired {
			stats.RepairedCells++
		}
	}
	if irregular {
		stats.IrregularRows++
	}
	t.addStats(stats)
}

func (t *Table) warn(pos Position, format string, args ...any) {
	t.addStats(TableStats{Warnings: []Warning{{Pos: pos, Message: fmt.Sprintf(format, args...)}}})
}

// OnSkipped asks to see every non-blank line that was skipped (banners,
// comments, lines that fit no column): secrets hide there too. It reports
// false for formats that do not skip lines. Call it before reading rows.
func (t *Table) OnSkipped(fn func(worker int, line string, lineNo int64)) bool {
	if !t.lineBased {
		return false
	}
	t.onSkipped = fn
	return true
}

// Preview returns the first records, parsed from the sample read to sniff
// the format, or nil for formats read without a sample. The rows returned
// by Rows include them again.
func (t *Table) Preview() [][]string { return t.preview }

// Rows calls fn for each row, in order.
func (t *Table) Rows(ctx context.Context, fn func(Row) error) error {
	return t.ParallelRows(ctx, 1, func(_ int, r Row) error { return fn(r) })
}

// ParallelRows calls fn for each row from up to workers goroutines at once,
// each identified by a number below workers, so that callers can keep
// per-worker state without locks. Rows carry their exact positions but
// arrive out of order. Formats that cannot be split run on one worker.
func (t *Table) ParallelRows(ctx context.Context, workers int, fn func(worker int, row Row) error) error {
	t.mu.Lock()
	if t.consumed {
		t.mu.Unlock()
		return fmt.Errorf("rows of %s were already read", t.File)
	}
	t.consumed = true
	t.mu.Unlock()
	err := t.each(ctx, max(workers, 1), func(worker int, row Row) error {
		if err := fn(worker, row); err != nil {
			return &consumerError{err}
		}
		return nil
	})
	var ce *consumerError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return ce.err
	case ctx.Err() != nil || isFatal(err):
		return err
	}
	// Damage in the file ends this table, not the reading: the rows so far
	// stand, and the reader reports where and why it stopped.
	t.mu.Lock()
	t.stopped = unreadReason(t.File, err)
	t.mu.Unlock()
	return nil
}

// drain reads the rows nobody asked for, so that the stream moves on.
func (t *Table) drain(ctx context.Context) error {
	t.mu.Lock()
	done := t.consumed
	t.mu.Unlock()
	if done {
		return nil
	}
	return t.ParallelRows(ctx, 1, func(int, Row) error { return nil })
}
