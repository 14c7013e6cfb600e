package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"sync"

	"github.com/leakdesk/leakdesk"
)

// NoticeService implements leakdesk.NoticeService.
type NoticeService struct {
	db *DB

	mu    sync.Mutex
	cache map[int64]*leakdesk.Notice // notices never change

	// coverage holds each incident's ranked coverage with the incident's
	// event count when it was read: every change of a recipient, a
	// delivery's outcome or a contact attempt appends an event in the
	// same transaction, so an unchanged count is an exact key. (Claiming
	// and releasing a delivery append none, but move it only between
	// queued and sending, which rank the same.)
	covMu    sync.Mutex
	coverage map[int64]cachedCoverage
}

// cachedCoverage is an incident's coverage and its count of people
// outside the audience, each with the event count it was read at (0 for
// none). Older entries are kept until newer ones replace them: a change
// of a few recipients is applied to them (store/coverage.go).
type cachedCoverage struct {
	entries   []*leakdesk.CoverageEntry
	entriesAt int64
	outside   int
	outsideAt int64
	board     *boardCounts
	boardAt   int64
}

var _ leakdesk.NoticeService = (*NoticeService)(nil)

// NewNoticeService returns the notice service backed by db.
func NewNoticeService(db *DB) *NoticeService { return &NoticeService{db: db} }

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
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(n.IncidentID, n.Actor, leakdesk.EventNoticeCreated, n.CreatedAt, leakdesk.NoticeCreatedPayload{
			Notice: n.ID, Campaign: n.Campaign, Kind: n.Kind, Template: n.Template,
			Deliveries: len(ids), FirstNoticesForNewRecipients: late, WithoutAddress: withoutAddress,
		}))
	})
	return out, created, err
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
