package dump_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// writeFile writes data at path and returns the path.
func writeFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readReal returns the content of a file written by a real program.
func readReal(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(realFile(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// realContacts returns the header and the records of contacts.csv.
func realContacts(t testing.TB) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "real", "contacts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records[0], records[1:]
}

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

// cellByID returns the cell of column col in the row whose first cell is id.
func cellByID(t *testing.T, r readResult, id, col string) string {
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
		if got := cellByID(t, r, c.id, c.col); got != c.want {
			t.Errorf("%s %s = %q, want %q", c.id, c.col, got, c.want)
		}
	}
	if got := cellByID(t, r, "C1000", "country"); got != "FR" {
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
		if got := cellByID(t, r, c.id, c.col); got != c.want {
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
		{"mysqldump-xml.xml", dump.FormatMySQLXML, []string{"accounts", "contacts"}, "contacts", true, 527},
		{"mariadb-xml.xml", dump.FormatMySQLXML, []string{mariadbQuery}, mariadbQuery, false, 5},
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
	xmlDump, sqlDump := readReal(t, "mysqldump-xml.xml"), readReal(t, "mysqldump.sql")
	for _, tc := range []struct {
		name string
		data []byte
		opts dump.Options
		want string
	}{
		{"cut.xml", xmlDump[:len(xmlDump)*2/3], dump.Options{}, "truncated"},
		{"cut-in-tag.xml", xmlDump[:strings.LastIndex(string(xmlDump), "<field")+4], dump.Options{}, "truncated"},
		{"misnested.xml", []byte(strings.Replace(string(xmlDump), "</row>", "</rox>", 1)), dump.Options{}, "</rox> closes no open element"},
		{"garbage.xml", []byte(strings.Replace(string(xmlDump), "<row>", "<row><<", 3)), dump.Options{}, "damaged"},
		{"long.xml", xmlDump, dump.Options{MaxRecordBytes: 100}, "longer than 100 bytes"},
		{"deep.xml", []byte(`<?xml version="1.0"?><mysqldump>` + strings.Repeat("<a>", 10_000)), dump.Options{}, "nest deeper"},
		{"cut.sql", sqlDump[:len(sqlDump)*2/3], dump.Options{}, "unterminated string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, filepath.Join(dir, tc.name), tc.data)
			_, err := readAll(t, path, tc.opts)
			if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line ") {
				t.Errorf("got %v, want it unread, with %q and a line", err, tc.want)
			}
		})
	}
}

// TestMySQLXMLShapes reads hand-made variants of what mysqldump and mariadb
// write: no table structure, empty tables, repeated column names, entities.
func TestMySQLXMLShapes(t *testing.T) {
	t.Parallel()
	const head = `<?xml version="1.0"?>` + "\n" + `<mysqldump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` + "\n"
	type table struct {
		sheet   string
		columns []string
		rows    [][]string
	}
	for _, tc := range []struct {
		name string
		xml  string
		want []table
	}{
		{"no structure", head + `<database name="d"><table_data name="t">
<row><field name="a">1</field><field name="b" xsi:nil="true" /></row>
<row><field name="b">2</field><field name="c">x &amp; &lt;y&gt; &#233;<![CDATA[<z>]]></field></row>
</table_data></database></mysqldump>`,
			[]table{{"t", []string{"a", "b", "c"}, [][]string{{"1", ""}, {"", "2", "x & <y> é<z>"}}}}},
		{"empty tables", head + `<database name="d"><table_structure name="e"><field Field="id" Type="int" /></table_structure>
<table_data name="e">
</table_data><table_data name="f"></table_data></database></mysqldump>`,
			[]table{{"e", []string{"id"}, nil}, {"f", []string{}, nil}}},
		{"empty database", head + `<database name="d"></database></mysqldump>`, []table{{"", []string{}, nil}}},
		{"resultset", `<?xml version="1.0"?>

<resultset statement="SELECT a.id, b.id
 FROM a, b" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <row>
	<field name="id">1</field>
	<field name="id">2</field>
  </row>
</resultset>
`, []table{{"SELECT a.id, b.id FROM a, b", []string{"id", "id"}, [][]string{{"1", "2"}}}}},
		{"two resultsets", `<?xml version="1.0"?>
<resultset statement="SELECT 1"><row><field name="1">1</field></row></resultset>
<?xml version="1.0"?>
<resultset statement="SELECT 2"><row><field name="2">2</field></row></resultset>
`, []table{{"SELECT 1", []string{"1"}, [][]string{{"1"}}}, {"SELECT 2", []string{"2"}, [][]string{{"2"}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, filepath.Join(t.TempDir(), "dump.xml"), []byte(tc.xml))
			res, err := readAll(t, path, dump.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []table
			for _, r := range res {
				tb := table{r.table.Sheet, r.table.Columns, nil}
				for _, row := range r.rows {
					tb.rows = append(tb.rows, row.Cells)
				}
				got = append(got, tb)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
			for i := range got {
				if got[i].sheet != tc.want[i].sheet || !slices.Equal(got[i].columns, tc.want[i].columns) || !slices.EqualFunc(got[i].rows, tc.want[i].rows, slices.Equal) {
					t.Errorf("table %d: got %+v\nwant %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestRealFilesCancellation(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, name := range []string{"mysqldump-xml.xml", "sqlite3.db"} {
		err := newReader(t, dump.Options{}).Read(ctx, realFile(name), func(tb *dump.Table) error {
			return tb.Rows(ctx, func(dump.Row) error { return nil })
		})
		if err != context.Canceled {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

// TestExtendedInsertLines checks that each tuple of a multi-row INSERT is
// placed at its own line, as mariadb-dump writes them.
func TestExtendedInsertLines(t *testing.T) {
	t.Parallel()
	sql := "-- MariaDB dump 10.19\n\nINSERT INTO `t` VALUES\n(1,'a'),\n(2,'b'),\n\n(3,'c');\nINSERT INTO `t` VALUES (4,'d'),(5,'e');\n"
	path := writeFile(t, filepath.Join(t.TempDir(), "dump.sql"), []byte(sql))
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

// writeMySQLDumps writes rows contacts, taken in turn from contacts.csv, as
// mariadb-dump writes them in SQL (extended INSERTs of 1,000 tuples) and in
// XML, and returns the two paths.
func writeMySQLDumps(b *testing.B, rows int) (string, string) {
	b.Helper()
	header, contacts := realContacts(b)
	dir := b.TempDir()
	sqlPath, xmlPath := filepath.Join(dir, "dump.sql"), filepath.Join(dir, "dump.xml")
	sqlFile, err := os.Create(sqlPath)
	if err != nil {
		b.Fatal(err)
	}
	xmlFile, err := os.Create(xmlPath)
	if err != nil {
		b.Fatal(err)
	}
	sqlOut, xmlOut := bufio.NewWriter(sqlFile), bufio.NewWriter(xmlFile)
	fmt.Fprintf(sqlOut, "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB\n/*!40101 SET NAMES utf8mb4 */;\nCREATE TABLE `contacts` (\n  `%s` varchar(255)\n);\n", strings.Join(header, "` varchar(255),\n  `"))
	fmt.Fprintf(xmlOut, "<?xml version=\"1.0\"?>\n<mysqldump xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n<database name=\"leak\">\n\t<table_structure name=\"contacts\">\n")
	for _, h := range header {
		fmt.Fprintf(xmlOut, "\t\t<field Field=\"%s\" Type=\"varchar(255)\" Null=\"YES\" Key=\"\" Default=\"NULL\" Extra=\"\" Comment=\"\" />\n", h)
	}
	fmt.Fprintf(xmlOut, "\t</table_structure>\n\t<table_data name=\"contacts\">\n")
	quote := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	for i := range rows {
		c := contacts[i%len(contacts)]
		switch {
		case i%1000 == 0 && i > 0:
			sqlOut.WriteString(";\nINSERT INTO `contacts` VALUES\n")
		case i == 0:
			sqlOut.WriteString("INSERT INTO `contacts` VALUES\n")
		default:
			sqlOut.WriteString(",\n")
		}
		xmlOut.WriteString("\t<row>\n")
		for j, v := range c {
			if j == 0 {
				v = fmt.Sprintf("%s-%d", v, i)
				sqlOut.WriteString("(")
			} else {
				sqlOut.WriteString(",")
			}
			sqlOut.WriteString("'" + quote.Replace(v) + "'")
			fmt.Fprintf(xmlOut, "\t\t<field name=\"%s\">", header[j])
			xml.EscapeText(xmlOut, []byte(v))
			xmlOut.WriteString("</field>\n")
		}
		sqlOut.WriteString(")")
		xmlOut.WriteString("\t</row>\n")
	}
	sqlOut.WriteString(";\n")
	xmlOut.WriteString("\t</table_data>\n</database>\n</mysqldump>\n")
	for _, err := range []error{sqlOut.Flush(), xmlOut.Flush(), sqlFile.Close(), xmlFile.Close()} {
		if err != nil {
			b.Fatal(err)
		}
	}
	return sqlPath, xmlPath
}

// BenchmarkReadMySQLXML reads mysqldump --xml; BenchmarkReadMySQLDump reads
// the same rows in mysqldump's SQL, the nearest format, which sets the cost
// per megabyte not to exceed.
func BenchmarkReadMySQLXML(b *testing.B) {
	rows := benchRows() / 2
	_, xmlPath := writeMySQLDumps(b, rows)
	benchmarkRead(b, xmlPath, rows)
}

func BenchmarkReadMySQLDump(b *testing.B) {
	rows := benchRows() / 2
	sqlPath, _ := writeMySQLDumps(b, rows)
	benchmarkRead(b, sqlPath, rows)
}
