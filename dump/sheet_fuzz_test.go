package dump

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzOptions keep one input cheap: what a hostile file may cost is
// bounded by these caps, whatever it says.
var fuzzOptions = Options{MaxRecordBytes: 64 << 10, MaxRatio: 100, MaxExpandedBytes: 32 << 20, MaxDepth: 2, Workers: 1}

// checkRows reads every row of a table: records are numbered 1, 2, 3...
// and cells are valid UTF-8.
func checkRows(t *testing.T) func(*Table) error {
	return func(tb *Table) error {
		var last int64
		return tb.Rows(context.Background(), func(row Row) error {
			if row.Pos.Record != last+1 {
				t.Fatalf("record %d follows %d", row.Pos.Record, last)
			}
			last = row.Pos.Record
			for _, c := range row.Cells {
				if !utf8.ValidString(c) {
					t.Fatalf("cell %q is not valid UTF-8", c)
				}
			}
			return nil
		})
	}
}

func addFiles(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		names, _ := filepath.Glob(p)
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// FuzzXLS reads arbitrary bytes as a compound file holding a workbook.
func FuzzXLS(f *testing.F) {
	addFiles(f, "testdata/real/files/*.xls", "testdata/sheets/*.xls")
	f.Add([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
	f.Add(append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 1024)...))
	r, err := NewReader(fuzzOptions)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st := &readState{opts: r.opts}
		r.readOLE(context.Background(), st, "fuzz.xls", nil, bytes.NewReader(data), int64(len(data)), checkRows(t))
	})
}

// FuzzODS reads arbitrary bytes as the content.xml of a spreadsheet.
func FuzzODS(f *testing.F) {
	addFiles(f, "testdata/real/files/*.fods", "testdata/sheets/*.fods")
	for _, name := range []string{"testdata/real/files/libreoffice.ods", "testdata/sheets/workbook.ods"} {
		zr, err := zip.OpenReader(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, m := range zr.File {
			if m.Name == "content.xml" {
				rc, _ := m.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				f.Add(b)
			}
		}
		zr.Close()
	}
	const doc = `<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><table:table table:name="S">%s</table:table></office:document>`
	for _, rows := range []string{
		`<table:table-row table:number-rows-repeated="99999999"><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>`,
		`<table:table-row><table:table-cell table:number-columns-repeated="99999999"><text:p>y<text:s text:c="999999999"/></text:p></table:table-cell></table:table-row>`,
		`<table:table-row><table:table-cell office:value-type="date" office:date-value="2024-01-02T03:04:05"/><table:covered-table-cell/><table:table-cell><office:annotation><text:p>no</text:p></office:annotation></table:table-cell></table:table-row>`,
		`<table:table-row><table:table-cell><text:p>open`,
	} {
		f.Add([]byte(strings.Replace(doc, "%s", rows, 1)))
	}
	r, err := NewReader(fuzzOptions)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st := &readState{opts: r.opts}
		size := int64(len(data))
		lim := &limitReader{r: bytes.NewReader(data), st: st, name: "fuzz.ods", compressed: func() int64 { return size }}
		r.readODSContent(context.Background(), "fuzz.ods", lim, checkRows(t))
	})
}
