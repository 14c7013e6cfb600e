package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/leakdesk/leakdesk/store/storetest"
)

// database is one of the two stores, with the query that shows whether its
// commits wait for the disk and what it answers when they do and do not.
type database struct {
	name, query, durable, relaxed string
	dsn                           func(t *testing.T) string
}

func databases() []database {
	return []database{
		// SQLite reports synchronous as a number: 2 is FULL, 1 NORMAL.
		{"sqlite", `PRAGMA synchronous`, "2", "1", func(t *testing.T) string { return filepath.Join(t.TempDir(), "leakdesk.db") }},
		{"postgres", `SHOW synchronous_commit`, "on", "off", func(t *testing.T) string { return storetest.PostgresURL(t) }},
	}
}

func (db database) open(t *testing.T) *DB {
	t.Helper()
	d, err := Open(context.Background(), db.dsn(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestOnlyDeliveryBookkeepingIsRelaxed checks which transactions wait for
// the disk: every one but the relaxed ones that record deliveries, on both
// databases.
func TestOnlyDeliveryBookkeepingIsRelaxed(t *testing.T) {
	ctx := context.Background()
	for _, tc := range databases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := tc.open(t)
			setting := func(tx *sql.Tx, got *string) error {
				return tx.QueryRowContext(ctx, tc.query).Scan(got)
			}
			var durable, relaxed string
			if err := d.inTx(ctx, func(tx *sql.Tx) error { return setting(tx, &durable) }); err != nil {
				t.Fatal(err)
			}
			if err := d.inRelaxedTx(ctx, func(tx *sql.Tx) error { return setting(tx, &relaxed) }); err != nil {
				t.Fatal(err)
			}
			if durable != tc.durable || relaxed != tc.relaxed {
				t.Errorf("%s: durable transactions %q, relaxed %q; want %q and %q", tc.query, durable, relaxed, tc.durable, tc.relaxed)
			}
		})
	}
}

// TestSyncFlushesRelaxedCommits checks the durability barrier on both
// databases: its commit is synchronous, and on PostgreSQL the log is
// flushed past a relaxed commit made before it (SQLite gives no such
// position: there the relaxed and the synchronous connections share one
// WAL file, and the synchronous commit fsyncs it).
func TestSyncFlushesRelaxedCommits(t *testing.T) {
	ctx := context.Background()
	for _, tc := range databases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := tc.open(t)
			var relaxedEnd string
			if err := d.inRelaxedTx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, `CREATE TABLE sent_before_barrier (id INTEGER)`); err != nil {
					return err
				}
				if d.postgres {
					return tx.QueryRowContext(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&relaxedEnd)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			var setting string
			if err := d.inTx(ctx, func(tx *sql.Tx) error {
				if err := d.markDurable(ctx, tx); err != nil {
					return err
				}
				return tx.QueryRowContext(ctx, tc.query).Scan(&setting)
			}); err != nil {
				t.Fatal(err)
			}
			if setting != tc.durable {
				t.Errorf("the barrier committed with %s = %q, want %q", tc.query, setting, tc.durable)
			}
			var marks int
			if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM durability_marks`).Scan(&marks); err != nil || marks != 1 {
				t.Errorf("durability marks: %d (%v), want one row", marks, err)
			}
			if d.postgres {
				var flushed bool
				if err := d.db.QueryRowContext(ctx, `SELECT pg_current_wal_flush_lsn() >= $1::pg_lsn`, relaxedEnd).Scan(&flushed); err != nil {
					t.Fatal(err)
				}
				if !flushed {
					t.Errorf("after the barrier the log is not flushed past the relaxed commit at %s", relaxedEnd)
				}
			}
		})
	}
}

// BenchmarkSync measures one durability barrier, the cost the queue adds
// at the end of every batch.
func BenchmarkSync(b *testing.B) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(b.TempDir(), "leakdesk.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	for b.Loop() {
		if err := d.inTx(ctx, func(tx *sql.Tx) error { return d.markDurable(ctx, tx) }); err != nil {
			b.Fatal(err)
		}
	}
}
