package dump_test

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// flatODS wraps table rows in a flat OpenDocument spreadsheet.
func flatODS(tables ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet>` +
		strings.Join(tables, "") + `</office:spreadsheet></office:body></office:document>`
}

const odsHeader = `<table:table-row><table:table-cell office:value-type="string"><text:p>name</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>email</text:p></table:table-cell></table:table-row>`

func odsRow(cells string, attrs string) string {
	return `<table:table-row ` + attrs + `>` + cells + `</table:table-row>`
}

func odsText(s string, attrs string) string {
	return `<table:table-cell office:value-type="string" ` + attrs + `><text:p>` + s + `</text:p></table:table-cell>`
}

func TestODSCells(t *testing.T) {
	t.Parallel()
	// LibreOffice ends sheets with a million empty rows of a thousand empty
	// cells: they must cost nothing.
	trailing := odsRow(`<table:table-cell table:number-columns-repeated="1024"/>`, `table:number-rows-repeated="1048570"`)
	doc := flatODS(
		`<table:table table:name="A">`+odsHeader+
			odsRow(odsText(`Anne <text:span>Le</text:span><text:s text:c="2"/>Gall<text:tab/>x<text:line-break/>y`, "")+
				`<table:table-cell><office:annotation><text:p>a comment</text:p></office:annotation></table:table-cell>`+
				`<table:table-cell table:number-columns-repeated="3"/>`+odsText("far", ""), "")+
			odsRow(odsText("Bob", "")+odsText("b@x.fr", ""), `table:number-rows-repeated="3"`)+
			`<table:table-header-rows>`+odsRow(odsText("Carl", "")+`<table:covered-table-cell/>`+odsText("c@x.fr", ""), "")+`</table:table-header-rows>`+
			odsRow(`<table:table-cell office:value-type="time" office:time-value="PT07H05M09S"><text:p>07:05</text:p></table:table-cell>`+
				`<table:table-cell office:value-type="float" office:value="0.1"><text:p>0,1</text:p></table:table-cell>`+
				`<table:table-cell office:value-type="float" office:value="75011"><text:p>75 011</text:p></table:table-cell>`, "")+
			trailing+`</table:table>`,
		`<table:table table:name="B"><table:table-column table:number-columns-repeated="1024"/>`+trailing+`</table:table>`)
	path := filepath.Join(t.TempDir(), "cells.fods")
	os.WriteFile(path, []byte(doc), 0o644)
	start := time.Now()
	res, err := readAll(t, path, dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("empty repeats took %v", d)
	}
	if len(res) != 2 || res[0].table.Sheet != "A" || res[1].table.Sheet != "B" || len(res[1].rows) != 0 {
		t.Fatalf("%d tables", len(res))
	}
	var got [][]string
	var lines []int64
	for _, r := range res[0].rows {
		got = append(got, r.Cells)
		lines = append(lines, r.Pos.Line)
	}
	want := [][]string{
		{"Anne Le  Gall\tx\ny", "", "", "", "", "far"},
		{"Bob", "b@x.fr"}, {"Bob", "b@x.fr"}, {"Bob", "b@x.fr"},
		{"Carl", "", "c@x.fr"},
		{"07:05:09", "0.1", "75 011"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("rows\n%q\nwant\n%q", got, want)
	}
	if !slices.Equal(lines, []int64{2, 3, 4, 5, 6, 7}) {
		t.Errorf("lines %v", lines)
	}
}

func TestODSHostileRepeats(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, doc string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(doc), 0o644)
		return p
	}
	// A billion copies of a row: stopped by the expansion limits.
	_, err := readAll(t, write("rows.fods", flatODS(`<table:table table:name="S">`+odsHeader+
		odsRow(odsText("Bob", "")+odsText("b@x.fr", ""), `table:number-rows-repeated="1000000000"`)+`</table:table>`)), dump.Options{})
	if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), "repeated rows expand") || !strings.Contains(err.Error(), "rows.fods") {
		t.Errorf("repeated rows: %v", err)
	}
	// A billion copies of a cell: capped at the widest sheet, with a warning.
	res, err := readAll(t, write("cols.fods", flatODS(`<table:table table:name="S">`+odsHeader+
		odsRow(odsText("Bob", "")+odsText("x", `table:number-columns-repeated="1000000000"`), "")+`</table:table>`)), dump.Options{})
	if err != nil || len(res) != 1 || len(res[0].rows) != 1 || len(res[0].rows[0].Cells) != 1<<14 || len(res[0].stats.Warnings) != 1 {
		t.Fatalf("repeated cells: %v", err)
	}
	if w := res[0].stats.Warnings[0]; !strings.Contains(w.Message, "beyond 16384 columns") || w.Pos.Line != 2 {
		t.Errorf("warning %+v", w)
	}
	// A cell whose text runs on without markup.
	_, err = readAll(t, write("long.fods", flatODS(`<table:table table:name="S">`+odsHeader+odsRow(odsText(strings.Repeat("x", 200<<10), ""), "")+`</table:table>`)), dump.Options{MaxRecordBytes: 64 << 10})
	if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("long text: %v", err)
	}
	// Elements nested without end.
	_, err = readAll(t, write("deep.fods", flatODS(`<table:table table:name="S">`+odsHeader+strings.Repeat("<a>", 100_000))), dump.Options{})
	if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), "deeper") {
		t.Errorf("deep nesting: %v", err)
	}
}

func TestODSDamagedContent(t *testing.T) {
	t.Parallel()
	zr, err := zip.OpenReader(realFile("libreoffice.ods"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var content []byte
	for _, f := range zr.File {
		if f.Name == "content.xml" {
			rc, _ := f.Open()
			content, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	mimetype := []byte("application/vnd.oasis.opendocument.spreadsheet")
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"cut.ods", content[:len(content)/2], "truncated OpenDocument spreadsheet"},
		{"garbled.ods", append(slices.Clone(content[:len(content)/2]), "</table:table-row></office:body>"...), "damaged OpenDocument spreadsheet"},
		{"nosheet.ods", []byte(`<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`), "no sheet"},
		{"nocontent.ods", nil, "no content.xml"},
	} {
		path := filepath.Join(dir, tc.name)
		files := map[string][]byte{"mimetype": mimetype}
		if tc.content != nil {
			files["content.xml"] = tc.content
		}
		writeZip(t, path, files, zip.Deflate)
		_, err := readAll(t, path, dump.Options{})
		if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestLongSheetRowIsSkipped(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"libreoffice.xls", "libreoffice.ods"} {
		res, err := readAll(t, realFile(name), dump.Options{MaxRecordBytes: 100})
		if err != nil {
			t.Fatal(err)
		}
		st := res[0].stats
		if st.Records == 0 || st.Records == 60 || len(st.Warnings) == 0 || !strings.Contains(st.Warnings[0].Message, "longer than 100 bytes") {
			t.Errorf("%s: records %d, warnings %+v", name, st.Records, st.Warnings)
		}
	}
}
