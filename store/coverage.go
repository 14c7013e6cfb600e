package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// Coverage: where each recipient of an audience stands, read from the
// recipients, their deliveries and the contact attempts.

func (s *NoticeService) Coverage(ctx context.Context, incidentID int64) ([]*leakdesk.CoverageEntry, error) {
	var out []*leakdesk.CoverageEntry
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
			return err
		}
		var err error
		out, err = s.db.coverage(ctx, tx, incidentID)
		return err
	})
	return out, err
}

// coverage ranks what is known of each recipient: an acknowledgement or
// another channel beats a delivery report, which beats the mail server's
// acceptance. A recipient's state is the best thing known, except that a
// bounce is worse than a bare "sent".
func (d *DB) coverage(ctx context.Context, tx *sql.Tx, incidentID int64) ([]*leakdesk.CoverageEntry, error) {
	recipients, err := d.findRecipients(ctx, tx, `incident_id = ?`, incidentID)
	if err != nil {
		return nil, err
	}
	entries := make(map[int64]*leakdesk.CoverageEntry, len(recipients))
	out := make([]*leakdesk.CoverageEntry, 0, len(recipients))
	for _, r := range recipients {
		e := &leakdesk.CoverageEntry{Recipient: r, State: leakdesk.CoverageNotNotified}
		if r.Email == "" {
			e.State = leakdesk.CoverageNoAddress
		}
		entries[r.ID] = e
		out = append(out, e)
	}
	seen := map[int64]map[string]bool{}
	mark := func(id int64, state string) {
		if seen[id] == nil {
			seen[id] = map[string]bool{}
		}
		seen[id][state] = true
	}
	rows, err := tx.QueryContext(ctx, d.rebind(`
		SELECT d.recipient_id, d.state, d.last_error FROM deliveries d JOIN recipients r ON r.id = d.recipient_id
		WHERE r.incident_id = ? ORDER BY d.notice_id`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("query deliveries: %w", err)
	}
	for rows.Next() {
		var id int64
		var state, lastError string
		if err := rows.Scan(&id, &state, &lastError); err != nil {
			rows.Close()
			return nil, err
		}
		e := entries[id]
		switch state {
		case leakdesk.DeliverySent, leakdesk.DeliveryDone:
			e.Notices++
		case leakdesk.DeliveryQueued, leakdesk.DeliverySending:
			e.Pending++
		}
		if lastError != "" {
			e.LastError = lastError
		}
		mark(id, state)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, d.rebind(`SELECT recipient_id, outcome, note, channel FROM contact_attempts WHERE incident_id = ? ORDER BY id`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("query contact attempts: %w", err)
	}
	for rows.Next() {
		var id int64
		var outcome, note, channel string
		if err := rows.Scan(&id, &outcome, &note, &channel); err != nil {
			rows.Close()
			return nil, err
		}
		switch outcome {
		case "acknowledged":
			mark(id, leakdesk.CoverageAcknowledged)
		case "reached":
			mark(id, leakdesk.CoverageOther)
			entries[id].Channel = channel
		case "waived":
			mark(id, leakdesk.CoverageWaived)
			entries[id].Reason = note
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	order := []string{
		leakdesk.CoverageAcknowledged, leakdesk.CoverageOther, leakdesk.DeliveryDone, leakdesk.DeliveryBounced,
		leakdesk.DeliverySent, leakdesk.CoverageWaived, leakdesk.DeliveryFailed, leakdesk.DeliverySending, leakdesk.DeliveryQueued,
	}
	for _, e := range out {
		for _, state := range order {
			if seen[e.Recipient.ID][state] {
				e.State = state
				break
			}
		}
		if e.State == leakdesk.DeliverySending {
			e.State = leakdesk.CoverageQueued
		}
		if e.State != leakdesk.CoverageOther {
			e.Channel = ""
		}
		e.Next = e.Suggest()
	}
	return out, nil
}

func (s *NoticeService) AffectedOutsideAudience(ctx context.Context, incidentID int64) (int, error) {
	var n int
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = s.db.affectedOutsideAudience(ctx, tx, incidentID)
		return err
	})
	return n, err
}

// affectedOutsideAudience counts the affected contacts of the latest
// findings that no notice can reach yet, because they are not recipients.
func (d *DB) affectedOutsideAudience(ctx context.Context, tx *sql.Tx, incidentID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, d.rebind(`
		SELECT count(*) FROM affected_contacts a
		WHERE a.findings_id = (SELECT max(id) FROM findings WHERE incident_id = ?)
		AND NOT EXISTS (SELECT 1 FROM recipients r WHERE r.incident_id = ? AND r.contact_id = a.contact_id)`),
		incidentID, incidentID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count affected contacts outside the audience: %w", err)
	}
	return n, nil
}

// unreachedBlock explains why an incident cannot close yet, or returns nil
// when everyone is reached or waived with a reason.
func (d *DB) unreachedBlock(ctx context.Context, tx *sql.Tx, inc *leakdesk.Incident) error {
	entries, err := d.coverage(ctx, tx, inc.ID)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if e.Unreached() {
			names = append(names, e.Recipient.Key+" ("+e.State+")")
		}
	}
	outside, err := d.affectedOutsideAudience(ctx, tx, inc.ID)
	if err != nil {
		return err
	}
	if len(names)+outside == 0 {
		return nil
	}
	shown := names[:min(len(names), 5)]
	more := ""
	if len(names) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(names)-len(shown))
	}
	msg := fmt.Sprintf("%s cannot be closed: %d recipient(s) are not reached and have no recorded reason", inc.PublicID(), len(names))
	if len(names) > 0 {
		msg += ": " + strings.Join(shown, ", ") + more
	}
	if outside > 0 {
		msg += fmt.Sprintf("; %d affected contact(s) of the findings were never notified", outside)
	}
	return leakdesk.Errorf(leakdesk.ECONFLICT, "%s. See leakdesk notify coverage %s --unreached; record each call or letter, or the reason, with leakdesk notify log-contact", msg, inc.PublicID())
}
