package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/auth"
)

// PortalPrefix marks a portal link's secret.
const PortalPrefix = "ldp_"

// PortalService implements leakdesk.PortalService.
type PortalService struct {
	db   *DB
	keys sync.Map // incident ID -> its portal key, as read

	prepare sync.Once
	live    *sql.Stmt // the organisation's links not withdrawn
	liveErr error
}

// NewPortalService returns the portal's links and questions on db.
func NewPortalService(db *DB) *PortalService { return &PortalService{db: db} }

var _ leakdesk.PortalService = (*PortalService)(nil)

const portalLinkColumns = `id, incident_id, org_id, organisation, generation, created_by, created_at, expires_at, revoked_at`

func scanPortalLink(row rowScanner) (*leakdesk.PortalLink, error) {
	var l leakdesk.PortalLink
	if err := row.Scan(&l.ID, &l.IncidentID, &l.OrgID, &l.Organisation, &l.Generation, &l.CreatedBy,
		scanTime{&l.CreatedAt}, scanTime{&l.ExpiresAt}, scanTime{&l.RevokedAt}); err != nil {
		return nil, err
	}
	return &l, nil
}

func checkPortalLifetime(lifetime time.Duration) error {
	if lifetime <= 0 || lifetime > leakdesk.MaxPortalLifetime {
		return leakdesk.Errorf(leakdesk.EINVALID, "a portal link lasts more than nothing and at most %s, not %s", leakdesk.MaxPortalLifetime, lifetime)
	}
	return nil
}

func (s *PortalService) IssuePortalLink(ctx context.Context, incidentID int64, orgID string, lifetime time.Duration, actor string) (*leakdesk.PortalLink, string, error) {
	if err := checkPortalLifetime(lifetime); err != nil {
		return nil, "", err
	}
	var l *leakdesk.PortalLink
	var secret string
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, true); err != nil {
			return err
		}
		// The organisation's name is that of its recipients: a link is only
		// made for an organisation whose people the incident concerns.
		var organisation string
		err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT organisation FROM recipients WHERE incident_id = ? AND org_id = ? AND org_id <> '' ORDER BY id LIMIT 1`),
			incidentID, orgID).Scan(&organisation)
		if err == sql.ErrNoRows {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "no recipient of %s belongs to organisation %q", leakdesk.FormatIncidentID(incidentID), orgID)
		}
		if err != nil {
			return fmt.Errorf("find organisation: %w", err)
		}
		l, secret, err = s.db.issuePortalLink(ctx, tx, incidentID, orgID, organisation, lifetime, actor)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return l, secret, nil
}

// issuePortalLink withdraws the organisation's links and makes one of the
// next generation. The caller holds the incident's row.
func (d *DB) issuePortalLink(ctx context.Context, tx *sql.Tx, incidentID int64, orgID, organisation string, lifetime time.Duration, actor string) (*leakdesk.PortalLink, string, error) {
	now := d.now()
	links, err := d.findPortalLinks(ctx, tx, `incident_id = ? AND org_id = ?`, incidentID, orgID)
	if err != nil {
		return nil, "", err
	}
	l := &leakdesk.PortalLink{IncidentID: incidentID, OrgID: orgID, Organisation: organisation, Generation: 1, CreatedBy: actor, CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	for _, old := range links {
		l.Generation = max(l.Generation, old.Generation+1)
		if err := d.revokePortalLink(ctx, tx, old, actor); err != nil {
			return nil, "", err
		}
	}
	key, err := d.portalKey(ctx, tx, incidentID)
	if err != nil {
		return nil, "", err
	}
	secret := portalSecret(key, incidentID, orgID, l.Generation)
	if err := tx.QueryRowContext(ctx, d.rebind(`
		INSERT INTO portal_links (incident_id, org_id, organisation, generation, secret_hash, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		incidentID, orgID, organisation, l.Generation, auth.SecretHash(secret), actor, d.timeArg(now), d.timeArg(l.ExpiresAt)).Scan(&l.ID); err != nil {
		return nil, "", fmt.Errorf("insert portal link: %w", err)
	}
	if err := d.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventPortalLinkIssued, now,
		leakdesk.PortalLinkPayload{ExpiresAt: l.ExpiresAt, LinkID: l.ID, OrgID: orgID})); err != nil {
		return nil, "", err
	}
	return l, secret, nil
}

func (s *PortalService) EnsurePortalLinks(ctx context.Context, incidentID int64, lifetime time.Duration, actor string) (issued int, err error) {
	if err := checkPortalLifetime(lifetime); err != nil {
		return 0, err
	}
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		issued = 0
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, true); err != nil {
			return err
		}
		links, err := s.db.findPortalLinks(ctx, tx, `incident_id = ?`, incidentID)
		if err != nil {
			return err
		}
		now := s.db.now()
		live := map[string]bool{}
		for _, l := range links {
			live[l.OrgID] = live[l.OrgID] || (l.Generation > 0 && l.Live(now))
		}
		rows, err := tx.QueryContext(ctx, s.db.rebind(`SELECT org_id, min(organisation) FROM recipients WHERE incident_id = ? AND org_id <> '' GROUP BY org_id ORDER BY org_id`), incidentID)
		if err != nil {
			return fmt.Errorf("query the organisations: %w", err)
		}
		var missing [][2]string
		for rows.Next() {
			var org [2]string
			if err := rows.Scan(&org[0], &org[1]); err != nil {
				rows.Close()
				return fmt.Errorf("scan organisation: %w", err)
			}
			if !live[org[0]] {
				missing = append(missing, org)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read the organisations: %w", err)
		}
		for _, org := range missing {
			if err := ctx.Err(); err != nil {
				return err
			}
			if _, _, err := s.db.issuePortalLink(ctx, tx, incidentID, org[0], org[1], lifetime, actor); err != nil {
				return err
			}
			issued++
		}
		return nil
	})
	return issued, err
}

// LivePortalLink is read for every message with an organisation, beside
// the sender's own transactions: it reads without one, so that it never
// queues behind SQLite's writer, and keeps each incident's key once read,
// since a key never changes once stored.
func (s *PortalService) LivePortalLink(ctx context.Context, incidentID int64, orgID string) (*leakdesk.PortalLink, string, error) {
	links, err := s.liveLinks(ctx, incidentID, orgID)
	if err != nil {
		return nil, "", s.db.wrap(err)
	}
	now := s.db.now()
	i := slices.IndexFunc(links, func(l *leakdesk.PortalLink) bool { return l.Live(now) })
	if i < 0 {
		return nil, "", leakdesk.Errorf(leakdesk.ENOTFOUND, "organisation %q of %s has no live portal link", orgID, leakdesk.FormatIncidentID(incidentID))
	}
	key, err := s.key(ctx, incidentID)
	if err != nil {
		return nil, "", err
	}
	return links[i], portalSecret(key, incidentID, orgID, links[i].Generation), nil
}

// liveLinks lists the organisation's derived links not withdrawn, with a
// statement prepared once: parsing it again for every message cost more
// than running it.
func (s *PortalService) liveLinks(ctx context.Context, incidentID int64, orgID string) ([]*leakdesk.PortalLink, error) {
	s.prepare.Do(func() {
		s.live, s.liveErr = s.db.db.PrepareContext(context.WithoutCancel(ctx), s.db.rebind(`SELECT `+portalLinkColumns+` FROM portal_links
			WHERE incident_id = ? AND org_id = ? AND generation > 0 AND revoked_at IS NULL ORDER BY id DESC`))
	})
	if s.liveErr != nil {
		return nil, fmt.Errorf("prepare the live links' query: %w", s.liveErr)
	}
	rows, err := s.live.QueryContext(ctx, incidentID, orgID)
	if err != nil {
		return nil, fmt.Errorf("query portal links: %w", err)
	}
	return scanPortalLinks(rows)
}

// key returns the incident's portal key, read once. A live link exists,
// so the key was stored with it.
func (s *PortalService) key(ctx context.Context, incidentID int64) ([]byte, error) {
	if key, ok := s.keys.Load(incidentID); ok {
		return key.([]byte), nil
	}
	var key []byte
	if err := s.db.db.QueryRowContext(ctx, s.db.rebind(`SELECT link_key FROM portal_keys WHERE incident_id = ?`), incidentID).Scan(&key); err != nil {
		return nil, s.db.wrap(fmt.Errorf("read the portal key: %w", err))
	}
	s.keys.Store(incidentID, key)
	return key, nil
}

func (s *PortalService) RevokePortalLink(ctx context.Context, incidentID, linkID int64, actor string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		links, err := s.db.findPortalLinks(ctx, tx, `id = ? AND incident_id = ?`, linkID, incidentID)
		if err != nil {
			return err
		}
		if len(links) == 0 {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "portal link %d of %s not found", linkID, leakdesk.FormatIncidentID(incidentID))
		}
		return s.db.revokePortalLink(ctx, tx, links[0], actor)
	})
}

// revokePortalLink withdraws l, unless it was already.
func (d *DB) revokePortalLink(ctx context.Context, tx *sql.Tx, l *leakdesk.PortalLink, actor string) error {
	if !l.RevokedAt.IsZero() {
		return nil
	}
	now := d.now()
	if _, err := d.exec(ctx, tx, `UPDATE portal_links SET revoked_at = ? WHERE id = ?`, d.timeArg(now), l.ID); err != nil {
		return fmt.Errorf("revoke portal link: %w", err)
	}
	l.RevokedAt = now
	return d.appendEvent(ctx, tx, leakdesk.NewEvent(l.IncidentID, actor, leakdesk.EventPortalLinkRevoked, now,
		leakdesk.PortalLinkPayload{ExpiresAt: l.ExpiresAt, LinkID: l.ID, OrgID: l.OrgID}))
}

func (s *PortalService) PortalLinks(ctx context.Context, incidentID int64) ([]*leakdesk.PortalLink, error) {
	var list []*leakdesk.PortalLink
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		list, err = s.db.findPortalLinks(ctx, tx, `incident_id = ?`, incidentID)
		return err
	})
	return list, err
}

// findPortalLinks lists the links where says, newest first.
func (d *DB) findPortalLinks(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*leakdesk.PortalLink, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT `+portalLinkColumns+` FROM portal_links WHERE `+where+` ORDER BY id DESC`), args...)
	if err != nil {
		return nil, fmt.Errorf("query portal links: %w", err)
	}
	return scanPortalLinks(rows)
}

func scanPortalLinks(rows *sql.Rows) ([]*leakdesk.PortalLink, error) {
	defer rows.Close()
	var list []*leakdesk.PortalLink
	for rows.Next() {
		l, err := scanPortalLink(rows)
		if err != nil {
			return nil, fmt.Errorf("scan portal link: %w", err)
		}
		list = append(list, l)
	}
	return list, rows.Err()
}

func (s *PortalService) OpenPortal(ctx context.Context, secret string) (*leakdesk.PortalLink, error) {
	refused := leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "this link does not open any page: it may have expired or been withdrawn")
	if !auth.HasPrefix(secret, PortalPrefix) {
		return nil, refused
	}
	var l *leakdesk.PortalLink
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		l, err = scanPortalLink(s.db.queryRow(ctx, tx, `SELECT `+portalLinkColumns+` FROM portal_links WHERE secret_hash = ?`, auth.SecretHash(secret)))
		switch {
		case err == sql.ErrNoRows:
			return refused
		case err != nil:
			return fmt.Errorf("find portal link: %w", err)
		case !l.Live(s.db.now()):
			return refused
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// PortalPage reads everything by the link's incident and organisation,
// which come from the stored link: no query here takes another.
func (s *PortalService) PortalPage(ctx context.Context, l *leakdesk.PortalLink) (*leakdesk.PortalView, error) {
	v := &leakdesk.PortalView{Incident: leakdesk.FormatIncidentID(l.IncidentID), OrgID: l.OrgID, Organisation: l.Organisation, ExpiresAt: l.ExpiresAt}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if v.People, err = s.db.portalPeople(ctx, tx, l); err != nil {
			return err
		}
		if v.Facts, err = s.db.publicFacts(ctx, tx, l.IncidentID); err != nil {
			return err
		}
		if v.Notices, err = s.db.portalNotices(ctx, tx, l); err != nil {
			return err
		}
		if v.Questions, err = s.db.findQuestions(ctx, tx, `q.incident_id = ? AND q.org_id = ?`, l.IncidentID, l.OrgID); err != nil {
			return err
		}
		if err := s.db.queryRow(ctx, tx, `SELECT acknowledged_at FROM portal_links WHERE id = ?`, l.ID).Scan(scanTime{&v.AcknowledgedAt}); err != nil {
			return fmt.Errorf("read acknowledgement: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// portalPeople lists the link's organisation's recipients: name, role,
// the fields of theirs that leaked, and whether an answer can be mailed to
// them. Nothing else of them is shown: not their address, phone or rows.
func (d *DB) portalPeople(ctx context.Context, tx *sql.Tx, l *leakdesk.PortalLink) ([]leakdesk.PortalPerson, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT id, name, role, fields, email <> '' FROM recipients WHERE incident_id = ? AND org_id = ? ORDER BY name, id`), l.IncidentID, l.OrgID)
	if err != nil {
		return nil, fmt.Errorf("query the organisation's people: %w", err)
	}
	defer rows.Close()
	var people []leakdesk.PortalPerson
	for rows.Next() {
		var p leakdesk.PortalPerson
		var fields string
		if err := rows.Scan(&p.ID, &p.Name, &p.Role, &fields, &p.Reachable); err != nil {
			return nil, fmt.Errorf("scan person: %w", err)
		}
		if err := json.Unmarshal([]byte(fields), &p.Fields); err != nil {
			return nil, fmt.Errorf("person's fields: %w", err)
		}
		people = append(people, p)
	}
	return people, rows.Err()
}

// publicFacts reads the incident's fact events alone, not its whole
// timeline (an event per message sent), and keeps those marked public.
func (d *DB) publicFacts(ctx context.Context, tx *sql.Tx, incidentID int64) ([]leakdesk.PortalFact, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT details FROM events WHERE incident_id = ? AND kind = ? ORDER BY seq`), incidentID, leakdesk.EventFact)
	if err != nil {
		return nil, fmt.Errorf("query facts: %w", err)
	}
	defer rows.Close()
	var events []*leakdesk.Event
	for rows.Next() {
		var details string
		if err := rows.Scan(&details); err != nil {
			return nil, fmt.Errorf("scan fact: %w", err)
		}
		events = append(events, &leakdesk.Event{Kind: leakdesk.EventFact, Details: []byte(details)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read facts: %w", err)
	}
	public := leakdesk.PublicFacts(events)
	var facts []leakdesk.PortalFact
	for _, key := range slices.Sorted(maps.Keys(public)) {
		facts = append(facts, leakdesk.PortalFact{Key: key, Value: public[key]})
	}
	return facts, nil
}

// portalNotices lists the notices and updates sent to at least one of the
// link's organisation's people, with how many of them each was sent to.
// Answers are shown with their questions instead.
func (d *DB) portalNotices(ctx context.Context, tx *sql.Tx, l *leakdesk.PortalLink) ([]leakdesk.PortalNotice, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`
		SELECT n.kind, n.message, n.created_at, count(*)
		FROM notices n JOIN deliveries x ON x.notice_id = n.id JOIN recipients r ON r.id = x.recipient_id
		WHERE n.incident_id = ? AND n.kind <> ? AND r.incident_id = ? AND r.org_id = ? AND x.state IN (?, ?)
		GROUP BY n.id, n.kind, n.message, n.created_at ORDER BY n.id`),
		l.IncidentID, leakdesk.NoticeAnswer, l.IncidentID, l.OrgID, leakdesk.DeliverySent, leakdesk.DeliveryDone)
	if err != nil {
		return nil, fmt.Errorf("query the organisation's notices: %w", err)
	}
	defer rows.Close()
	var list []leakdesk.PortalNotice
	for rows.Next() {
		var n leakdesk.PortalNotice
		if err := rows.Scan(&n.Kind, &n.Message, scanTime{&n.CreatedAt}, &n.Sent); err != nil {
			return nil, fmt.Errorf("scan notice: %w", err)
		}
		list = append(list, n)
	}
	return list, rows.Err()
}

func (s *PortalService) AcknowledgePortal(ctx context.Context, l *leakdesk.PortalLink) (recorded bool, err error) {
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		now := s.db.now()
		// The update is the check: of two requests at once, one changes
		// the row and the other finds it acknowledged.
		res, err := s.db.exec(ctx, tx, `UPDATE portal_links SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL`, s.db.timeArg(now), l.ID)
		if err != nil {
			return fmt.Errorf("acknowledge portal link: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		recorded = true
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(l.IncidentID, leakdesk.PortalActor(l), leakdesk.EventPortalAcknowledged, now,
			leakdesk.PortalAcknowledgedPayload{LinkID: l.ID, OrgID: l.OrgID}))
	})
	return recorded, err
}
