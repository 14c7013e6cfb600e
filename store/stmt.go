package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// stmts keeps SQLite statements prepared once per pool: a campaign runs
// the same few statements for every message, and parsing them each time
// cost more than running them. (pgx caches statements by itself.)
type stmts struct {
	mu    sync.Mutex
	byKey map[stmtKey]*sql.Stmt
	pools sync.Map // *sql.Tx -> *sql.DB, for the transactions open now
}

type stmtKey struct {
	pool  *sql.DB
	query string
}

// begin opens a transaction on pool and remembers which pool it is on.
func (d *DB) begin(ctx context.Context, pool *sql.DB) (*sql.Tx, error) {
	tx, err := pool.BeginTx(ctx, nil)
	if err == nil {
		d.stmts.pools.Store(tx, pool)
	}
	return tx, err
}

func (d *DB) end(tx *sql.Tx) { d.stmts.pools.Delete(tx) }

// prepared returns query, with its placeholders rebound, prepared for tx.
func (d *DB) prepared(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	p, ok := d.stmts.pools.Load(tx)
	if !ok {
		return nil, fmt.Errorf("prepare: transaction not opened by the store")
	}
	key := stmtKey{p.(*sql.DB), query}
	d.stmts.mu.Lock()
	stmt := d.stmts.byKey[key]
	d.stmts.mu.Unlock()
	if stmt == nil {
		var err error
		if stmt, err = key.pool.PrepareContext(ctx, d.rebind(query)); err != nil {
			return nil, err
		}
		d.stmts.mu.Lock()
		if prev := d.stmts.byKey[key]; prev != nil {
			stmt.Close()
			stmt = prev
		} else {
			if d.stmts.byKey == nil {
				d.stmts.byKey = map[stmtKey]*sql.Stmt{}
			}
			d.stmts.byKey[key] = stmt
		}
		d.stmts.mu.Unlock()
	}
	return tx.StmtContext(ctx, stmt), nil
}

// exec runs a statement in tx, prepared once on SQLite.
func (d *DB) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if d.postgres {
		return tx.ExecContext(ctx, d.rebind(query), args...)
	}
	stmt, err := d.prepared(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	return stmt.ExecContext(ctx, args...)
}

// queryRow runs a one-row query in tx, prepared once on SQLite. An error
// in preparing shows when the row is scanned.
func (d *DB) queryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) rowScanner {
	if d.postgres {
		return tx.QueryRowContext(ctx, d.rebind(query), args...)
	}
	stmt, err := d.prepared(ctx, tx, query)
	if err != nil {
		return errRow{err}
	}
	return stmt.QueryRowContext(ctx, args...)
}

type rowScanner interface{ Scan(dest ...any) error }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

func (d *DB) closeStmts() {
	d.stmts.mu.Lock()
	defer d.stmts.mu.Unlock()
	for _, s := range d.stmts.byKey {
		s.Close()
	}
	d.stmts.byKey = nil
}
