package dump_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// TestSQLiteFile reads the database sqlite3 wrote: every table in the
// order it was made, but not the view, SQLite's own tables or the FTS5
// shadow tables; values of every storage class.
func TestSQLiteFile(t *testing.T) {
	t.Parallel()
	path := realFile("sqlite3.db")
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := readAll(t, path, dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var sheets []string
	for _, r := range res {
		sheets = append(sheets, r.table.Sheet)
		if r.table.Format != dump.FormatSQLite || r.table.File != path || !r.table.HasHeader {
			t.Errorf("%s: %+v", r.table.Sheet, r.table)
		}
		for i, row := range r.rows {
			if row.Pos != (dump.Position{File: path, Sheet: r.table.Sheet, Record: int64(i + 1)}) {
				t.Fatalf("%s row %d at %+v", r.table.Sheet, i+1, row.Pos)
			}
		}
	}
	if want := []string{"contacts", "accounts", "emails", "log", "empty_table", "notes"}; !slices.Equal(sheets, want) {
		t.Errorf("tables %q, want %q", sheets, want)
	}
	checkContacts(t, tableNamed(t, res, "contacts"))

	accounts := tableNamed(t, res, "accounts")
	// The generated column login_upper is left out.
	if want := []string{"contact_id", "login", "score", "visits", "avatar", "note", "last_login", "misc"}; !slices.Equal(accounts.table.Columns, want) {
		t.Errorf("accounts columns %q", accounts.table.Columns)
	}
	for _, c := range []struct{ id, col, want string }{
		{"C1000", "score", "142.85714285714286"}, // REAL
		{"C1001", "score", "143"},
		{"C1000", "visits", "12"},                             // INTEGER
		{"C1000", "avatar", "89504e470d0a1a0a0000"},           // a binary BLOB, in hex
		{"C1001", "avatar", "elodie.rousseau@conseilgard.fr"}, // a BLOB that holds text
		{"C1002", "avatar", ""},                               // NULL
		{"C1000", "note", ""},
		{"C1001", "note", "Première ligne\nseconde ligne, avec « guillemets »\tet une tabulation"},
		{"C1002", "note", `C:\Users\partage; "cité" l'été`},
		{"C1001", "last_login", "2024-04-12 01:00:00"}, // DATETIME text as written
		{"C1000", "misc", "42"},
		{"C1001", "misc", "3.25"},
		{"C1002", "misc", "texte"},
		{"C1003", "misc", ""},
	} {
		if got := cellByID(t, accounts, c.id, c.col); got != c.want {
			t.Errorf("accounts %s %s = %q, want %q", c.id, c.col, got, c.want)
		}
	}
	emails := tableNamed(t, res, "emails") // WITHOUT ROWID
	if len(emails.rows) != 60 || !slices.Equal(emails.table.Columns, []string{"email", "contact_id"}) || emails.rows[0].Cells[0] != "amelie.lemaire@hopitaltille.fr" {
		t.Errorf("emails: %d rows, columns %q, first %q", len(emails.rows), emails.table.Columns, emails.rows[0].Cells)
	}
	if empty := tableNamed(t, res, "empty_table"); len(empty.rows) != 0 || !slices.Equal(empty.table.Columns, []string{"a", "b"}) {
		t.Errorf("empty_table: %d rows, columns %q", len(empty.rows), empty.table.Columns)
	}
	if notes := tableNamed(t, res, "notes"); len(notes.rows) != 24 || notes.rows[0].Cells[1] != "Rappeler Amélie Vidal (Mairie de Saint-Étienne-du-Bois)" {
		t.Errorf("notes: %d rows, first %q", len(notes.rows), notes.rows[0].Cells)
	}
	// Nothing was written: neither the file nor a journal beside it.
	after, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(before, after) {
		t.Error("the database changed")
	}
	for _, suffix := range []string{"-journal", "-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("%s%s was made", path, suffix)
		}
	}
}

// TestSQLiteFromStreams reads the database inside archives and from a
// stream, which are first copied to a temporary file.
func TestSQLiteFromStreams(t *testing.T) {
	t.Parallel()
	db := readReal(t, "sqlite3.db")
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "leak.zip")
	writeZip(t, zipPath, map[string][]byte{"app/data.db": db}, zip.Deflate)
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(db)
	w.Close()
	gzPath := writeFile(t, filepath.Join(dir, "data.db.gz"), gz.Bytes())
	for _, tc := range []struct{ path, file string }{
		{zipPath, zipPath + "!/app/data.db"},
		{gzPath, gzPath},
	} {
		res, err := readAll(t, tc.path, dump.Options{})
		if err != nil || len(res) != 6 || res[0].table.File != tc.file {
			t.Fatalf("%s: %v, %d tables", tc.path, err, len(res))
		}
		checkContacts(t, res[0])
	}
	var n int
	err := newReader(t, dump.Options{}).ReadStream(context.Background(), "stdin", bytes.NewReader(db), func(tb *dump.Table) error {
		return tb.Rows(context.Background(), func(dump.Row) error { n++; return nil })
	})
	if err != nil || n != 60+60+60+1+24 {
		t.Errorf("stream: %v, %d rows", err, n)
	}
	// The copy is bounded like what archives expand to.
	err = newReader(t, dump.Options{MaxExpandedBytes: 4096}).ReadStream(context.Background(), "stdin", bytes.NewReader(db), func(*dump.Table) error { return nil })
	if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), "larger than 4096 bytes") {
		t.Errorf("large stream: %v", err)
	}
}

// TestSQLiteCopyIsRemoved checks that the copy of a database read from a
// stream leaves nothing behind. Not parallel: it moves TMPDIR.
func TestSQLiteCopyIsRemoved(t *testing.T) {
	db := readReal(t, "sqlite3.db")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, data := range [][]byte{db, db[:len(db)/2]} {
		newReader(t, dump.Options{}).ReadStream(context.Background(), "stdin", bytes.NewReader(data), func(*dump.Table) error { return nil })
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Errorf("left behind: %v", left)
		}
	}
}

// TestDamagedSQLite cuts and corrupts the real database: each gives an
// EINVALID error naming the file, in bounded time.
func TestDamagedSQLite(t *testing.T) {
	t.Parallel()
	db := readReal(t, "sqlite3.db")
	const page = 4096
	corrupt := func(at int, garbage []byte) []byte {
		b := slices.Clone(db)
		copy(b[at:], garbage)
		return b
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"half.db", db[:len(db)/2], "damaged or truncated"},
		{"first-page.db", db[:page], "damaged or truncated"},
		{"header-only.db", db[:100], "damaged or truncated"},
		{"btree-pages.db", corrupt(2*page, bytes.Repeat([]byte{0xff}, 3*page)), "damaged or truncated"},
		{"schema.db", corrupt(100, bytes.Repeat([]byte{0x0d, 0x00}, 200)), "damaged or truncated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, filepath.Join(t.TempDir(), tc.name), tc.data)
			done := make(chan error, 1)
			go func() {
				_, err := readAll(t, path, dump.Options{})
				done <- err
			}()
			select {
			case err := <-done:
				if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
					t.Errorf("got %v, want it unread, with %q and the file", err, tc.want)
				}
			case <-time.After(time.Minute):
				t.Fatal("reading hangs")
			}
		})
	}
}

// TestSQLiteVariants reads databases made from the real one: in WAL mode,
// with an empty schema, with records longer than the limit.
func TestSQLiteVariants(t *testing.T) {
	t.Parallel()
	db := readReal(t, "sqlite3.db")
	dir := t.TempDir()
	// Bytes 18 and 19 of the header say WAL mode; immutable reads without
	// the -wal and -shm files.
	wal := slices.Clone(db)
	wal[18], wal[19] = 2, 2
	walPath := writeFile(t, filepath.Join(dir, "wal.db"), wal)
	res, err := readAll(t, walPath, dump.Options{})
	if err != nil || len(res) != 6 {
		t.Fatalf("WAL mode: %v, %d tables", err, len(res))
	}
	checkContacts(t, res[0])

	// Long records are skipped with a warning, and the numbering goes on.
	res, err = readAll(t, realFile("sqlite3.db"), dump.Options{MaxRecordBytes: 40})
	if err != nil {
		t.Fatal(err)
	}
	emails := tableNamed(t, res, "emails")
	if len(emails.rows) != 59 || emails.stats.SkippedLines != 1 || len(emails.stats.Warnings) != 1 || emails.rows[58].Pos.Record != 59 {
		t.Errorf("emails: %d rows, stats %+v", len(emails.rows), emails.stats)
	}

	// A virtual table of a module the driver does not have is a table
	// without rows, with the reason, and the others are read.
	vtabPath := writeFile(t, filepath.Join(dir, "vtab.db"), db)
	w, err := sql.Open("sqlite", vtabPath)
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Exec(`PRAGMA writable_schema=ON; INSERT INTO sqlite_schema VALUES ('table', 'geo', 'geo', 0, 'CREATE VIRTUAL TABLE geo USING spatial_index(a)')`)
	if err := errors.Join(err, w.Close()); err != nil {
		t.Fatal(err)
	}
	res, err = readAll(t, vtabPath, dump.Options{})
	unread, err := dump.Unreads(err)
	if err != nil || len(res) != 7 || len(unread) != 1 || unread[0].File != vtabPath+" [geo]" {
		t.Fatalf("unknown module: %v, %d tables, unread %v", err, len(res), unread)
	}
	checkContacts(t, res[0])
	if geo := tableNamed(t, res, "geo"); len(geo.rows) != 0 || len(geo.stats.Warnings) != 1 || !strings.Contains(geo.stats.Warnings[0].Message, "no such module: spatial_index") {
		t.Errorf("geo: %+v", geo.stats)
	}

	// A database without tables is one table without rows.
	empty := slices.Clone(db[:4096])
	empty[28], empty[29], empty[30], empty[31] = 0, 0, 0, 1 // one page
	copy(empty[100:], []byte{0x0d, 0, 0, 0, 0, 0x10, 0, 0}) // an empty leaf page
	emptyPath := writeFile(t, filepath.Join(dir, "empty.db"), empty)
	res, err = readAll(t, emptyPath, dump.Options{})
	if err != nil || len(res) != 1 || len(res[0].rows) != 0 || res[0].table.Format != dump.FormatSQLite {
		t.Errorf("empty database: %v, %+v", err, res)
	}
}

// writeSQLite writes rows contacts, taken in turn from contacts.csv, into
// a new database, and returns its path.
func writeSQLite(b *testing.B, rows int) string {
	b.Helper()
	_, contacts := realContacts(b)
	path := filepath.Join(b.TempDir(), "contacts.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE contacts (id TEXT, first_name TEXT, last_name TEXT, email TEXT, phone TEXT, organisation TEXT, city TEXT, country TEXT)`); err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	insert, err := tx.Prepare(`INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	for i := range rows {
		c := contacts[i%len(contacts)]
		if _, err := insert.Exec(fmt.Sprintf("%s-%d", c[0], i), c[1], c[2], c[3], c[4], c[5], c[6], c[7]); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkReadSQLite reads a database of contacts; BenchmarkReadSQLiteFloor
// is the driver's own loop over the same rows, scanning every value, which
// no reader through the driver can beat.
func BenchmarkReadSQLite(b *testing.B) {
	rows := benchRows() / 2
	benchmarkRead(b, writeSQLite(b, rows), rows)
}

func BenchmarkReadSQLiteFloor(b *testing.B) {
	rows := benchRows() / 2
	path := writeSQLite(b, rows)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	b.ResetTimer()
	for b.Loop() {
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1")
		if err != nil {
			b.Fatal(err)
		}
		r, err := db.Query(`SELECT * FROM contacts`)
		if err != nil {
			b.Fatal(err)
		}
		values := make([]any, 8)
		dest := make([]any, 8)
		for i := range values {
			dest[i] = &values[i]
		}
		n := 0
		for r.Next() {
			if err := r.Scan(dest...); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if err := errors.Join(r.Err(), r.Close(), db.Close()); err != nil || n != rows {
			b.Fatal(err, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}

// TestSQLiteDumpText reads what sqlite3's .dump writes: PRAGMA first, and
// the tables of an FTS5 table named in single quotes.
func TestSQLiteDumpText(t *testing.T) {
	t.Parallel()
	res, err := readAll(t, realFile("sqlite3-dump.sql"), dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var sheets []string
	for _, r := range res {
		sheets = append(sheets, r.table.Sheet)
	}
	if !slices.Equal(sheets[:min(len(sheets), 6)], []string{"contacts", "accounts", "emails", "log", "notes_data", "notes_idx"}) {
		t.Errorf("tables %q", sheets)
	}
	contacts := tableNamed(t, res, "contacts")
	checkContacts(t, contacts)
	if contacts.rows[0].Pos.Line != 6 || contacts.table.Format != dump.FormatSQL {
		t.Errorf("first contact at %+v", contacts.rows[0].Pos)
	}
	if got := cellByID(t, tableNamed(t, res, "emails"), "amelie.vidal@mairiesaint.fr", "contact_id"); got != "C1000" {
		t.Errorf("emails: %q", got)
	}
}
