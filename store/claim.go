package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/leakdesk/leakdesk"
)

// Claiming a delivery for sending and recording its outcome: each message
// is leased to one sender, and every update is fenced by its attempt.

// waitForEarlierNotice is how long a delivery waits when the recipient's
// earlier notice is still on its way: an update never overtakes the notice
// it follows.
const waitForEarlierNotice = 2 * time.Second

// Advance commits without waiting for the disk (see DB.inRelaxedTx): a
// crash of leakdesk loses none of its writes. The outcome and the next
// claim share one transaction, a commit per message. The claim comes
// first: the outcome's timeline event locks the incident's head, which
// every sender of the campaign needs, so that lock is taken last and held
// only until the commit.
func (s *NoticeService) Advance(ctx context.Context, done *leakdesk.Outcome, next int64, lease time.Duration) (*leakdesk.Claim, error) {
	if done != nil {
		switch done.State {
		case leakdesk.DeliverySent, leakdesk.DeliveryFailed, leakdesk.DeliveryQueued, leakdesk.DeliveryBounced:
		default:
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "a claimed delivery cannot end as %q", done.State)
		}
	}
	var c *leakdesk.Claim
	err := s.db.inRelaxedTx(ctx, func(tx *sql.Tx) error {
		c = nil
		if next != 0 {
			var err error
			if c, err = s.claim(ctx, tx, next, lease); err != nil {
				return err
			}
		}
		if done != nil {
			return s.finish(ctx, tx, done)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// finish records an outcome, fenced by the attempt number: a sender whose
// lease ran out and whose delivery another sender took records nothing.
func (s *NoticeService) finish(ctx context.Context, tx *sql.Tx, o *leakdesk.Outcome) error {
	del := &delivery{Delivery: o.Claim.Delivery, incidentID: o.Claim.Notice.IncidentID, recipientKey: o.Claim.Recipient.Key}
	now := s.db.now()
	lastError := o.Detail
	if o.State == leakdesk.DeliverySent {
		lastError = ""
	}
	res, err := s.db.exec(ctx, tx, `
		UPDATE deliveries SET state = ?, last_error = ?, lease_until = NULL, updated_at = ?
		WHERE id = ? AND state = ? AND attempts = ?`,
		o.State, lastError, s.db.timeArg(now), del.ID, leakdesk.DeliverySending, del.Attempts)
	if err != nil {
		return fmt.Errorf("record delivery %d: %w", del.ID, err)
	}
	if err := fenced(res, del.ID, fmt.Sprintf("its outcome (%s) is not recorded", o.State)); err != nil {
		return err
	}
	del.State, del.UpdatedAt, del.LeaseUntil = o.State, now, time.Time{}
	if err := s.db.appendDeliveryEvent(ctx, tx, del, changeOf(o.State), o.Detail, now); err != nil {
		return err
	}
	return s.db.rankDelivery(ctx, tx, del.Delivery, leakdesk.DeliverySending, o.State)
}

func (s *NoticeService) Release(ctx context.Context, c *leakdesk.Claim) error {
	del := c.Delivery
	return s.db.inRelaxedTx(ctx, func(tx *sql.Tx) error {
		res, err := s.db.exec(ctx, tx, `
			UPDATE deliveries SET state = ?, attempts = ?, lease_until = NULL, updated_at = ?
			WHERE id = ? AND state = ? AND attempts = ?`,
			leakdesk.DeliveryQueued, del.Attempts-1, s.db.timeArg(s.db.now()), del.ID, leakdesk.DeliverySending, del.Attempts)
		if err != nil {
			return fmt.Errorf("release delivery %d: %w", del.ID, err)
		}
		return fenced(res, del.ID, "it is not released")
	})
}

// fenced checks the result of an update fenced by a delivery's state and
// attempt number: finding no row means the lease ran out and another
// sender took the delivery, and then the update says what it did not do.
func fenced(res sql.Result, deliveryID int64, notDone string) error {
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return leakdesk.Errorf(leakdesk.ECONFLICT, "delivery %d was taken over by another sender when its lease ran out; %s", deliveryID, notDone)
	}
	return nil
}

// claimColumns read a delivery with its recipient in one query.
const claimColumns = `d.id, d.notice_id, d.recipient_id, d.message_id, d.address, d.state, d.attempts, d.uncertain, d.last_error, d.lease_until, d.updated_at,
	r.id, r.incident_id, r.recipient_key, r.kind, r.contact_id, r.name, r.organisation, r.org_id, r.role, r.email, r.phone, r.language, r.fields, r.leak_rows, r.added_at`

func (s *NoticeService) claim(ctx context.Context, tx *sql.Tx, id int64, lease time.Duration) (*leakdesk.Claim, error) {
	query := `SELECT ` + claimColumns + ` FROM deliveries d JOIN recipients r ON r.id = d.recipient_id WHERE d.id = ?`
	if s.db.postgres {
		query += ` FOR UPDATE OF d`
	}
	row := s.db.queryRow(ctx, tx, query, id)
	del := &leakdesk.Delivery{}
	var r *leakdesk.Recipient
	r, err := scanRecipient(scanAfter(row, &del.ID, &del.NoticeID, &del.RecipientID, &del.MessageID, &del.Address, &del.State,
		&del.Attempts, &del.Uncertain, &del.LastError, scanTime{&del.LeaseUntil}, scanTime{&del.UpdatedAt}))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "no delivery %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read delivery %d: %w", id, err)
	}
	c := &leakdesk.Claim{Delivery: del, Recipient: r}
	now := s.db.now()
	switch del.State {
	case leakdesk.DeliveryQueued:
	case leakdesk.DeliverySending:
		if del.LeaseUntil.After(now) {
			c.Wait = del.LeaseUntil.Sub(now)
			return c, nil
		}
		c.Resent = true
	default:
		return c, nil // already sent or given up: nothing to do
	}
	if c.Notice, err = s.notice(ctx, tx, del.NoticeID); err != nil {
		return nil, err
	}
	if c.Notice.Kind == leakdesk.NoticeUpdate {
		// An update never overtakes the notice it follows.
		var waiting int
		if err := s.db.queryRow(ctx, tx, `
			SELECT count(*) FROM deliveries WHERE recipient_id = ? AND notice_id < ? AND state IN (?, ?)`,
			del.RecipientID, del.NoticeID, leakdesk.DeliveryQueued, leakdesk.DeliverySending).Scan(&waiting); err != nil {
			return nil, fmt.Errorf("check earlier notices: %w", err)
		}
		if waiting > 0 {
			c.Wait, c.Resent = waitForEarlierNotice, false
			return c, nil
		}
	}
	del.State, del.Attempts, del.LeaseUntil, del.UpdatedAt = leakdesk.DeliverySending, del.Attempts+1, now.Add(lease), now
	if c.Resent {
		del.Uncertain++
	}
	if _, err := s.db.exec(ctx, tx, `
		UPDATE deliveries SET state = ?, attempts = ?, uncertain = ?, lease_until = ?, updated_at = ? WHERE id = ?`,
		del.State, del.Attempts, del.Uncertain, s.db.timeArg(del.LeaseUntil), s.db.timeArg(now), del.ID); err != nil {
		return nil, fmt.Errorf("claim delivery: %w", err)
	}
	if c.Resent {
		// The message may have arrived before the sender died: the timeline
		// says so, and the copy goes under the same Message-ID.
		if err := s.db.appendDeliveryEvent(ctx, tx, &delivery{Delivery: del, incidentID: r.IncidentID, recipientKey: r.Key}, "uncertain",
			"an earlier attempt died in flight; resending under the same Message-ID", now); err != nil {
			return nil, err
		}
	}
	return c, nil
}
