package dump_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// realFile is the path of a file written by a real program.
func realFile(name string) string { return filepath.Join("testdata", "real", "files", name) }

var contactColumns = []string{"id", "first_name", "last_name", "email", "phone", "organisation", "city", "country"}

// tableNamed returns the table read from sheet, failing the test without it.
func tableNamed(t *testing.T, res []readResult, sheet string) readResult {
	t.Helper()
	for _, r := range res {
		if r.table.Sheet == sheet {
			return r
		}
	}
	var sheets []string
	for _, r := range res {
		sheets = append(sheets, r.table.Sheet)
	}
	t.Fatalf("no table %q among %q", sheet, sheets)
	return readResult{}
}

// cell returns the cell of column col in the row whose first cell is id.
func cell(t *testing.T, r readResult, id, col string) string {
	t.Helper()
	i := slices.Index(r.table.Columns, col)
	if i < 0 {
		t.Fatalf("no column %q in %q", col, r.table.Columns)
	}
	for _, row := range r.rows {
		if len(row.Cells) > 0 && row.Cells[0] == id {
			if i >= len(row.Cells) {
				return ""
			}
			return row.Cells[i]
		}
	}
	t.Fatalf("no row %s", id)
	return ""
}

// checkContacts checks the 60 contacts of contacts.csv in a table: the
// columns, the numbering, and the values that carry accents, quotes,
// commas and semicolons.
func checkContacts(t *testing.T, r readResult) {
	t.Helper()
	if !slices.Equal(r.table.Columns[:min(len(r.table.Columns), len(contactColumns))], contactColumns) {
		t.Errorf("columns %q", r.table.Columns)
	}
	if len(r.rows) != 60 || r.stats.Records != 60 {
		t.Fatalf("%d rows, %d records; want 60", len(r.rows), r.stats.Records)
	}
	for i, row := range r.rows {
		if row.Pos.Record != int64(i+1) || row.Pos.File == "" {
			t.Fatalf("row %d at %+v", i+1, row.Pos)
		}
	}
	for _, c := range []struct{ id, col, want string }{
		{"C1000", "organisation", "Mairie de Saint-Étienne-du-Bois"},
		{"C1002", "organisation", "Société Générale d'Équipements, S.A."},
		{"C1003", "organisation", `Hôpital "Les Tilleuls"`},
		{"C1003", "first_name", "Jürgen"},
		{"C1059", "email", "benoit.durand@sarl.lu"},
		{"C1059", "phone", "+352 202375"},
	} {
		if got := cell(t, r, c.id, c.col); got != c.want {
			t.Errorf("%s %s = %q, want %q", c.id, c.col, got, c.want)
		}
	}
	if got := cell(t, r, "C1000", "country"); got != "FR" {
		t.Errorf("C1000 country = %q", got)
	}
	var semicolon bool
	for _, row := range r.rows {
		semicolon = semicolon || slices.Contains(row.Cells, "Clinique; du Parc")
	}
	if !semicolon {
		t.Error(`no "Clinique; du Parc"`)
	}
}

// checkAccounts checks the second table of the MariaDB database: NULLs,
// multi-line text with a tab, backslashes, quotes.
func checkAccounts(t *testing.T, r readResult) {
	t.Helper()
	if len(r.rows) != 60 || !slices.Equal(r.table.Columns, []string{"contact_id", "login", "password_hash", "note", "balance", "last_login"}) {
		t.Fatalf("%d rows, columns %q", len(r.rows), r.table.Columns)
	}
	for _, c := range []struct{ id, col, want string }{
		{"C1000", "note", ""}, // NULL
		{"C1000", "last_login", ""},
		{"C1001", "note", "Première ligne\nseconde ligne, avec « guillemets »\tet une tabulation"},
		{"C1002", "note", `C:\Users\partage; "cité" l'été`},
		{"C1003", "note", ""}, // empty, not NULL
		{"C1001", "balance", "143.00"},
		{"C1001", "last_login", "2024-04-12 01:00:00"},
		{"C1003", "login", "jürgen.caron"},
	} {
		if got := cell(t, r, c.id, c.col); got != c.want {
			t.Errorf("%s %s = %q, want %q", c.id, c.col, got, c.want)
		}
	}
}

func TestMariaDBFiles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file     string
		format   dump.Format
		sheets   []string
		contacts string // the sheet holding the contacts
		accounts bool   // the accounts table is read too
		firstRow int64  // the line of the first contact
	}{
		{"mysqldump.sql", dump.FormatSQL, []string{"accounts", "contacts"}, "contacts", true, 133},
		{"mysqldump-skip-extended-insert.sql", dump.FormatSQL, []string{"accounts", "contacts"}, "contacts", true, 131},
		{"mysqldump-complete-insert.sql", dump.FormatSQL, []string{"accounts", "contacts"}, "contacts", true, 131},
		{"mysqldump-compatible-ansi.sql", dump.FormatSQL, []string{"accounts", "contacts"}, "contacts", true, 128},
		{"mysqldump-hex-blob.sql", dump.FormatSQL, []string{"accounts", "contacts"}, "contacts", true, 133},
		{"mariadb-batch.tsv", dump.FormatDelimited, []string{""}, "", false, 2},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			res, err := readAll(t, realFile(tc.file), dump.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var sheets []string
			for _, r := range res {
				sheets = append(sheets, r.table.Sheet)
				if r.table.Format != tc.format || r.table.Encoding != dump.EncUTF8 {
					t.Errorf("%s: format %s, encoding %s", r.table.Sheet, r.table.Format, r.table.Encoding)
				}
			}
			if !slices.Equal(sheets, tc.sheets) {
				t.Errorf("tables %q, want %q", sheets, tc.sheets)
			}
			contacts := tableNamed(t, res, tc.contacts)
			checkContacts(t, contacts)
			if first := contacts.rows[0].Pos; first.Line != tc.firstRow || first.Sheet != tc.contacts {
				t.Errorf("first contact at %+v, want line %d", first, tc.firstRow)
			}
			if tc.accounts {
				checkAccounts(t, tableNamed(t, res, "accounts"))
			}
		})
	}
}

const mariadbQuery = "SELECT c.*, a.login, a.note, a.balance, a.last_login FROM leak.contacts c LEFT JOIN leak.accounts a ON a.contact_id = c.id ORDER BY c.id"

// TestMariaDBTableOutput reads mariadb -t: every contact is there, although
// a value that holds a line break splits its row.
func TestMariaDBTableOutput(t *testing.T) {
	t.Parallel()
	res, err := readAll(t, realFile("mariadb-table.txt"), dump.Options{})
	if err != nil || len(res) != 1 {
		t.Fatal(err, len(res))
	}
	ids := map[string]bool{}
	for _, row := range res[0].rows {
		for _, c := range row.Cells {
			if strings.HasPrefix(c, "C10") {
				ids[c] = true
			}
		}
	}
	if len(ids) != 60 || !slices.Contains(res[0].table.Columns, "organisation") {
		t.Errorf("%d contacts, columns %q", len(ids), res[0].table.Columns)
	}
}

// TestDamagedMySQLDumps cuts and breaks the real dumps: each gives a clear
// error naming the file and the line.
func TestDamagedMySQLDumps(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sqlDump, err := os.ReadFile(realFile("mysqldump.sql"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		opts dump.Options
		want string
	}{
		{"cut.sql", sqlDump[:len(sqlDump)*2/3], dump.Options{}, "unterminated string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := readAll(t, path, tc.opts)
			if leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path+" line ") {
				t.Errorf("got %v, want an EINVALID error with %q and a line", err, tc.want)
			}
		})
	}
}

// TestExtendedInsertLines checks that each tuple of a multi-row INSERT is
// placed at its own line, as mariadb-dump writes them.
func TestExtendedInsertLines(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "dump.sql")
	sql := "-- MariaDB dump 10.19\n\nINSERT INTO `t` VALUES\n(1,'a'),\n(2,'b'),\n\n(3,'c');\nINSERT INTO `t` VALUES (4,'d'),(5,'e');\n"
	if err := os.WriteFile(path, []byte(sql), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := readAll(t, path, dump.Options{})
	if err != nil || len(res) != 1 {
		t.Fatal(err, len(res))
	}
	var lines []int64
	for _, row := range res[0].rows {
		lines = append(lines, row.Pos.Line)
	}
	if want := []int64{4, 5, 7, 8, 8}; !slices.Equal(lines, want) {
		t.Errorf("lines %v, want %v", lines, want)
	}
}
