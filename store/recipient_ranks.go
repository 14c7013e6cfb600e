package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/leakdesk/leakdesk"
)

// The recipients' rank columns: each recipient row keeps the best rank,
// among leakdesk.CoverageRanks, of its deliveries (answers left out) and
// of its contact attempts, NULL when none ranks, and the channel of its
// last contact attempt that reached it. They are what the coverage board
// groups by, so that counting 50,000 recipients afresh reads their rows
// alone, not their 200,000 deliveries. Every write of a delivery's state
// or of a contact attempt refreshes them in its own transaction; migration
// 0024 filled them for the rows written before, with the same SQL.
//
// The full coverage and the check before closing do not read them: they
// reduce the deliveries and contacts themselves, which is what the board
// test compares the columns with.

// rankColumnsSQL sets the rank columns of the recipients an UPDATE
// touches from their deliveries and contact attempts.
func rankColumnsSQL(ranks []string) string {
	return `delivery_rank = (SELECT min(` + deliveryRankSQL(ranks) + `) FROM deliveries x
			WHERE x.recipient_id = recipients.id AND ` + notAnswer("x.notice_id") + `),
		contact_rank = (SELECT min(` + contactRankSQL(ranks) + `) FROM contact_attempts a
			WHERE a.recipient_id = recipients.id AND a.incident_id = recipients.incident_id),
		reached_channel = coalesce((SELECT a.channel FROM contact_attempts a
			WHERE a.recipient_id = recipients.id AND a.incident_id = recipients.incident_id AND a.outcome = 'reached'
			ORDER BY a.id DESC LIMIT 1), '')`
}

// refreshRanks recomputes the rank columns of the recipients with the
// given IDs, after a write to their deliveries or contact attempts in tx.
//
// Callers refresh last, after the timeline event: every transaction that
// appends an event locks the incident's head first and the recipients
// after it, in the order of their IDs, so that two writers never wait
// for each other. On PostgreSQL the rows are locked by a statement of
// their own before they are computed: at READ COMMITTED, the UPDATE that
// follows then reads the deliveries as the writer that held the lock left
// them, where an UPDATE that waited for the lock itself would compute from
// what it read before waiting.
func (d *DB) refreshRanks(ctx context.Context, tx *sql.Tx, recipientIDs ...int64) error {
	ids := slices.Compact(slices.Sorted(slices.Values(recipientIDs)))
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	where := `id IN (` + placeholders(len(ids)) + `)`
	exec := d.exec // one recipient, as a message's outcome: prepared once
	if len(ids) > 1 {
		exec = func(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
			return tx.ExecContext(ctx, d.rebind(query), args...)
		}
	}
	if d.postgres {
		if _, err := exec(ctx, tx, `SELECT id FROM recipients WHERE `+where+` ORDER BY id FOR UPDATE`, args...); err != nil {
			return fmt.Errorf("lock recipients to rank: %w", err)
		}
	}
	if _, err := exec(ctx, tx, `UPDATE recipients SET `+rankColumnsSQL(leakdesk.CoverageRanks())+` WHERE `+where, args...); err != nil {
		return fmt.Errorf("rank recipients: %w", err)
	}
	return nil
}
