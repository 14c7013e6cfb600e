// Package store implements leakdesk's services on SQLite (the embedded
// default) and PostgreSQL (for several instances), with the same SQL
// wherever the two agree and a small dialect where they do not.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/leakdesk/leakdesk"
)

//go:embed migrations
var migrations embed.FS

// DefaultBusyTimeout is how long SQLite waits for another writer before it
// reports the database as locked.
const DefaultBusyTimeout = 5 * time.Second

// Options tune a connection. The zero value is the default.
type Options struct {
	BusyTimeout time.Duration // SQLite only; DefaultBusyTimeout when zero
}

// DB is a connection to the incident store.
type DB struct {
	db *sql.DB
	// relaxed is a second pool on the same database whose commits do not
	// wait for the disk (SQLite's synchronous=NORMAL, PostgreSQL's
	// synchronous_commit=off): they survive a crash of leakdesk, not a
	// power cut. Only delivery bookkeeping uses it, where a lost commit
	// means a message resent under the same Message-ID. Relaxing the
	// session, not each transaction, spares a round trip per message.
	relaxed *sql.DB
	// writer serialises this process's SQLite transactions, which all take
	// the write lock (IMMEDIATE): waiting on a mutex wakes at once, where
	// SQLite's busy handler sleeps for up to 100 ms between tries.
	writer      sync.Mutex
	stmts       stmts
	postgres    bool
	target      string // what users know the database as, with no secret in it
	busyTimeout time.Duration

	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// IsPostgresURL reports whether dsn names a PostgreSQL database.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn, a postgres:// URL or the path of a SQLite file, and
// applies any pending migrations.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	d := &DB{Now: time.Now, busyTimeout: cmp.Or(opts.BusyTimeout, DefaultBusyTimeout)}
	var err error
	if IsPostgresURL(dsn) {
		d.postgres, d.target = true, redactURL(dsn)
		d.db, err = sql.Open("pgx", dsn)
		if err == nil {
			d.relaxed, err = openRelaxedPostgres(dsn)
		}
	} else {
		d.target = dsn
		d.db, err = sql.Open("sqlite", sqliteDSN(dsn, d.busyTimeout, "FULL"))
		if err == nil {
			d.relaxed, err = sql.Open("sqlite", sqliteDSN(dsn, d.busyTimeout, "NORMAL"))
		}
	}
	if err != nil {
		if d.db != nil {
			d.db.Close()
		}
		return nil, d.wrap(fmt.Errorf("open %s: %w", d.target, err))
	}
	if err := d.db.PingContext(ctx); err != nil {
		d.Close()
		return nil, d.wrap(fmt.Errorf("connect to %s: %w", d.target, err))
	}
	if err := d.migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// SQL returns the connection pool, for the job queue that shares the
// database and its transactions.
func (d *DB) SQL() *sql.DB { return d.db }

// Close releases the connections.
func (d *DB) Close() error {
	d.closeStmts()
	if d.relaxed != nil {
		d.relaxed.Close()
	}
	return d.db.Close()
}

// Dialect names the database behind d: "sqlite" or "postgres".
func (d *DB) Dialect() string {
	if d.postgres {
		return "postgres"
	}
	return "sqlite"
}

// openRelaxedPostgres opens a pool on dsn whose sessions commit without
// waiting for the write-ahead log to reach the disk.
func openRelaxedPostgres(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.RuntimeParams["synchronous_commit"] = "off"
	db := stdlib.OpenDB(*cfg)
	// Each sender of a campaign holds a transaction here per message. With
	// database/sql's default of two idle connections, a third sender's
	// commit closed its connection and its next transaction opened a new
	// one, a new server process: milliseconds during which a message
	// already sent is not yet recorded.
	db.SetMaxIdleConns(16)
	return db, nil
}

// sqliteDSN turns a file path into a modernc DSN. WAL lets readers run beside
// the writer, foreign keys are off by default in SQLite, and every write
// transaction starts IMMEDIATE so that two writers queue on the busy timeout
// instead of failing halfway through.
func sqliteDSN(path string, busyTimeout time.Duration, synchronous string) string {
	q := url.Values{}
	if synchronous != "FULL" {
		// A campaign commits twice per message, rewriting the same few pages:
		// checkpointing every 16 MB instead of 4 copies each page far less
		// often into the database file.
		q.Add("_pragma", "wal_autocheckpoint(4000)")
	}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+synchronous+")")
	q.Add("_pragma", "busy_timeout("+strconv.Itoa(int(busyTimeout.Milliseconds()))+")")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

func redactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	return u.Redacted()
}

func (d *DB) migrate(ctx context.Context) error {
	dir := path.Join("migrations", d.Dialect())
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })

	return d.inTx(ctx, func(tx *sql.Tx) error {
		if d.postgres {
			// Instances starting together must not run the same migration twice.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7304917)`); err != nil {
				return fmt.Errorf("lock migrations: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		for _, e := range entries {
			name := e.Name()
			version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
			if err != nil {
				return fmt.Errorf("migration %s: name must start with a number", name)
			}
			var n int
			if err := tx.QueryRowContext(ctx, d.rebind(`SELECT count(*) FROM schema_migrations WHERE version = ?`), version).Scan(&n); err != nil {
				return fmt.Errorf("check migration %s: %w", name, err)
			}
			if n > 0 {
				continue
			}
			body, err := fs.ReadFile(migrations, path.Join(dir, name))
			if err != nil {
				return fmt.Errorf("read migration %s: %w", name, err)
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("apply migration %s: %w", name, err)
			}
			if _, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`), version, name); err != nil {
				return fmt.Errorf("record migration %s: %w", name, err)
			}
		}
		return nil
	})
}

// inTx runs fn in a transaction and commits it if fn returns nil. Public
// methods open the transaction; lowercase helpers take the *sql.Tx, so that
// several operations compose into one.
func (d *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if !d.postgres {
		d.writer.Lock()
		defer d.writer.Unlock()
	}
	tx, err := d.begin(ctx, d.db)
	if err != nil {
		return d.wrap(fmt.Errorf("begin transaction: %w", err))
	}
	defer d.end(tx)
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return d.wrap(err)
	}
	if err := tx.Commit(); err != nil {
		return d.wrap(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// inRelaxedTx is inTx for writes that may be lost in a power cut, though
// never in a crash of leakdesk: their commit does not wait for the disk.
//
// On PostgreSQL, a transaction that lost a deadlock or a serialisation
// conflict is run again: senders lock delivery rows and the incident's
// timeline head in orders that can cross, and fn only writes the database.
func (d *DB) inRelaxedTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := d.relaxedTx(ctx, fn)
		if !d.postgres || attempt == 5 || !lostConflict(err) {
			return d.wrap(err)
		}
		time.Sleep(time.Duration(attempt*attempt) * 5 * time.Millisecond)
	}
}

// lostConflict reports a PostgreSQL deadlock or serialisation failure.
func lostConflict(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// relaxedTx runs fn once; its errors are not yet wrapped.
func (d *DB) relaxedTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if !d.postgres {
		d.writer.Lock()
		defer d.writer.Unlock()
	}
	tx, err := d.begin(ctx, d.relaxed)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer d.end(tx)
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// rebind turns the ? placeholders used throughout this package into
// PostgreSQL's $1, $2, ... The package's SQL holds no literal question marks.
func (d *DB) rebind(query string) string {
	if !d.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// now returns the current time at the precision both databases keep.
func (d *DB) now() time.Time { return d.Now().UTC().Truncate(leakdesk.TimePrecision) }

// timeArg converts t to what the database stores: TIMESTAMPTZ in PostgreSQL,
// fixed-width UTC text in SQLite. A zero time is NULL.
func (d *DB) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	if d.postgres {
		return t.UTC().Truncate(leakdesk.TimePrecision)
	}
	return leakdesk.CanonicalTime(t)
}

// scanTime reads a time written by timeArg from either database.
type scanTime struct{ t *time.Time }

func (s scanTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("cannot read %T as a time", src)
	}
	return nil
}

func (s scanTime) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return fmt.Errorf("stored time %q: %w", v, err)
	}
	*s.t = t.UTC()
	return nil
}

// wrap turns driver errors a user can act on into leakdesk errors.
func (d *DB) wrap(err error) error {
	if err == nil || leakdesk.ErrorCode(err) != leakdesk.EINTERNAL {
		return err
	}
	var serr *sqlite.Error
	if errors.As(err, &serr) {
		switch serr.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "database %s is locked by another process (waited %s); try again", d.target, d.busyTimeout)
		case sqlite3.SQLITE_FULL:
			return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "database %s: disk is full", d.target)
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "database %s cannot be used: %s", d.target, serr.Error())
		}
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		// pgx reports one line per address tried; the first says enough.
		cause, _, _ := strings.Cut(connErr.Unwrap().Error(), "\n")
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "cannot reach PostgreSQL at %s: %s", d.target, cause)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "40P01" {
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "database %s: deadlock with another instance; try again", d.target)
	}
	return err
}
