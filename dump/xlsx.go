package dump

import (
	"context"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/leakdesk/leakdesk"
)

// readXLSX reads every sheet of a workbook as a table of its own. excelize
// streams sheet rows; the size limits stop workbooks that unzip to far more
// than they weigh.
func (r *Reader) readXLSX(ctx context.Context, st *readState, name string, ra io.ReaderAt, size int64, fn func(*Table) error) error {
	limit := min(max(size*r.opts.MaxRatio, 1<<20), r.opts.MaxExpandedBytes-st.expanded.Load())
	f, err := excelize.OpenReader(io.NewSectionReader(ra, 0, size), excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: min(limit, 16<<20)})
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged or truncated XLSX workbook: %v", name, err)
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		if err := r.readSheet(ctx, f, name, sheet, fn); err != nil {
			return err
		}
	}
	return nil
}

func (r *Reader) readSheet(ctx context.Context, f *excelize.File, name, sheet string, fn func(*Table) error) error {
	rows, err := f.Rows(sheet)
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s [%s]: cannot read sheet: %v", name, sheet, err)
	}
	defer rows.Close()
	// Read ahead enough rows to find the header and the width.
	type sheetRow struct {
		line  int64
		cells []string
	}
	var ahead []sheetRow
	var line int64
	for len(ahead) < 200 && rows.Next() {
		line++
		cells, err := rows.Columns()
		if err != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s [%s] row %d: %v", name, sheet, line, err)
		}
		if !blankRow(cells) {
			ahead = append(ahead, sheetRow{line, cells})
		}
	}
	t := &Table{File: name, Sheet: sheet, Format: FormatXLSX, Columns: []string{}}
	headerLine := int64(0)
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
		emit := func(line int64, cells []string) error {
			if line == headerLine || blankRow(cells) {
				t.addStats(TableStats{SkippedLines: 1})
				return nil
			}
			record++
			t.cleanRecord(cells, len(cells) > len(t.Columns))
			return fn(0, Row{Pos: Position{File: name, Sheet: sheet, Line: line, Record: record}, Cells: cells})
		}
		for _, a := range ahead {
			if err := emit(a.line, a.cells); err != nil {
				return err
			}
		}
		for rows.Next() {
			line++
			if line%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			cells, err := rows.Columns()
			if err != nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "%s [%s] row %d: %v", name, sheet, line, err)
			}
			if err := emit(line, cells); err != nil {
				return err
			}
		}
		if err := rows.Error(); err != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s [%s]: damaged sheet: %v", name, sheet, err)
		}
		return nil
	}
	return r.emit(ctx, t, fn)
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}
