package dump_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// wantSheet is what a test knows of one sheet written by LibreOffice.
type wantSheet struct {
	name    string
	records int
	columns []string
	cells   map[[2]int]string // {record, column} (1-based record) -> value
}

// contactsSheet is the 60 contacts, as every LibreOffice file holds them.
func contactsSheet(name string) wantSheet {
	return wantSheet{name: name, records: 60, columns: contactColumns, cells: map[[2]int]string{
		{1, 0}: "C1000", {1, 1}: "Amélie", {1, 4}: "+33 4 69 00 67 92", {1, 5}: "Mairie de Saint-Étienne-du-Bois",
		{3, 5}: "Société Générale d'Équipements, S.A.",    // comma inside
		{4, 5}: `Hôpital "Les Tilleuls"`, {4, 6}: "Nîmes", // quotes inside
		{10, 5}: "Data, Care & Co SARL", {60, 0}: "C1059", {60, 7}: "LU",
	}}
}

// workbookSheets is testdata/sheets/workbook.fods, as LibreOffice converts it.
func workbookSheets(phone string) []wantSheet {
	return []wantSheet{
		{name: "People", records: 3, columns: []string{"name", "email", "mobile", "phone", "born", "seen", "amount", "share", "active", "address", "organisation"}, cells: map[[2]int]string{
			{1, 0}: "Amélie Vidal",
			{1, 2}: "33612345678", // a number, never 3.3612345678e+10
			{1, 3}: phone,         // format 0000000000
			{1, 4}: "1985-03-15", {1, 5}: "2024-02-29 10:30:00",
			{1, 6}: "1234.5", {1, 7}: "0.125",
			{1, 9}:  "12 rue des Lilas\n75011 Paris", // two paragraphs
			{1, 10}: `Hôpital "Les Tilleuls"; Nîmes, FR`,
			{2, 0}:  "Jürgen  Caron", {2, 1}: "", {2, 5}: "", {2, 6}: "-0.25", {2, 10}: "Data, Care & Co SARL",
			{3, 2}: "33149014871",
		}},
		{name: "Orgs", records: 2, columns: []string{"organisation", "city"}, cells: map[[2]int]string{{2, 0}: "Conseil départemental du Gard"}},
		{name: "Empty"}, // a valid sheet with no rows is a table with none
	}
}

func sheetFile(name string) string { return filepath.Join("testdata", "sheets", name) }

func TestSpreadsheetsWrittenByLibreOffice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path   string
		format dump.Format
		sheets []wantSheet
	}{
		{realFile("libreoffice.xls"), dump.FormatXLS, []wantSheet{contactsSheet("libreoffice")}},
		{realFile("libreoffice.ods"), dump.FormatODS, []wantSheet{contactsSheet("libreoffice")}},
		{realFile("libreoffice.fods"), dump.FormatODS, []wantSheet{contactsSheet("libreoffice")}},
		{sheetFile("workbook.xls"), dump.FormatXLS, workbookSheets("0469006792")},
		{sheetFile("workbook.ods"), dump.FormatODS, workbookSheets("0469006792")},
		{sheetFile("workbook.fods"), dump.FormatODS, workbookSheets("0469006792")},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			t.Parallel()
			res, err := readAll(t, tc.path, dump.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != len(tc.sheets) {
				t.Fatalf("%d tables, want %d", len(res), len(tc.sheets))
			}
			for i, want := range tc.sheets {
				got := res[i]
				if got.table.Sheet != want.name || got.table.Format != tc.format || got.table.File != tc.path {
					t.Errorf("table %d: %s [%s] %s", i, got.table.File, got.table.Sheet, got.table.Format)
				}
				if len(got.rows) != want.records || got.stats.Records != int64(want.records) {
					t.Errorf("[%s]: %d rows, %d counted; want %d", want.name, len(got.rows), got.stats.Records, want.records)
				}
				if want.columns != nil && (!got.table.HasHeader || !slices.Equal(got.table.Columns, want.columns)) {
					t.Errorf("[%s]: columns %q, want %q", want.name, got.table.Columns, want.columns)
				}
				for i, row := range got.rows {
					// The header is row 1; records follow it with no gap.
					if row.Pos.Record != int64(i+1) || row.Pos.Line != int64(i+2) || row.Pos.Sheet != want.name || row.Pos.File != tc.path {
						t.Errorf("[%s] record %d at %+v", want.name, i+1, row.Pos)
					}
				}
				for at, v := range want.cells {
					if at[0] > len(got.rows) {
						continue
					}
					cells := got.rows[at[0]-1].Cells
					if c := cell(cells, at[1]); c != v {
						t.Errorf("[%s] record %d column %d = %q, want %q", want.name, at[0], at[1], c, v)
					}
				}
			}
		})
	}
}

func cell(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

func TestXLSPasswordProtected(t *testing.T) {
	t.Parallel()
	_, err := readAll(t, sheetFile("encrypted.xls"), dump.Options{})
	if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), "password-protected") || !strings.Contains(err.Error(), "encrypted.xls") {
		t.Errorf("encrypted workbook: %v", err)
	}
}

// TestDamagedSpreadsheets cuts and corrupts the real files: each gives an
// error naming the file, or, where the damage missed what holds the rows,
// every row. Never a panic, never a silent empty result.
func TestDamagedSpreadsheets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, src := range []string{realFile("libreoffice.xls"), realFile("libreoffice.ods"), realFile("libreoffice.fods"), sheetFile("workbook.xls")} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		variants := map[string][]byte{}
		for _, frac := range []int{1, 10, 30, 50, 70, 90, 99} {
			variants["cut"+strconv.Itoa(frac)] = data[:len(data)*frac/100]
		}
		for _, at := range []int{600, 1200, 2000, 4000, 9000} {
			if at < len(data) {
				b := slices.Clone(data)
				for i := at; i < min(at+64, len(b)); i++ {
					b[i] ^= 0x5A
				}
				variants["flip"+strconv.Itoa(at)] = b
			}
		}
		for v, b := range variants {
			t.Run(filepath.Base(src)+"/"+v, func(t *testing.T) {
				path := filepath.Join(dir, v+"-"+filepath.Base(src))
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				res, err := readAll(t, path, dump.Options{})
				if err != nil {
					if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), path) {
						t.Errorf("error %v: want it unread, naming %s", err, path)
					}
					return
				}
				var records int
				for _, r := range res {
					records += len(r.rows)
				}
				if records == 0 && !strings.HasSuffix(src, ".fods") {
					t.Errorf("no error and no rows")
				}
			})
		}
	}
}

func TestXLSDamagedRecords(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(realFile("libreoffice.xls"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// A LABELSST record (0x00FD, 10 bytes) whose string index is past the
	// shared string table.
	i := bytes.Index(data, []byte{0xFD, 0x00, 0x0A, 0x00})
	if i < 0 {
		t.Fatal("no LABELSST record")
	}
	b := slices.Clone(data)
	copy(b[i+10:], []byte{0xFF, 0xFF, 0xFF, 0x7F})
	path := filepath.Join(dir, "badindex.xls")
	os.WriteFile(path, b, 0o644)
	_, err = readAll(t, path, dump.Options{})
	if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), "badindex.xls [libreoffice]") || !strings.Contains(err.Error(), "shared table") {
		t.Errorf("string index out of range: %v", err)
	}
	// The FILEPASS record of an encrypted workbook in place of CODEPAGE.
	i = bytes.Index(data, []byte{0x42, 0x00, 0x02, 0x00})
	b = slices.Clone(data)
	b[i] = 0x2F
	path = filepath.Join(dir, "filepass.xls")
	os.WriteFile(path, b, 0o644)
	if _, err := readAll(t, path, dump.Options{}); !strings.Contains(fmtErr(err), "password-protected") {
		t.Errorf("FILEPASS: %v", err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
