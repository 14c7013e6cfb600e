package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
)

// The contact_attempts table: calls, letters, meetings and
// acknowledgements, outside the e-mail queue.

func (s *NoticeService) RecordContact(ctx context.Context, a *leakdesk.ContactAttempt) error {
	if _, ok := leakdesk.ContactOutcomes[a.Outcome]; !ok {
		return leakdesk.Errorf(leakdesk.EINVALID, "unknown outcome %q: want one of %s", a.Outcome, strings.Join(slices.Sorted(maps.Keys(leakdesk.ContactOutcomes)), ", "))
	}
	if !slices.Contains(leakdesk.ContactChannels, a.Channel) {
		return leakdesk.Errorf(leakdesk.EINVALID, "unknown channel %q: want one of %s", a.Channel, strings.Join(leakdesk.ContactChannels, ", "))
	}
	if a.Outcome == "waived" && strings.TrimSpace(a.Note) == "" {
		return leakdesk.Errorf(leakdesk.EINVALID, "a waived contact needs the reason, in --note")
	}
	if a.Actor == "" {
		return leakdesk.Errorf(leakdesk.EINVALID, "a contact attempt needs an actor")
	}
	if err := leakdesk.CheckContactActor(a.Channel, a.Actor); err != nil {
		return err
	}
	if now := s.db.now(); a.At.After(now.Add(time.Minute)) {
		return leakdesk.Errorf(leakdesk.EINVALID, "a contact cannot be recorded before it happens: %s is in the future (it is now %s)", a.At.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var incidentID int64
		var key string
		err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT incident_id, recipient_key FROM recipients WHERE id = ?`), a.RecipientID).Scan(&incidentID, &key)
		if err == sql.ErrNoRows || (err == nil && a.IncidentID != 0 && incidentID != a.IncidentID) {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "recipient %d not found", a.RecipientID)
		}
		if err != nil {
			return fmt.Errorf("find recipient: %w", err)
		}
		a.IncidentID = incidentID
		if err := s.db.lockIncident(ctx, tx, incidentID); err != nil {
			return err
		}
		if a.At.IsZero() {
			a.At = s.db.now()
		}
		return s.insertContact(ctx, tx, key, a)
	})
}

// contactOutcomes reads every contact attempt of an incident, in the
// order they were recorded, for coverage and the check against the
// timeline.
func (d *DB) contactOutcomes(ctx context.Context, tx *sql.Tx, incidentID int64) ([]*leakdesk.ContactAttempt, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT id, recipient_id, outcome, note, channel, actor, at FROM contact_attempts WHERE incident_id = ? ORDER BY id`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("query contact attempts: %w", err)
	}
	defer rows.Close()
	var list []*leakdesk.ContactAttempt
	for rows.Next() {
		a := &leakdesk.ContactAttempt{IncidentID: incidentID}
		if err := rows.Scan(&a.ID, &a.RecipientID, &a.Outcome, &a.Note, &a.Channel, &a.Actor, scanTime{&a.At}); err != nil {
			return nil, fmt.Errorf("scan contact attempt: %w", err)
		}
		list = append(list, a)
	}
	return list, rows.Err()
}

// Acknowledge records that a recipient acknowledged a notice through its
// link, once: the same link followed again changes nothing, and returns
// recorded false. The incident's row is locked on PostgreSQL (SQLite
// writes one transaction at a time), so that two requests at once cannot
// both record it. It is the incident's row, which the acknowledgement's
// event locks anyway, and not the recipient's: a transaction that holds
// a recipient and waits for the incident could deadlock with one that
// ranks that recipient (see refreshRanks). Returns ENOTFOUND.
func (s *NoticeService) Acknowledge(ctx context.Context, incidentID, recipientID, noticeID int64, actor string) (recorded bool, err error) {
	if err := leakdesk.CheckContactActor("ack", actor); err != nil {
		return false, err
	}
	a := &leakdesk.ContactAttempt{IncidentID: incidentID, RecipientID: recipientID, NoticeID: noticeID, Channel: "ack", Outcome: "acknowledged",
		Note: fmt.Sprintf("notice %d acknowledged through its link", noticeID), Actor: actor}
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.db.lockIncident(ctx, tx, incidentID); err != nil {
			return err
		}
		var key string
		err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT recipient_key FROM recipients WHERE id = ? AND incident_id = ?`), recipientID, incidentID).Scan(&key)
		if err == sql.ErrNoRows {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "recipient %d not found", recipientID)
		}
		if err != nil {
			return fmt.Errorf("find recipient: %w", err)
		}
		// By the notice, which erasure leaves alone (the note becomes
		// "erased"); by the note for acknowledgements recorded before
		// contact_attempts had a notice_id.
		var earlier int
		if err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT COUNT(*) FROM contact_attempts
			WHERE recipient_id = ? AND channel = 'ack' AND (notice_id = ? OR (notice_id = 0 AND note = ?))`),
			recipientID, noticeID, a.Note).Scan(&earlier); err != nil {
			return fmt.Errorf("find earlier acknowledgement: %w", err)
		}
		if earlier > 0 {
			return nil
		}
		a.At, recorded = s.db.now(), true
		return s.insertContact(ctx, tx, key, a)
	})
	return recorded && err == nil, err
}

// lockIncident locks the incident's row on PostgreSQL before a row that
// refers to it is inserted (a contact, a sealed personal value). The
// insert holds a key-share lock on the incident's row (the foreign key)
// until the commit, and the event then locks the row for update: taken
// in that order, two writers of the incident, each waiting for the other
// to let go, deadlock. (SQLite writes one transaction at a time.)
func (d *DB) lockIncident(ctx context.Context, tx *sql.Tx, incidentID int64) error {
	if !d.postgres {
		return nil
	}
	if _, err := d.exec(ctx, tx, `SELECT id FROM incidents WHERE id = ? FOR UPDATE`, incidentID); err != nil {
		return fmt.Errorf("lock incident %d: %w", incidentID, err)
	}
	return nil
}

// insertContact adds the attempt a, after lockIncident, for the recipient whose key is key,
// and its event on the timeline: an acknowledgement or a contact.
func (s *NoticeService) insertContact(ctx context.Context, tx *sql.Tx, key string, a *leakdesk.ContactAttempt) error {
	if err := tx.QueryRowContext(ctx, s.db.rebind(`
		INSERT INTO contact_attempts (incident_id, recipient_id, notice_id, channel, outcome, note, actor, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		a.IncidentID, a.RecipientID, a.NoticeID, a.Channel, a.Outcome, a.Note, a.Actor, s.db.timeArg(a.At)).Scan(&a.ID); err != nil {
		return fmt.Errorf("insert contact attempt: %w", err)
	}
	kind := leakdesk.EventContactRecorded
	if a.Channel == "ack" {
		kind = leakdesk.EventAcknowledged
	}
	note, err := s.db.sealPersonal(ctx, tx, a.IncidentID, key, a.Note)
	if err != nil {
		return err
	}
	if err := s.db.appendEvent(ctx, tx, leakdesk.NewEvent(a.IncidentID, a.Actor, kind, a.At, leakdesk.ContactRecordedPayload{
		Recipient: key, Channel: a.Channel, Outcome: a.Outcome, Note: note,
	})); err != nil {
		return err
	}
	return s.db.refreshRanks(ctx, tx, a.RecipientID)
}
