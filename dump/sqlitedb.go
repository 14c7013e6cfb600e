package dump

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/leakdesk/leakdesk"
)

// FormatSQLite is an SQLite database file.
const FormatSQLite Format = "sqlite"

func isSQLite(head []byte) bool { return bytes.HasPrefix(head, []byte("SQLite format 3\x00")) }

// readSQLite reads every table of an SQLite database, in the order they
// were created: not views, not SQLite's own tables, not the shadow tables
// that hold a virtual table's data a second time. The driver needs a file:
// a database read from a stream or from an archive is first copied to the
// spool directory, removed afterwards.
func (r *Reader) readSQLite(ctx context.Context, name string, in *bufio.Reader, ra io.ReaderAt, fn func(*Table) error) error {
	path := ""
	if f, ok := ra.(*os.File); ok {
		path = f.Name()
	} else {
		dir, err := os.MkdirTemp(r.opts.SpoolDir, spoolPrefix+"sqlite-*")
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "db.sqlite")
		if err := r.spoolSQLite(name, in, path); err != nil {
			return err
		}
	}
	db, err := openSQLite(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return sqliteError(ctx, name, "", 0, err)
	}
	defer conn.Close()
	// The longest value SQLite may hand over (the schema's text too, hence
	// the floor), so that one record stays near the budget whatever the file
	// declares; and no other database may be attached to the connection.
	for id, limit := range map[int]int{sqlite3.SQLITE_LIMIT_LENGTH: max(r.opts.MaxRecordBytes, 1<<20), sqlite3.SQLITE_LIMIT_ATTACHED: 0} {
		if _, err := sqlite.Limit(conn, id, limit); err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
	}
	tables, err := sqliteTables(ctx, conn)
	if err != nil {
		return sqliteError(ctx, name, "", 0, err)
	}
	if len(tables) == 0 {
		// A database without tables: say so with a table without rows.
		return r.emit(ctx, &Table{File: name, Format: FormatSQLite, Encoding: EncUTF8, Columns: []string{}, each: noRows, emptyIsReal: true}, fn)
	}
	for _, table := range tables {
		t, err := r.sqliteTable(ctx, conn, name, table)
		if err != nil {
			return err
		}
		if err := r.emit(ctx, t, fn); err != nil {
			return err
		}
	}
	return nil
}

// spoolSQLite copies the database to path, no larger than the budget for
// what archives expand to.
func (r *Reader) spoolSQLite(name string, in io.Reader, path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	n, err := io.Copy(f, io.LimitReader(in, r.opts.MaxExpandedBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return r.readError(name, err)
	case n > r.opts.MaxExpandedBytes:
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: an SQLite database larger than %d bytes; stopped (raise --max-expanded to read it)", name, r.opts.MaxExpandedBytes)
	}
	return nil
}

// openSQLite opens a database that may be hostile so that nothing can be
// written (read-only, and immutable: no journal, no lock, no WAL file made
// next to it), and no function a schema names runs unless SQLite knows it
// is harmless (trusted_schema off). Extensions stay unloadable: the driver
// never enables load_extension.
func openSQLite(path string) (*sql.DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("immutable", "1")
	q.Set("_defensive", "1")
	q.Add("_pragma", "trusted_schema(0)")
	q.Add("_pragma", "cell_size_check(1)")
	q.Add("_pragma", "mmap_size(0)")
	q.Set("_query_only", "1")
	u := url.URL{Scheme: "file", Path: abs, RawQuery: q.Encode()}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

type sqliteTable struct {
	name    string
	columns []string
	err     error // why the table cannot be read
}

// sqliteTables lists the tables to read, in the order they were created,
// with their columns. Generated and hidden columns are left out: they
// derive from the others, and computing them would run the schema's
// expressions. A table SQLite cannot open, such as a virtual table of a
// module it does not have, is listed with the reason.
func sqliteTables(ctx context.Context, conn *sql.Conn) ([]sqliteTable, error) {
	names, err := sqliteStrings(ctx, conn, `SELECT name FROM sqlite_schema
		WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY rowid`)
	if err != nil {
		return nil, err
	}
	var tables []sqliteTable
	for _, name := range names {
		t := sqliteTable{name: name}
		// Shadow tables hold a virtual table's data a second time.
		kind, err := sqliteStrings(ctx, conn, `SELECT type FROM pragma_table_list(?) WHERE schema = 'main'`, name)
		if err == nil && slices.Contains(kind, "shadow") {
			continue
		}
		if err == nil {
			t.columns, err = sqliteStrings(ctx, conn, `SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid`, name)
		}
		if err != nil && (ctx.Err() != nil || sqliteDamage(err)) {
			return nil, err
		}
		t.err = err
		tables = append(tables, t)
	}
	return tables, nil
}

// sqliteStrings returns the first column of a query's rows.
func sqliteStrings(ctx context.Context, conn *sql.Conn, query string, args ...any) ([]string, error) {
	rows, err := conn.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, s)
	}
	return out, errors.Join(rows.Err(), rows.Close())
}

// sqliteTable returns the table whose rows are read with one query.
func (r *Reader) sqliteTable(ctx context.Context, conn *sql.Conn, name string, table sqliteTable) (*Table, error) {
	t := &Table{File: name, Sheet: table.name, Format: FormatSQLite, Encoding: EncUTF8, Columns: table.columns, HasHeader: true, emptyIsReal: true}
	if table.err != nil {
		t.warn(Position{File: name, Sheet: table.name}, "table not read: %v", table.err)
		t.stopped = fmt.Sprintf("table not read: %v", table.err)
	}
	if len(table.columns) == 0 {
		t.Columns, t.each = []string{}, noRows
		return t, nil
	}
	// +col is col unchanged but without its declared type, so that the
	// driver hands DATE and DATETIME text over as written, not as time.Time.
	exprs := make([]string, len(table.columns))
	for i, c := range table.columns {
		exprs[i] = "+" + quoteIdent(c)
	}
	query := "SELECT " + strings.Join(exprs, ", ") + " FROM " + quoteIdent(table.name)
	t.each = func(ctx context.Context, _ int, fn func(int, Row) error) error {
		rows, err := conn.QueryContext(ctx, query)
		if err != nil {
			return sqliteError(ctx, name, table.name, 0, err)
		}
		defer rows.Close()
		values := make([]any, len(table.columns))
		dest := make([]any, len(values))
		for i := range values {
			dest[i] = &values[i]
		}
		cells := make([]string, len(values))
		var record, skipped int64
		for rows.Next() {
			if (record+skipped)%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if err := rows.Scan(dest...); err != nil {
				return sqliteError(ctx, name, table.name, record, err)
			}
			size := 0
			for i, v := range values {
				cells[i] = sqliteText(v)
				size += len(cells[i])
			}
			if size > r.opts.MaxRecordBytes {
				skipped++
				t.addStats(TableStats{SkippedLines: 1})
				t.warn(Position{File: name, Sheet: table.name, Record: record}, "a record of %d bytes after record %d, longer than %d: skipped", size, record, r.opts.MaxRecordBytes)
				continue
			}
			record++
			t.cleanRecord(cells, false)
			if err := fn(0, Row{Pos: Position{File: name, Sheet: table.name, Record: record}, Cells: cells}); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return sqliteError(ctx, name, table.name, record, err)
		}
		return nil
	}
	return t, nil
}

// sqliteText writes a value of any storage class as text: blobs that hold
// text (applications often store text as blobs) as it, other blobs in hex.
func sqliteText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		// Whole numbers, such as phone numbers stored as REAL, keep all
		// their digits.
		if math.Abs(v) < 1e21 {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	case []byte:
		if utf8.Valid(v) && !bytes.ContainsFunc(v, isControl) {
			return string(v)
		}
		return hex.EncodeToString(v)
	case time.Time:
		return v.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f }

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// sqliteError reports what SQLite met in the file: a damaged or truncated
// database, or a table it cannot read, such as a virtual table of a module
// it does not have.
func sqliteError(ctx context.Context, name, table string, record int64, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	where := name
	if table != "" {
		where = fmt.Sprintf("%s [%s] after record %d", name, table, record)
	}
	var e *sqlite.Error
	switch {
	case sqliteDamage(err):
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: damaged or truncated SQLite database: %v", where, err)
	case errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_TOOBIG:
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: a value longer than the record limit; stopped (raise --max-record to read it)", where)
	}
	return leakdesk.Errorf(leakdesk.EINVALID, "%s: cannot be read as an SQLite database: %v", where, err)
}

// sqliteDamage reports errors that say the file itself is damaged.
func sqliteDamage(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FORMAT, sqlite3.SQLITE_RANGE:
		return true
	}
	return false
}
