package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/leakdesk/leakdesk"
)

// NoticeService implements leakdesk.NoticeService.
type NoticeService struct {
	db *DB

	mu    sync.Mutex
	cache map[int64]*leakdesk.Notice // notices never change
}

var _ leakdesk.NoticeService = (*NoticeService)(nil)

// NewNoticeService returns the notice service backed by db.
func NewNoticeService(db *DB) *NoticeService { return &NoticeService{db: db} }

// waitForEarlierNotice is how long a delivery waits when the recipient's
// earlier notice is still on its way: an update never overtakes the notice
// it follows.
const waitForEarlierNotice = 2 * time.Second

const recipientColumns = `id, incident_id, recipient_key, kind, contact_id, name, organisation, org_id, role, email, phone, language, fields, leak_rows, added_at`

func (s *NoticeService) AddRecipients(ctx context.Context, incidentID int64, actor string, rs []*leakdesk.Recipient) (int, error) {
	for _, r := range rs {
		if r.Key == "" || (r.Kind != leakdesk.RecipientAffected && r.Kind != leakdesk.RecipientFormer && r.Kind != leakdesk.RecipientOther) {
			return 0, leakdesk.Errorf(leakdesk.EINVALID, "recipient %q: a key and a kind (affected, former or other) are required", r.Name)
		}
	}
	added := 0
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, incidentID, true)
		if err != nil {
			return err
		}
		if inc.Status == leakdesk.StatusClosed {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "incident %s is closed", inc.PublicID())
		}
		now := s.db.now()
		// The audience is refreshed at every send: read it once, and write
		// only what is new or changed.
		existing, err := s.db.findRecipients(ctx, tx, `incident_id = ?`, incidentID)
		if err != nil {
			return err
		}
		byKey := make(map[string]*leakdesk.Recipient, len(existing))
		for _, r := range existing {
			byKey[r.Key] = r
		}
		updated := 0
		for _, r := range rs {
			fields, _ := json.Marshal(r.Fields)
			rows, _ := json.Marshal(r.Rows)
			r.IncidentID = incidentID
			old := byKey[r.Key]
			switch {
			case old == nil:
				r.AddedAt = now
				if err := s.db.queryRow(ctx, tx, `
					INSERT INTO recipients (incident_id, recipient_key, kind, contact_id, name, organisation, org_id, role, email, phone, language, fields, leak_rows, added_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
					incidentID, r.Key, r.Kind, r.ContactID, r.Name, r.Organisation, r.OrgID, r.Role, r.Email, r.Phone, r.Language,
					string(fields), string(rows), s.db.timeArg(now)).Scan(&r.ID); err != nil {
					return fmt.Errorf("insert recipient %s: %w", r.Key, err)
				}
				byKey[r.Key] = r
				added++
			case sameRecipient(old, r):
				r.ID, r.AddedAt = old.ID, old.AddedAt
			default:
				// A later matching run or a corrected address refreshes what
				// is known; the deliveries already made keep their address.
				r.ID, r.AddedAt = old.ID, old.AddedAt
				if _, err := s.db.exec(ctx, tx, `
					UPDATE recipients SET name = ?, organisation = ?, org_id = ?, role = ?, email = ?, phone = ?, language = ?, fields = ?, leak_rows = ?
					WHERE id = ?`,
					r.Name, r.Organisation, r.OrgID, r.Role, r.Email, r.Phone, r.Language, string(fields), string(rows), r.ID); err != nil {
					return fmt.Errorf("update recipient %s: %w", r.Key, err)
				}
				updated++
			}
		}
		if added+updated == 0 {
			return nil // nothing new: no event
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventRecipientsAdded, now, map[string]any{
			"added": added, "updated": updated,
		}))
	})
	return added, err
}

func sameRecipient(a, b *leakdesk.Recipient) bool {
	return a.Name == b.Name && a.Organisation == b.Organisation && a.OrgID == b.OrgID && a.Role == b.Role && a.Email == b.Email &&
		a.Phone == b.Phone && a.Language == b.Language && slices.Equal(a.Fields, b.Fields) && slices.Equal(a.Rows, b.Rows)
}

func (s *NoticeService) Recipients(ctx context.Context, incidentID int64) ([]*leakdesk.Recipient, error) {
	var list []*leakdesk.Recipient
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
			return err
		}
		var err error
		list, err = s.db.findRecipients(ctx, tx, `incident_id = ?`, incidentID)
		return err
	})
	return list, err
}

func (d *DB) findRecipients(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*leakdesk.Recipient, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT `+recipientColumns+` FROM recipients WHERE `+where+` ORDER BY id`), args...)
	if err != nil {
		return nil, fmt.Errorf("query recipients: %w", err)
	}
	defer rows.Close()
	var list []*leakdesk.Recipient
	for rows.Next() {
		r, err := scanRecipient(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, r)
	}
	return list, rows.Err()
}

func scanRecipient(row rowScanner) (*leakdesk.Recipient, error) {
	var r leakdesk.Recipient
	var fields, leakRows string
	if err := row.Scan(&r.ID, &r.IncidentID, &r.Key, &r.Kind, &r.ContactID, &r.Name, &r.Organisation, &r.OrgID, &r.Role,
		&r.Email, &r.Phone, &r.Language, &fields, &leakRows, scanTime{&r.AddedAt}); err != nil {
		return nil, fmt.Errorf("scan recipient: %w", err)
	}
	if err := json.Unmarshal([]byte(fields), &r.Fields); err != nil {
		return nil, fmt.Errorf("recipient %d fields: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(leakRows), &r.Rows); err != nil {
		return nil, fmt.Errorf("recipient %d rows: %w", r.ID, err)
	}
	return &r, nil
}

const noticeColumns = `id, incident_id, campaign, kind, template, message, translations, actor, created_at`

func scanNotice(row interface{ Scan(...any) error }) (*leakdesk.Notice, error) {
	var n leakdesk.Notice
	var translations string
	if err := row.Scan(&n.ID, &n.IncidentID, &n.Campaign, &n.Kind, &n.Template, &n.Message, &translations, &n.Actor, scanTime{&n.CreatedAt}); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(translations), &n.Translations); err != nil {
		return nil, fmt.Errorf("notice %d translations: %w", n.ID, err)
	}
	return &n, nil
}

func (s *NoticeService) CreateNotice(ctx context.Context, n *leakdesk.Notice, enqueue leakdesk.EnqueueFunc) (*leakdesk.Notice, bool, error) {
	if n.Campaign == "" || n.Template == "" || n.Actor == "" {
		return nil, false, leakdesk.Errorf(leakdesk.EINVALID, "a notice needs a campaign, a template and an actor")
	}
	if n.Kind != leakdesk.NoticeFirst && n.Kind != leakdesk.NoticeUpdate {
		return nil, false, leakdesk.Errorf(leakdesk.EINVALID, "unknown notice kind %q", n.Kind)
	}
	var out *leakdesk.Notice
	created := false
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, n.IncidentID, true)
		if err != nil {
			return err
		}
		existing, err := s.db.findNotice(ctx, tx, n.IncidentID, n.Campaign)
		if err == nil {
			if existing.Kind != n.Kind {
				return leakdesk.Errorf(leakdesk.ECONFLICT, "campaign %q of %s is already a %s notice", n.Campaign, inc.PublicID(), existing.Kind)
			}
			// Joining resumes the same notice; a different one under the same
			// name would otherwise be silently dropped.
			if existing.Template != n.Template || existing.Message != n.Message || !maps.Equal(existing.Translations, n.Translations) {
				return leakdesk.Errorf(leakdesk.ECONFLICT, "campaign %q of %s was started with another template or text: name a new campaign to send a different notice", n.Campaign, inc.PublicID())
			}
			out = existing
			return nil
		}
		if leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			return err
		}
		if inc.Status == leakdesk.StatusClosed {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "incident %s is closed", inc.PublicID())
		}
		notices, err := s.db.findNotices(ctx, tx, n.IncidentID)
		if err != nil {
			return err
		}
		var first *leakdesk.Notice
		for _, prev := range notices {
			if prev.Kind == leakdesk.NoticeFirst {
				first = prev
				break
			}
		}
		switch {
		case n.Kind == leakdesk.NoticeFirst && first != nil:
			return leakdesk.Errorf(leakdesk.ECONFLICT, "%s already has a first notice (campaign %q): send an update, which also reaches recipients added since", inc.PublicID(), first.Campaign)
		case n.Kind == leakdesk.NoticeUpdate && first == nil:
			return leakdesk.Errorf(leakdesk.ECONFLICT, "%s has no first notice yet: an update follows one", inc.PublicID())
		}

		n.CreatedAt = s.db.now()
		translations, err := json.Marshal(n.Translations)
		if err != nil {
			return fmt.Errorf("encode translations: %w", err)
		}
		if err := tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO notices (incident_id, campaign, kind, template, message, translations, actor, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			n.IncidentID, n.Campaign, n.Kind, n.Template, n.Message, string(translations), n.Actor, s.db.timeArg(n.CreatedAt)).Scan(&n.ID); err != nil {
			return fmt.Errorf("insert notice: %w", err)
		}
		recipients, err := s.db.findRecipients(ctx, tx, `incident_id = ? AND email <> ''`, n.IncidentID)
		if err != nil {
			return err
		}
		var withoutAddress int
		if err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT count(*) FROM recipients WHERE incident_id = ? AND email = ''`), n.IncidentID).Scan(&withoutAddress); err != nil {
			return fmt.Errorf("count recipients without address: %w", err)
		}
		var history map[int64]recipientHistory
		if n.Kind == leakdesk.NoticeUpdate {
			if history, err = s.db.recipientHistories(ctx, tx, n.IncidentID, first.ID); err != nil {
				return err
			}
		}
		var pending []pendingDelivery
		late := 0
		for _, r := range recipients {
			if n.Kind == leakdesk.NoticeUpdate {
				h := history[r.ID]
				if h.bounced {
					continue // their address is known to fail: other channels take over
				}
				if !h.hasFirst {
					// Added since the first notice: they get it before the update.
					pending = append(pending, pendingDelivery{first.ID, r})
					late++
				}
			}
			pending = append(pending, pendingDelivery{n.ID, r})
		}
		ids, err := s.db.insertDeliveries(ctx, tx, pending, n.Domain, n.CreatedAt)
		if err != nil {
			return err
		}
		if err := enqueue(ctx, tx, n.ID, ids); err != nil {
			return fmt.Errorf("enqueue deliveries: %w", err)
		}
		out, created = n, true
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(n.IncidentID, n.Actor, leakdesk.EventNoticeCreated, n.CreatedAt, map[string]any{
			"notice": n.ID, "campaign": n.Campaign, "kind": n.Kind, "template": n.Template,
			"deliveries": len(ids), "first_notices_for_new_recipients": late, "without_address": withoutAddress,
		}))
	})
	return out, created, err
}

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
// order given.
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

func (s *NoticeService) FindNotice(ctx context.Context, incidentID int64, campaign string) (*leakdesk.Notice, error) {
	var n *leakdesk.Notice
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = s.db.findNotice(ctx, tx, incidentID, campaign)
		return err
	})
	return n, err
}

func (d *DB) findNotice(ctx context.Context, tx *sql.Tx, incidentID int64, campaign string) (*leakdesk.Notice, error) {
	n, err := scanNotice(tx.QueryRowContext(ctx, d.rebind(`SELECT `+noticeColumns+` FROM notices WHERE incident_id = ? AND campaign = ?`), incidentID, campaign))
	if err == sql.ErrNoRows {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "%s has no campaign %q", leakdesk.FormatIncidentID(incidentID), campaign)
	}
	if err != nil {
		return nil, fmt.Errorf("find notice: %w", err)
	}
	return n, nil
}

func (s *NoticeService) Notices(ctx context.Context, incidentID int64) ([]*leakdesk.Notice, error) {
	var list []*leakdesk.Notice
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
			return err
		}
		var err error
		list, err = s.db.findNotices(ctx, tx, incidentID)
		return err
	})
	return list, err
}

func (d *DB) findNotices(ctx context.Context, tx *sql.Tx, incidentID int64) ([]*leakdesk.Notice, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT `+noticeColumns+` FROM notices WHERE incident_id = ? ORDER BY id`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("query notices: %w", err)
	}
	defer rows.Close()
	var list []*leakdesk.Notice
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			return nil, fmt.Errorf("scan notice: %w", err)
		}
		list = append(list, n)
	}
	return list, rows.Err()
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

// notice returns a notice by ID. Notices never change once made, so each
// is read once.
func (s *NoticeService) notice(ctx context.Context, tx *sql.Tx, id int64) (*leakdesk.Notice, error) {
	s.mu.Lock()
	n := s.cache[id]
	s.mu.Unlock()
	if n != nil {
		return n, nil
	}
	n, err := scanNotice(s.db.queryRow(ctx, tx, `SELECT `+noticeColumns+` FROM notices WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("read notice %d: %w", id, err)
	}
	s.mu.Lock()
	if s.cache == nil {
		s.cache = map[int64]*leakdesk.Notice{}
	}
	s.cache[id] = n
	s.mu.Unlock()
	return n, nil
}

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
	return s.db.appendEvent(ctx, tx, deliveryEvent(del, changeOf(o.State), o.Detail, now))
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
		ev := deliveryEvent(&delivery{Delivery: del, incidentID: r.IncidentID, recipientKey: r.Key}, "uncertain",
			"an earlier attempt died in flight; resending under the same Message-ID", now)
		if err := s.db.appendEvent(ctx, tx, ev); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// scanAfter lets a scanner of trailing columns (scanRecipient) read a row
// whose leading columns go to lead.
func scanAfter(row rowScanner, lead ...any) rowScanner { return prefixScanner{row, lead} }

type prefixScanner struct {
	row  rowScanner
	lead []any
}

func (p prefixScanner) Scan(dest ...any) error { return p.row.Scan(append(p.lead, dest...)...) }

// deliveryChange is the detail of a delivery event: a struct, not a map,
// since a campaign writes one per message.
type deliveryChange struct {
	Attempt   int    `json:"attempt"`
	Change    string `json:"change"`
	Delivery  int64  `json:"delivery"`
	Detail    string `json:"detail"`
	MessageID string `json:"message_id"`
	Notice    int64  `json:"notice"`
	Recipient string `json:"recipient"`
	State     string `json:"state"`
}

// changeOf names the change to state on the timeline: a delivery queued
// again is a retry.
func changeOf(state string) string {
	if state == leakdesk.DeliveryQueued {
		return "retry"
	}
	return state
}

func deliveryEvent(del *delivery, change, detail string, at time.Time) *leakdesk.Event {
	return leakdesk.NewEvent(del.incidentID, "leakdesk", leakdesk.EventDeliveryChanged, at, deliveryChange{
		Attempt: del.Attempts, Change: change, Delivery: del.ID, Detail: detail, MessageID: del.MessageID,
		Notice: del.NoticeID, Recipient: del.recipientKey, State: del.State,
	})
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
	del.State = state
	return d.appendEvent(ctx, tx, deliveryEvent(del, changeOf(state), detail, now))
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
		if a.At.IsZero() {
			a.At = s.db.now()
		}
		if err := tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO contact_attempts (incident_id, recipient_id, channel, outcome, note, actor, at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			incidentID, a.RecipientID, a.Channel, a.Outcome, a.Note, a.Actor, s.db.timeArg(a.At)).Scan(&a.ID); err != nil {
			return fmt.Errorf("insert contact attempt: %w", err)
		}
		kind := leakdesk.EventContactRecorded
		if a.Channel == "ack" {
			kind = leakdesk.EventAcknowledged
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, a.Actor, kind, a.At, map[string]any{
			"recipient": key, "channel": a.Channel, "outcome": a.Outcome, "note": a.Note,
		}))
	})
}

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
