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
	var line int64
	next := func() (sheetRow, bool, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return sheetRow{}, false, leakdesk.Errorf(leakdesk.EINVALID, "%s [%s]: damaged sheet: %v", name, sheet, err)
			}
			return sheetRow{}, false, nil
		}
		line++
		cells, err := rows.Columns()
		if err != nil {
			return sheetRow{}, false, leakdesk.Errorf(leakdesk.EINVALID, "%s [%s] row %d: %v", name, sheet, line, err)
		}
		return sheetRow{line: line, cells: cells}, true, nil
	}
	return r.emitSheet(ctx, name, sheet, FormatXLSX, next, fn)
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}
