package trace

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/xuri/excelize/v2"

	"github.com/leakdesk/leakdesk"
)

// encodeExport writes the header and rows in format: csv, xlsx, or json
// (an array of objects keyed by header).
func encodeExport(format string, header []string, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	if format == "csv" || format == "xlsx" {
		// Opened in a spreadsheet, a cell such as =HYPERLINK(...) would run.
		all := NeutraliseRows(append([][]string{header}, rows...))
		header, rows = all[0], all[1:]
	}
	switch format {
	case "csv":
		w := csv.NewWriter(&buf)
		w.Write(header)
		w.WriteAll(rows)
		if err := w.Error(); err != nil {
			return nil, fmt.Errorf("write csv: %w", err)
		}
	case "json":
		records := make([]map[string]string, len(rows))
		for k, r := range rows {
			records[k] = map[string]string{}
			for i, h := range header {
				if i < len(r) {
					records[k][h] = r[i]
				}
			}
		}
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(records); err != nil {
			return nil, fmt.Errorf("write json: %w", err)
		}
	case "xlsx":
		if err := writeXLSX(&buf, append([][]string{header}, rows...)); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("export format %q is not written", format)
	}
	return buf.Bytes(), nil
}

// writeXLSX writes rows to the first sheet of a new workbook.
func writeXLSX(buf *bytes.Buffer, rows [][]string) error {
	x := excelize.NewFile()
	defer x.Close()
	for k, r := range rows {
		cells := make([]any, len(r))
		for i, c := range r {
			cells[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, k+1)
		if err := x.SetSheetRow("Sheet1", cell, &cells); err != nil {
			return fmt.Errorf("write xlsx: %w", err)
		}
	}
	if err := x.Write(buf); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// writeFileAtomic writes data under a temporary name and renames it, so
// that the file is either whole or absent.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "cannot write %s: %v", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "cannot write %s: %v", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}
