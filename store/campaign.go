package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/leakdesk/leakdesk"
)

// Acknowledge records that a recipient acknowledged a notice through its
// link, once: the same link followed again changes nothing, and returns
// recorded false. The recipient's row is locked on PostgreSQL (SQLite
// writes one transaction at a time), so that two requests at once cannot
// both record it. Returns ENOTFOUND.
func (s *NoticeService) Acknowledge(ctx context.Context, incidentID, recipientID, noticeID int64, actor string) (recorded bool, err error) {
	note := fmt.Sprintf("notice %d acknowledged through its link", noticeID)
	lock := ""
	if s.db.postgres {
		lock = " FOR UPDATE"
	}
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		var key string
		err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT recipient_key FROM recipients WHERE id = ? AND incident_id = ?`+lock), recipientID, incidentID).Scan(&key)
		if err == sql.ErrNoRows {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "recipient %d not found", recipientID)
		}
		if err != nil {
			return fmt.Errorf("find recipient: %w", err)
		}
		var earlier int
		if err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT COUNT(*) FROM contact_attempts WHERE recipient_id = ? AND channel = 'ack' AND note = ?`),
			recipientID, note).Scan(&earlier); err != nil {
			return fmt.Errorf("find earlier acknowledgement: %w", err)
		}
		if earlier > 0 {
			return nil
		}
		at := s.db.now()
		if _, err := tx.ExecContext(ctx, s.db.rebind(`
			INSERT INTO contact_attempts (incident_id, recipient_id, channel, outcome, note, actor, at)
			VALUES (?, ?, 'ack', 'acknowledged', ?, ?, ?)`),
			incidentID, recipientID, note, actor, s.db.timeArg(at)); err != nil {
			return fmt.Errorf("insert acknowledgement: %w", err)
		}
		recorded = true
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventAcknowledged, at, map[string]any{
			"recipient": key, "channel": "ack", "outcome": "acknowledged", "note": note,
		}))
	})
	return recorded && err == nil, err
}
