package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/leakdesk/leakdesk"
)

// Durability barrier. Delivery bookkeeping commits without waiting for the
// disk (inRelaxedTx). A synchronous commit after it makes it durable too:
// SQLite's relaxed and synchronous connections append to the same WAL file,
// and fsyncing that file at a FULL commit flushes every frame before it;
// PostgreSQL's write-ahead log is one sequence, and a synchronous commit
// waits until the log is flushed up to its own record, past every
// asynchronous commit before it. The barrier is that synchronous commit.

// Sync returns once every transaction committed before it, relaxed or not,
// is on disk. The queue calls it at the end of every batch.
func (s *NoticeService) Sync(ctx context.Context) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error { return s.db.markDurable(ctx, tx) })
}

// markDurable makes tx's commit a durability barrier: it writes, so that the
// commit is flushed, and on PostgreSQL it waits for the flush whatever the
// server's default.
func (d *DB) markDurable(ctx context.Context, tx *sql.Tx) error {
	if d.postgres {
		if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = on`); err != nil {
			return fmt.Errorf("require a synchronous commit: %w", err)
		}
	}
	_, err := d.exec(ctx, tx, `
		INSERT INTO durability_marks (id, synced_at) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET synced_at = excluded.synced_at`, leakdesk.CanonicalTime(d.now()))
	if err != nil {
		return fmt.Errorf("mark durable: %w", err)
	}
	return nil
}
