package dump_test

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

var (
	crmColumns        = []string{"contact_id", "E-mail", "note", "photo", "last_seen"}
	noteWithNewlines  = "Rappel le Paris:\n\tligne 2 avec « guillemets » et \\ barre\nMairie de Saint-Étienne-du-Bois"
	noteWithBackslash = `C:\partage\Rousseau.txt; 'cité' "ici"`
	noteLikeSQL       = "VALUES (1, 'x'); -- pas du SQL"
)

// byTable reads a file and returns its tables by name, failing the test on
// any error.
func byTable(t *testing.T, path string) map[string]readResult {
	t.Helper()
	res, err := readAll(t, path, dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]readResult{}
	for _, r := range res {
		tables[r.table.Sheet] = r
	}
	return tables
}

// checkPostgresTables checks the two tables every pg_dump fixture holds.
func checkPostgresTables(t *testing.T, tables map[string]readResult, format dump.Format) {
	t.Helper()
	contacts, crm := tables["public.Contacts"], tables["crm.contacts"]
	if contacts.table == nil || crm.table == nil {
		t.Fatalf("tables %v, want public.Contacts and crm.contacts", slices.Sorted(maps.Keys(tables)))
	}
	for _, tb := range []readResult{contacts, crm} {
		if tb.table.Format != format {
			t.Errorf("%s: format %q, want %q", tb.table.Sheet, tb.table.Format, format)
		}
		if len(tb.rows) != 60 || tb.stats.Records != 60 {
			t.Errorf("%s: %d rows (%d counted), want 60", tb.table.Sheet, len(tb.rows), tb.stats.Records)
		}
		for i, r := range tb.rows {
			if r.Pos.Record != int64(i+1) || r.Pos.Sheet != tb.table.Sheet {
				t.Fatalf("%s: row %d at %+v", tb.table.Sheet, i, r.Pos)
			}
		}
	}
	if !slices.Equal(contacts.table.Columns, contactColumns) || !slices.Equal(crm.table.Columns, crmColumns) {
		t.Errorf("columns %q and %q", contacts.table.Columns, crm.table.Columns)
	}
	if len(contacts.rows) < 4 || len(crm.rows) < 4 {
		return
	}
	want := [][]string{
		{"C1000", "Amélie", "Vidal", "amelie.vidal@mairiesaint.fr", "+33 4 69 00 67 92", "Mairie de Saint-Étienne-du-Bois", "Paris", "FR"},
		{"C1002", "Quentin", "Fabre", "quentin.fabre@societesa.fr", "+33 1 93 86 17 61", "Société Générale d'Équipements, S.A.", "Paris", "FR"},
		{"C1003", "Jürgen", "Caron", "jurgen.caron@hopitaltille.fr", "+33 3 98 98 73 10", `Hôpital "Les Tilleuls"`, "Nîmes", "FR"},
	}
	for i, w := range want {
		if got := contacts.rows[[]int{0, 2, 3}[i]].Cells; !slices.Equal(got, w) {
			t.Errorf("public.Contacts row %d = %q, want %q", i, got, w)
		}
	}
	wantCRM := [][]string{
		{"1000", "amelie.vidal@mairiesaint.fr", noteWithNewlines, "", "2024-03-01 12:00:00+00"},
		{"1001", "elodie.rousseau@conseilgard.fr", noteWithBackslash, "", ""},
		{"1002", "quentin.fabre@societesa.fr", "", `\xc93dd6afa2e12dbc321dcbdcc94fbb63`, "2024-03-01 12:00:00+00"},
		{"1003", "jurgen.caron@hopitaltille.fr", noteLikeSQL, "", ""},
	}
	for i, w := range wantCRM {
		if got := crm.rows[i].Cells; !slices.Equal(got, w) {
			t.Errorf("crm.contacts row %d = %q, want %q", i, got, w)
		}
	}
}

func TestPgDumpPlain(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file string
		line int64 // where the first row of public.Contacts starts
	}{
		{"pg_dump-copy.sql", 166},
		{"pg_dump-inserts.sql", 191},
		{"pg_dump-column-inserts.sql", 191},
		{"pg_dump-rows-per-insert.sql", 201},
		{"pg_dump-quote-all-identifiers.sql", 173},
		{"pg_dump-quote-all-identifiers-column-inserts.sql", 198},
		{"pg_dump-inserts-nonstandard-strings.sql", 192},
		{"pg_dumpall.sql", 271},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			tables := byTable(t, realFile(tc.file))
			checkPostgresTables(t, tables, dump.FormatSQL)
			if first := tables["public.Contacts"].rows[0].Pos; first.Line != tc.line {
				t.Errorf("first contact at %+v, want line %d", first, tc.line)
			}
			if _, ok := tables["crm.log"]; ok && tables["crm.log"].stats.Records != 0 {
				t.Errorf("crm.log holds rows: the function body was read as data")
			}
		})
	}
}

// TestSQLStrings covers PostgreSQL string syntax that pg_dump does not
// write but people do.
func TestSQLStrings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, sql string
		want      [][]string
	}{
		{"E strings", "SET standard_conforming_strings = on;\nINSERT INTO t VALUES (E'a\\nb\\t\\x41\\101\\u00e9\\\\', 'c:\\dir', NULL::text, 'x'::varchar(3));\n",
			[][]string{{"a\nb\tAAé\\", `c:\dir`, "", "x"}}},
		{"MySQL escapes by default", "INSERT INTO t VALUES ('o\\'brien', 'a\\nb');\n", [][]string{{"o'brien", "a\nb"}}},
		{"dollar quotes", "CREATE FUNCTION f() RETURNS void AS $fn$ INSERT INTO t VALUES ('no'); $x$ $fn$ LANGUAGE sql;\nDO $$ BEGIN INSERT INTO t VALUES (1); END $$;\nINSERT INTO t VALUES ('yes');\n",
			[][]string{{"yes"}}},
		{"psql meta-commands", "\\restrict abc\nSET x = 1;\nINSERT INTO \"a\"\"b\" (\"c\"\"d\") VALUES ('v');\n\\unrestrict abc\n", [][]string{{"v"}}},
		{"COPY from a file", "COPY t FROM '/tmp/x;y';\nCOPY t (a) FROM stdin;\n1\n\\.\n", [][]string{{"1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "dump.sql")
			os.WriteFile(path, []byte(tc.sql), 0o644)
			res, err := readAll(t, path, dump.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got [][]string
			for _, r := range res {
				for _, row := range r.rows {
					got = append(got, row.Cells)
				}
			}
			if !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("rows %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPgDumpDamaged cuts real dumps short: reading must fail with an error
// that names the file and the line, not end quietly.
func TestPgDumpDamaged(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file string
		cut  string // the file is cut just after the first occurrence of this
		want string
	}{
		{"pg_dump-copy.sql", "C1010\t", "COPY data ends"},
		{"pg_dump-inserts.sql", "'C1010', 'Séb", "unterminated string"},
		{"pg_dump-rows-per-insert.sql", "('C1010', ", "ends"},
	} {
		t.Run(tc.file+" "+tc.want, func(t *testing.T) {
			t.Parallel()
			wantInvalid(t, damaged(t, tc.file, cutAfter(t, tc.cut)), tc.want)
		})
	}
}

func TestSQLDamaged(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ sql, want string }{
		{"CREATE TABLE t (a text);\nCREATE FUNCTION f() RETURNS void AS $body$ BEGIN INSERT INTO t VALUES ('x');", "line 2: unterminated dollar-quoted string $body$"},
		{"CREATE TABLE t (a text);\nINSERT INTO t VALUES (E'abc\\'", "line 2: unterminated string"},
		{"CREATE TABLE t (a text);\nINSERT INTO t VALUES ('a'), ('b'", "line 2: the dump ends inside a statement"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "dump.sql")
			os.WriteFile(path, []byte(tc.sql), 0o644)
			wantInvalid(t, path, path+" "+tc.want)
		})
	}
}

func TestPgDumpArchives(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file string
		data string // the data file of public.Contacts, "" when inside the file itself
	}{
		{"pg_dump-Fc.dump", ""},
		{"pg_dump-Fc-Z0.dump", ""},
		{"pg_dump-Fc-pipe.dump", ""},
		{"pg_dump-Fc-inserts.dump", ""},
		{"pg_dump-Fd", "/3353.dat.gz"},
		{"pg_dump-Fd-Z0", "/3353.dat"},
		{"pg_dump-Fd.zip", "!/pg_dump-Fd/3353.dat.gz"},
		{"pg_dump-Ft.tar", "!/3353.dat"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			tables := byTable(t, realFile(tc.file))
			checkPostgresTables(t, tables, dump.FormatPgDump)
			first := tables["public.Contacts"].rows[0].Pos
			if want := realFile(tc.file) + tc.data; first.File != want || first.Line != 1 {
				t.Errorf("first contact at %+v, want %s line 1", first, want)
			}
			if len(tables) > 3 {
				t.Errorf("%d tables: a data file was read twice, or restore.sql was read", len(tables))
			}
		})
	}
}

// pgTOCEnd is where the first data block of a custom archive starts: its
// type (1) and its dump id follow the TOC's last offset.
func pgTOCEnd(t *testing.T, file string) int {
	b, err := os.ReadFile(realFile(file))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("\x01\x00\x1a\x0d\x00\x00")) // block 1, dump id 3354
	if i < 0 {
		t.Fatal("no data block for dump id 3354")
	}
	return i
}

// damaged writes a copy of a real file changed by edit, and returns its
// path.
func damaged(t *testing.T, file string, edit func([]byte) []byte) string {
	t.Helper()
	b, err := os.ReadFile(realFile(file))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), file)
	os.WriteFile(path, edit(b), 0o644)
	return path
}

// cutAfter ends a file just after the first occurrence of s.
func cutAfter(t *testing.T, s string) func([]byte) []byte {
	return func(b []byte) []byte {
		i := bytes.Index(b, []byte(s))
		if i < 0 {
			t.Fatalf("%q not found", s)
		}
		return b[:i+len(s)]
	}
}

// dropLine removes the line that starts with s, which starts with "\n".
func dropLine(t *testing.T, s string) func([]byte) []byte {
	return func(b []byte) []byte {
		i := bytes.Index(b, []byte(s))
		if i < 0 {
			t.Fatalf("%q not found", s)
		}
		end := i + 1 + bytes.IndexByte(b[i+1:], '\n')
		return append(b[:i], b[end:]...)
	}
}

// wantInvalid reads a file and requires it reported unread, or read in
// part, naming it and saying want.
func wantInvalid(t *testing.T, path, want string) {
	t.Helper()
	_, err := readAll(t, path, dump.Options{})
	want = strings.TrimPrefix(strings.TrimPrefix(want, path), " ") // the unread entry names the file
	if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v, want it unread, naming %s and saying %q", err, path, want)
	}
}

func TestPgDumpArchiveDamaged(t *testing.T) {
	t.Parallel()
	size := func(file string) int {
		info, err := os.Stat(realFile(file))
		if err != nil {
			t.Fatal(err)
		}
		return int(info.Size())
	}
	for _, tc := range []struct {
		file string
		n    int
		want string
	}{
		// n >= 0 cuts the file to n bytes; n < 0 flips the byte at -n-1.
		{"pg_dump-Fc.dump", 8, "truncated in the header"},
		{"pg_dump-Fc.dump", 300, "truncated in entry"},
		{"pg_dump-Fc.dump", size("pg_dump-Fc.dump") - 200, "truncated in the data of dump id"},
		{"pg_dump-Fc-Z0.dump", size("pg_dump-Fc-Z0.dump") - 3000, "truncated in the data of dump id"},
		{"pg_dump-Fc.dump", -(size("pg_dump-Fc.dump") - 1000) - 1, "damaged compressed data"},
		{"pg_dump-Fc-Z0.dump", -6, "version"},
		// Cut at the end of the table of contents: no block at all.
		{"pg_dump-Fc.dump", pgTOCEnd(t, "pg_dump-Fc.dump"), "the data of crm.contacts (dump id 3354) is missing"},
	} {
		t.Run(fmt.Sprintf("%s %d", tc.file, tc.n), func(t *testing.T) {
			t.Parallel()
			n := tc.n
			wantInvalid(t, damaged(t, tc.file, func(b []byte) []byte {
				if n >= 0 {
					return b[:n]
				}
				b[-n-1] ^= 0x55
				return b
			}), tc.want)
		})
	}
}

func TestPgDumpDirectoryDamaged(t *testing.T) {
	t.Parallel()
	copyDir := func(t *testing.T, src string) string {
		dir := filepath.Join(t.TempDir(), filepath.Base(src))
		os.Mkdir(dir, 0o755)
		entries, _ := os.ReadDir(src)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(src, e.Name()))
			os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644)
		}
		return dir
	}
	t.Run("missing data file", func(t *testing.T) {
		t.Parallel()
		dir := copyDir(t, realFile("pg_dump-Fd"))
		os.Remove(filepath.Join(dir, "3354.dat.gz"))
		res, err := readAll(t, dir, dump.Options{})
		if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), "the data of crm.contacts, 3354.dat, is missing") {
			t.Errorf("error %v", err)
		}
		if len(res) != 2 || len(res[1].rows) != 60 {
			t.Errorf("the other tables were not read: %d", len(res))
		}
	})
	t.Run("truncated data file", func(t *testing.T) {
		t.Parallel()
		dir := copyDir(t, realFile("pg_dump-Fd-Z0"))
		b, _ := os.ReadFile(filepath.Join(dir, "3353.dat"))
		os.WriteFile(filepath.Join(dir, "3353.dat"), b[:len(b)/2], 0o644)
		_, err := readAll(t, dir, dump.Options{})
		if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), filepath.Join(dir, "3353.dat")) || !strings.Contains(err.Error(), "then line 31: COPY data ends without") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("not a pg_dump directory", func(t *testing.T) {
		t.Parallel()
		_, err := readAll(t, t.TempDir(), dump.Options{})
		if leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(err.Error(), "is a directory, not a file") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("toc.dat alone", func(t *testing.T) {
		t.Parallel()
		res, err := readAll(t, realFile("pg_dump-Fd/toc.dat"), dump.Options{})
		if !strings.Contains(fmt.Sprint(err), "toc.dat: table of contents only") || len(res) != 3 || len(res[0].rows) != 0 || len(res[0].stats.Warnings) != 1 {
			t.Errorf("toc.dat alone: %d tables, %v", len(res), err)
		}
	})
}

var psqlColumns = append(slices.Clone(contactColumns), "note", "photo")

func TestPsqlOutput(t *testing.T) {
	t.Parallel()
	// psql prints a tab as spaces up to the next tab stop.
	note := strings.Replace(noteWithNewlines, "\t", "        ", 1)
	want := map[int][]string{
		0: {"C1000", "Amélie", "Vidal", "amelie.vidal@mairiesaint.fr", "+33 4 69 00 67 92", "Mairie de Saint-Étienne-du-Bois", "Paris", "FR", note, ""},
		1: {"C1001", "Élodie", "Rousseau", "elodie.rousseau@conseilgard.fr", "+33 4 06 66 65 35", "Conseil départemental du Gard", "Paris", "FR", noteWithBackslash, ""},
		2: {"C1002", "Quentin", "Fabre", "quentin.fabre@societesa.fr", "+33 1 93 86 17 61", "Société Générale d'Équipements, S.A.", "Paris", "FR", "", `\xc93dd6afa2e12dbc321dcbdcc94fbb63`},
		3: {"C1003", "Jürgen", "Caron", "jurgen.caron@hopitaltille.fr", "+33 3 98 98 73 10", `Hôpital "Les Tilleuls"`, "Nîmes", "FR", noteLikeSQL, ""},
	}
	for _, tc := range []struct {
		file  string
		lines []int64 // where the first two rows start
	}{
		{"psql-aligned.txt", []int64{3, 6}},
		{"psql-wrapped.txt", []int64{3, 20}},
		{"psql-expanded.txt", []int64{1, 14}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			res, err := readAll(t, realFile(tc.file), dump.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 || res[0].table.Format != dump.FormatPsql || len(res[0].rows) != 60 || !slices.Equal(res[0].table.Columns, psqlColumns) {
				t.Fatalf("%d tables; first: %s, %d rows, columns %q", len(res), res[0].table.Format, len(res[0].rows), res[0].table.Columns)
			}
			rows := res[0].rows
			for i, w := range want {
				if !slices.Equal(rows[i].Cells, w) {
					t.Errorf("row %d = %q, want %q", i, rows[i].Cells, w)
				}
			}
			for i, line := range tc.lines {
				if rows[i].Pos.Line != line || rows[i].Pos.Record != int64(i+1) {
					t.Errorf("row %d at %+v, want line %d", i, rows[i].Pos, line)
				}
			}
			if w := res[0].stats.Warnings; len(w) > 0 {
				t.Errorf("warnings: %+v", w)
			}
		})
	}
}

func TestPsqlDamaged(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file, cut, want string
		drop            bool // drop the line that cut starts instead of ending after cut
	}{
		{"psql-aligned.txt", "ligne 2 avec « guillemets » et \\ barre+| \n", "line 4: the file ends inside a row", false},
		{"psql-aligned.txt", "\n C1005 |", "psql says 60 rows, but 59 were read", true},
		{"psql-wrapped.txt", "| Rappel.| \n", "line 3: the file ends inside a row", false},
		{"psql-expanded.txt", "city         | Reims\n", "the file ends inside record 12, after 7 of its 10 columns", false},
	} {
		t.Run(tc.want, func(t *testing.T) {
			t.Parallel()
			edit := cutAfter(t, tc.cut)
			if tc.drop {
				edit = dropLine(t, tc.cut)
			}
			wantInvalid(t, damaged(t, tc.file, edit), tc.want)
		})
	}
}

// TestPgDumpZstd reads archives laid out as pg_dump 16 writes them with
// zstd (archive version 1.15, whose header names the algorithm in a byte):
// no pg_dump 16 is at hand, so they are made here from pg_dump 15's.
func TestPgDumpZstd(t *testing.T) {
	t.Parallel()
	records := [][]string{{"id", "email"}, {"1", "jeanne.martin@acme.test"}, {"2", "p.durand@acme.test"}}
	t.Run("custom", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "zstd.dump")
		os.WriteFile(path, customArchive(records, archiveZstd), 0o644)
		res, err := readAll(t, path, dump.Options{})
		if err != nil || len(res) != 1 || res[0].table.Sheet != "public.contacts" || len(res[0].rows) != 2 || res[0].rows[1].Cells[1] != "p.durand@acme.test" {
			t.Fatalf("%+v, %v", res, err)
		}
	})
	t.Run("lz4 is refused", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "lz4.dump")
		os.WriteFile(path, customArchive(records, archiveLZ4), 0o644)
		wantInvalid(t, path, "compressed with lz4, which leakdesk does not read yet")
	})
	t.Run("directory", func(t *testing.T) {
		t.Parallel()
		src, dir := realFile("pg_dump-Fd-Z0"), filepath.Join(t.TempDir(), "zstd")
		os.Mkdir(dir, 0o755)
		zw, _ := zstd.NewWriter(nil)
		entries, _ := os.ReadDir(src)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(src, e.Name()))
			name := e.Name()
			if name == "toc.dat" {
				// Version 1.15: the compression level (an int of 5 bytes)
				// gives way to the algorithm (one byte, 3 for zstd).
				b = append(append(append([]byte(nil), b[:11]...), 3), b[16:]...)
				b[6] = 15
			} else {
				b, name = zw.EncodeAll(b, nil), name+".zst"
			}
			os.WriteFile(filepath.Join(dir, name), b, 0o644)
		}
		tables := byTable(t, dir)
		checkPostgresTables(t, tables, dump.FormatPgDump)
		if f := tables["public.Contacts"].rows[0].Pos.File; f != filepath.Join(dir, "3353.dat.zst") {
			t.Errorf("first contact in %s", f)
		}
	})
}

// TestPgDumpCutShort checks that a plain dump cut between two statements
// says so: its rows are all valid, but the rest is missing.
func TestPgDumpCutShort(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file, cut string // the file ends after cut; "" leaves it whole
		warned    bool
	}{
		{"pg_dump-inserts.sql", "'C1030', 'Dominique', 'Kowalski', 'dominique.kowalski@mairiesaint.fr', '+33 4 35 23 06 82', 'Mairie de Saint-Étienne-du-Bois', 'Paris', 'FR');\n", true},
		{"pg_dumpall.sql", "", false},
		{"pg_dump-copy.sql", "", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			path := realFile(tc.file)
			if tc.cut != "" {
				path = damaged(t, tc.file, cutAfter(t, tc.cut))
			}
			res, err := readAll(t, path, dump.Options{})
			if err != nil {
				t.Fatal(err)
			}
			last := res[len(res)-1]
			warned := len(last.stats.Warnings) == 1 && strings.Contains(last.stats.Warnings[0].Message, "cut short")
			if warned != tc.warned {
				t.Errorf("warnings %+v", last.stats.Warnings)
			}
			if tc.warned && len(last.rows) != 31 {
				t.Errorf("%d rows read before the cut, want 31", len(last.rows))
			}
		})
	}
}
