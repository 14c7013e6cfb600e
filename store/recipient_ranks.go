package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/leakdesk/leakdesk"
)

// The recipients' rank columns: each recipient row keeps the best rank,
// among leakdesk.CoverageRanks, of what its deliveries (answers left out)
// and its contact attempts show, NULL when none ranks, and the channel of
// its last contact attempt that reached it. They are what the coverage
// board groups by, so that counting 50,000 recipients afresh reads their
// rows alone, not their 200,000 deliveries. Every write of a delivery's
// state or of a contact attempt brings them up to date in its own
// transaction; migration 0024 filled them for the rows written before,
// as refreshRanks does.
//
// The full coverage and the check before closing do not read them: they
// reduce the deliveries and contacts themselves, which is what the board
// test compares the columns with.

// shownRank is the rank of what coverage shows of a delivery in state:
// in flight shows as queued (leakdesk.BestCoverage), so both rank as
// queued, and claiming, releasing or retrying a delivery leaves its
// recipient's rank as it was: a campaign writes the recipient once per
// message, when its outcome is known.
func shownRank(ranks []string, state string) int {
	if i := slices.Index(ranks, leakdesk.BestCoverage(addressOrNone(false), state)); i >= 0 {
		return i
	}
	return slices.Index(ranks, state)
}

// shownRankSQL is shownRank of a delivery's state column in SQL, NULL for
// a state that ranks nowhere.
func shownRankSQL(ranks []string) string {
	rank := "CASE state"
	for _, state := range ranks {
		if i := shownRank(ranks, state); i >= 0 {
			rank += fmt.Sprintf(" WHEN %s THEN %d", sqlString(state), i)
		}
	}
	return rank + " END"
}

// rankColumnsSQL sets the rank columns of the recipients an UPDATE
// touches from their deliveries and contact attempts.
func rankColumnsSQL(ranks []string) string {
	return `delivery_rank = (SELECT min(` + shownRankSQL(ranks) + `) FROM deliveries x
			WHERE x.recipient_id = recipients.id AND ` + notAnswer("x.notice_id") + `),
		contact_rank = (SELECT min(` + contactRankSQL(ranks) + `) FROM contact_attempts a
			WHERE a.recipient_id = recipients.id AND a.incident_id = recipients.incident_id),
		reached_channel = coalesce((SELECT a.channel FROM contact_attempts a
			WHERE a.recipient_id = recipients.id AND a.incident_id = recipients.incident_id AND a.outcome = 'reached'
			ORDER BY a.id DESC LIMIT 1), '')`
}

// Every writer ranks last, after its timeline event, which locks the
// incident's head: the writers of an incident rank one at a time, each
// from the rows as the one before left them, and lock the head first and
// the recipients after it, so that two of them never wait for each other.
// A claim and a release leave the ranks alone.

// refreshRanks recomputes the rank columns of a recipient from its rows,
// after a write to its deliveries or contact attempts in tx.
// On PostgreSQL the row is also locked by a statement of its own before
// it is computed, so that a refresh is right without the head's lock
// too: at READ COMMITTED, the UPDATE that follows reads the deliveries as
// the writer that held the lock left them, where an UPDATE that waited
// for the lock itself would compute from what it read before waiting.
func (d *DB) refreshRanks(ctx context.Context, tx *sql.Tx, recipientID int64) error {
	if d.postgres {
		if _, err := d.exec(ctx, tx, `SELECT id FROM recipients WHERE id = ? FOR NO KEY UPDATE`, recipientID); err != nil {
			return fmt.Errorf("lock recipient %d to rank: %w", recipientID, err)
		}
	}
	if _, err := d.exec(ctx, tx, `UPDATE recipients SET `+rankColumnsSQL(leakdesk.CoverageRanks())+` WHERE id = ?`, recipientID); err != nil {
		return fmt.Errorf("rank recipient %d: %w", recipientID, err)
	}
	return nil
}

// rankDelivery brings the rank of a delivery's recipient up to date after
// the delivery went from state from to state to. A better rank is taken
// where it beats the recipient's (a minimum needs no other delivery, and
// on PostgreSQL the condition is checked again on the row as the writer
// before left it); a worse one, a delivery report that takes back a
// delivery, say, is computed again from every delivery.
func (d *DB) rankDelivery(ctx context.Context, tx *sql.Tx, del *leakdesk.Delivery, from, to string) error {
	ranks := leakdesk.CoverageRanks()
	was, is := shownRank(ranks, from), shownRank(ranks, to)
	switch {
	case is == was:
		return nil
	case is > was:
		return d.refreshRanks(ctx, tx, del.RecipientID)
	}
	if _, err := d.exec(ctx, tx, `UPDATE recipients SET delivery_rank = ?
		WHERE id = ? AND (delivery_rank IS NULL OR delivery_rank > ?) AND `+notAnswer("?"),
		is, del.RecipientID, is, del.NoticeID); err != nil {
		return fmt.Errorf("rank recipient %d: %w", del.RecipientID, err)
	}
	return nil
}

// rankInserted ranks the recipients of deliveries just inserted, queued:
// a recipient without a better rank takes that of a queued delivery.
func (d *DB) rankInserted(ctx context.Context, tx *sql.Tx, deliveryIDs []int64) error {
	queued := shownRank(leakdesk.CoverageRanks(), leakdesk.DeliveryQueued)
	args := []any{queued, queued}
	for _, id := range deliveryIDs {
		args = append(args, id)
	}
	if _, err := tx.ExecContext(ctx, d.rebind(`UPDATE recipients SET delivery_rank = ?
		WHERE (delivery_rank IS NULL OR delivery_rank > ?)
		AND id IN (SELECT recipient_id FROM deliveries x WHERE x.id IN (`+placeholders(len(deliveryIDs))+`) AND `+notAnswer("x.notice_id")+`)`),
		args...); err != nil {
		return fmt.Errorf("rank the recipients of new deliveries: %w", err)
	}
	return nil
}
