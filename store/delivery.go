package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
)

// The deliveries table: one row per notice and recipient, the outbox that
// senders work through.

// recipientHistory says whether a recipient's address bounced or failed
// before, and whether they have a delivery of the first notice.
type recipientHistory struct{ bounced, hasFirst bool }

// recipientHistories reads the history of every recipient of an incident
// who has a delivery, in one query.
func (d *DB) recipientHistories(ctx context.Context, tx *sql.Tx, incidentID, firstNoticeID int64) (map[int64]recipientHistory, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`
		SELECT d.recipient_id,
			SUM(CASE WHEN d.state IN (?, ?) THEN 1 ELSE 0 END),
			SUM(CASE WHEN d.notice_id = ? THEN 1 ELSE 0 END)
		FROM deliveries d JOIN recipients r ON r.id = d.recipient_id
		WHERE r.incident_id = ?
		GROUP BY d.recipient_id`),
		leakdesk.DeliveryBounced, leakdesk.DeliveryFailed, firstNoticeID, incidentID)
	if err != nil {
		return nil, fmt.Errorf("read deliveries of recipients: %w", err)
	}
	defer rows.Close()
	history := map[int64]recipientHistory{}
	for rows.Next() {
		var id, bounced, first int64
		if err := rows.Scan(&id, &bounced, &first); err != nil {
			return nil, fmt.Errorf("read deliveries of recipients: %w", err)
		}
		history[id] = recipientHistory{bounced: bounced > 0, hasFirst: first > 0}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read deliveries of recipients: %w", err)
	}
	return history, nil
}

// pendingDelivery is a delivery about to be inserted.
type pendingDelivery struct {
	noticeID  int64
	recipient *leakdesk.Recipient
}

// deliveryRowsPerInsert bounds one INSERT to 6 × 500 parameters, well
// within both databases' limits; a campaign of 20,000 makes 40 statements,
// not 20,000 round trips.
const deliveryRowsPerInsert = 500

// insertDeliveries inserts queued deliveries and returns their IDs in the
// order given, and ranks their recipients (see rankInserted). The caller
// holds the incident's row.
func (d *DB) insertDeliveries(ctx context.Context, tx *sql.Tx, pending []pendingDelivery, domain string, now time.Time) ([]int64, error) {
	ids := make([]int64, 0, len(pending))
	for start := 0; start < len(pending); start += deliveryRowsPerInsert {
		chunk := pending[start:min(start+deliveryRowsPerInsert, len(pending))]
		var query strings.Builder
		query.WriteString(`INSERT INTO deliveries (notice_id, recipient_id, message_id, address, state, updated_at) VALUES `)
		args := make([]any, 0, 6*len(chunk))
		for i, p := range chunk {
			if i > 0 {
				query.WriteString(", ")
			}
			query.WriteString("(?, ?, ?, ?, ?, ?)")
			args = append(args, p.noticeID, p.recipient.ID, newMessageID(p.noticeID, p.recipient.ID, domain), p.recipient.Email,
				leakdesk.DeliveryQueued, d.timeArg(now))
		}
		// RETURNING promises no order: rows are matched back by their
		// unique (notice, recipient) pair.
		query.WriteString(` RETURNING id, notice_id, recipient_id`)
		rows, err := tx.QueryContext(ctx, d.rebind(query.String()), args...)
		if err != nil {
			return nil, fmt.Errorf("insert deliveries: %w", err)
		}
		inserted := make(map[[2]int64]int64, len(chunk))
		for rows.Next() {
			var id, noticeID, recipientID int64
			if err := rows.Scan(&id, &noticeID, &recipientID); err != nil {
				rows.Close()
				return nil, fmt.Errorf("insert deliveries: %w", err)
			}
			inserted[[2]int64{noticeID, recipientID}] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("insert deliveries: %w", err)
		}
		for _, p := range chunk {
			id, ok := inserted[[2]int64{p.noticeID, p.recipient.ID}]
			if !ok {
				return nil, fmt.Errorf("insert delivery for recipient %s: no row came back", p.recipient.Key)
			}
			ids = append(ids, id)
		}
		if err := d.rankInserted(ctx, tx, ids[start:]); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// newMessageID makes the Message-ID that identifies a delivery for good:
// every attempt sends it, so that a copy resent after a crash is known by
// mail systems and by us as the same message. The random part keeps it
// unique across installations; the right side is the sender's domain.
func newMessageID(noticeID, recipientID int64, domain string) string {
	var b [8]byte
	rand.Read(b[:])
	if domain == "" {
		domain = "leakdesk.invalid"
	}
	return fmt.Sprintf("<n%d.r%d.%s@%s>", noticeID, recipientID, hex.EncodeToString(b[:]), domain)
}

// unfinished selects the deliveries still queued or in flight of a notice
// and of the incident's earlier notices (an update queues the first notice
// for recipients added since), notice by notice on the (notice_id,
// recipient_id) index. Arguments: the notice, then the two states.
const unfinished = `notice_id IN (SELECT n.id FROM notices n JOIN notices this ON this.incident_id = n.incident_id WHERE this.id = ? AND n.id <= this.id)
	AND state IN (?, ?)`

func (s *NoticeService) Unfinished(ctx context.Context, noticeID int64) ([]int64, error) {
	var ids []int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.db.rebind(`SELECT id FROM deliveries WHERE `+unfinished+` ORDER BY notice_id, id`),
			noticeID, leakdesk.DeliveryQueued, leakdesk.DeliverySending)
		if err != nil {
			return fmt.Errorf("query unfinished deliveries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	return ids, err
}

func (s *NoticeService) Pending(ctx context.Context, noticeID int64) (int, error) {
	var n int
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		// Polled while a campaign runs.
		return tx.QueryRowContext(ctx, s.db.rebind(`SELECT count(*) FROM deliveries WHERE `+unfinished),
			noticeID, leakdesk.DeliveryQueued, leakdesk.DeliverySending).Scan(&n)
	})
	return n, err
}

func (s *NoticeService) Resent(ctx context.Context, noticeID int64) (int, error) {
	var n int
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, s.db.rebind(`SELECT COALESCE(SUM(uncertain), 0) FROM deliveries WHERE notice_id = ?`), noticeID).Scan(&n)
	})
	return n, err
}

func (s *NoticeService) Progress(ctx context.Context, noticeID int64) (leakdesk.Progress, error) {
	p := leakdesk.Progress{}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.db.rebind(`SELECT state, count(*) FROM deliveries WHERE notice_id = ? GROUP BY state`), noticeID)
		if err != nil {
			return fmt.Errorf("count deliveries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var state string
			var n int
			if err := rows.Scan(&state, &n); err != nil {
				return err
			}
			p[state] = n
		}
		return rows.Err()
	})
	return p, err
}

const deliveryColumns = `d.id, d.notice_id, d.recipient_id, d.message_id, d.address, d.state, d.attempts, d.uncertain, d.last_error, d.lease_until, d.updated_at, r.incident_id, r.recipient_key`

// delivery is a delivery row with what its events name: the incident and
// the recipient's key.
type delivery struct {
	*leakdesk.Delivery
	incidentID   int64
	recipientKey string
}

func (d *DB) findDelivery(ctx context.Context, tx *sql.Tx, where string, arg any) (*delivery, error) {
	query := `SELECT ` + deliveryColumns + ` FROM deliveries d JOIN recipients r ON r.id = d.recipient_id WHERE ` + where
	if d.postgres {
		query += ` FOR UPDATE OF d`
	}
	del := &delivery{Delivery: &leakdesk.Delivery{}}
	err := d.queryRow(ctx, tx, query, arg).Scan(&del.ID, &del.NoticeID, &del.RecipientID, &del.MessageID, &del.Address, &del.State,
		&del.Attempts, &del.Uncertain, &del.LastError, scanTime{&del.LeaseUntil}, scanTime{&del.UpdatedAt}, &del.incidentID, &del.recipientKey)
	if err == sql.ErrNoRows {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "no delivery %v", arg)
	}
	if err != nil {
		return nil, fmt.Errorf("find delivery: %w", err)
	}
	return del, nil
}

// changeOf names the change to state on the timeline: a delivery queued
// again is a retry.
func changeOf(state string) string {
	if state == leakdesk.DeliveryQueued {
		return "retry"
	}
	return state
}

// appendDeliveryEvent records a change of del on the timeline. The detail
// is the mail server's answer, which may quote the address: it is held by
// reference, about the recipient.
func (d *DB) appendDeliveryEvent(ctx context.Context, tx *sql.Tx, del *delivery, change, detail string, at time.Time) error {
	if detail != "" {
		// The sealed detail's row holds the incident's row by its key
		// until the commit, before the event locks it (see lockIncident).
		if err := d.lockIncident(ctx, tx, del.incidentID); err != nil {
			return err
		}
	}
	sealed, err := d.sealPersonal(ctx, tx, del.incidentID, del.recipientKey, detail)
	if err != nil {
		return err
	}
	return d.appendEvent(ctx, tx, leakdesk.NewEvent(del.incidentID, "leakdesk", leakdesk.EventDeliveryChanged, at, leakdesk.DeliveryChangedPayload{
		Attempt: del.Attempts, Change: change, Delivery: del.ID, Detail: sealed, MessageID: del.MessageID,
		Notice: del.NoticeID, Recipient: del.recipientKey, State: del.State,
	}))
}

func (d *DB) changeDelivery(ctx context.Context, tx *sql.Tx, del *delivery, state, detail string) error {
	now := d.now()
	lastError := detail
	if state == leakdesk.DeliverySent || state == leakdesk.DeliveryDone {
		lastError = ""
	}
	if _, err := d.exec(ctx, tx, `UPDATE deliveries SET state = ?, last_error = ?, lease_until = NULL, updated_at = ? WHERE id = ?`,
		state, lastError, d.timeArg(now), del.ID); err != nil {
		return fmt.Errorf("update delivery: %w", err)
	}
	from := del.State
	del.State = state
	if err := d.appendDeliveryEvent(ctx, tx, del, changeOf(state), detail, now); err != nil {
		return err
	}
	return d.rankDelivery(ctx, tx, del.Delivery, from, state)
}

func (s *NoticeService) ReportDelivery(ctx context.Context, messageID string, recipients []string, state, detail string) (*leakdesk.Delivery, error) {
	if state != leakdesk.DeliveryDone && state != leakdesk.DeliveryBounced {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "a delivery report says delivered or bounced, not %q", state)
	}
	var del *leakdesk.Delivery
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		found, err := s.db.findDelivery(ctx, tx, `d.message_id = ?`, messageID)
		if leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "no notice was sent with Message-ID %s", messageID)
		}
		if err != nil {
			return err
		}
		del = found.Delivery
		if !slices.ContainsFunc(recipients, func(a string) bool { return strings.EqualFold(strings.TrimSpace(a), del.Address) }) {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "the delivery report on %s names %s, not its recipient: refused", messageID, strings.Join(recipients, ", "))
		}
		if del.State == state {
			return nil // the same report read twice
		}
		return s.db.changeDelivery(ctx, tx, found, state, detail)
	})
	return del, err
}

// deliveryStates reads the state and last error of every delivery of an
// incident, in the order of their notices, for coverage, with what their
// events name, for the check against the timeline.
func (d *DB) deliveryStates(ctx context.Context, tx *sql.Tx, incidentID int64) ([]*leakdesk.Delivery, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`
		SELECT d.id, d.notice_id, d.recipient_id, d.message_id, d.state, d.last_error FROM deliveries d JOIN recipients r ON r.id = d.recipient_id
		WHERE r.incident_id = ? ORDER BY d.notice_id`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("query deliveries: %w", err)
	}
	defer rows.Close()
	var list []*leakdesk.Delivery
	for rows.Next() {
		del := &leakdesk.Delivery{}
		if err := rows.Scan(&del.ID, &del.NoticeID, &del.RecipientID, &del.MessageID, &del.State, &del.LastError); err != nil {
			return nil, fmt.Errorf("scan delivery: %w", err)
		}
		list = append(list, del)
	}
	return list, rows.Err()
}
