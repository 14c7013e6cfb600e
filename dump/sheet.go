package dump

import (
	"context"
	"strconv"
	"time"
)

// sheetRow is one row of a spreadsheet: its 1-based row number in the
// sheet and its cells.
type sheetRow struct {
	line    int64
	cells   []string
	tooLong bool   // longer than MaxRecordBytes: its cells were dropped
	note    string // a warning about how the row was read
}

// nextSheetRow returns the next row of a sheet, or ok false at its end. The
// cells may be kept by the caller. Its errors already name the file, the
// sheet and where it broke.
type nextSheetRow func() (row sheetRow, ok bool, err error)

// sheetLookahead is how many non-blank rows are read before a sheet's table
// is handed on, to find its header and its width.
const sheetLookahead = 200

// emitSheet hands one sheet of a workbook on as a table of its own, with
// the header found as the XLSX reader finds it, then streams the rest of
// the rows as they are asked for.
func (r *Reader) emitSheet(ctx context.Context, name, sheet string, format Format, next nextSheetRow, fn func(*Table) error) error {
	var ahead []sheetRow
	done := false
	for len(ahead) < sheetLookahead {
		row, ok, err := next()
		if err != nil {
			return err
		}
		if !ok {
			done = true
			break
		}
		if row.tooLong || !blankRow(row.cells) {
			ahead = append(ahead, row)
		}
	}
	t := &Table{File: name, Sheet: sheet, Format: format, Columns: []string{}}
	headerLine := int64(-1)
	if len(ahead) > 0 {
		var rest [][]string
		for _, a := range ahead[1:min(len(ahead), 51)] {
			rest = append(rest, a.cells)
		}
		width := 0
		for _, a := range ahead {
			width = max(width, len(a.cells))
		}
		if r.k.looksLikeHeader(ahead[0].cells, rest) {
			t.HasHeader, headerLine = true, ahead[0].line
			for _, c := range ahead[0].cells {
				c, _ = cleanCell(c)
				t.Columns = append(t.Columns, c)
			}
			for len(t.Columns) < width {
				t.Columns = append(t.Columns, "")
			}
		} else {
			t.Columns = numberedColumns(width)
		}
	}
	t.each = func(ctx context.Context, _ int, fn func(int, Row) error) error {
		var record int64
		emit := func(row sheetRow) error {
			if row.note != "" {
				t.warn(Position{File: name, Sheet: sheet, Line: row.line}, "%s", row.note)
			}
			if row.tooLong {
				t.addStats(TableStats{SkippedLines: 1})
				t.warn(Position{File: name, Sheet: sheet, Line: row.line}, "row longer than %d bytes: skipped", r.opts.MaxRecordBytes)
				return nil
			}
			if blankRow(row.cells) || row.line == headerLine {
				t.addStats(TableStats{SkippedLines: 1})
				return nil
			}
			record++
			t.cleanRecord(row.cells, len(row.cells) > len(t.Columns))
			return fn(0, Row{Pos: Position{File: name, Sheet: sheet, Line: row.line, Record: record}, Cells: row.cells})
		}
		for _, a := range ahead {
			if err := emit(a); err != nil {
				return err
			}
		}
		for n := 0; !done; n++ {
			if n%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			row, ok, err := next()
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	}
	return r.emit(ctx, t, fn)
}

// formatNumber writes a spreadsheet number as its digits, never in
// exponent notation: phone numbers stored as numbers must stay readable.
func formatNumber(v float64) string {
	if v == 0 {
		return "0"
	}
	if a := abs(v); a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// formatDateTime writes a date as ISO 8601, which role inference knows:
// the date alone at midnight, the time alone when there is no date.
func formatDateTime(t time.Time, hasDate bool) string {
	switch {
	case !hasDate:
		return t.Format("15:04:05")
	case t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0:
		return t.Format("2006-01-02")
	default:
		return t.Format("2006-01-02 15:04:05")
	}
}
