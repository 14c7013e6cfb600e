package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/leakdesk/leakdesk"
)

// FindingsService implements leakdesk.FindingsService.
type FindingsService struct {
	db *DB

	// latest holds each incident's latest findings, decoded: decoding
	// the document of 50,000 contacts takes a third of a second, and the
	// console asks for it on every page. Findings rows are added, and
	// changed only by erasure, which moves the row's revision on, so the
	// row's ID and revision are an exact key: a newer row or revision
	// replaces the entry, and a cached entry is never stale.
	mu     sync.Mutex
	latest map[int64]*cachedFindings
}

var _ leakdesk.FindingsService = (*FindingsService)(nil)

// NewFindingsService returns the findings service backed by db.
func NewFindingsService(db *DB) *FindingsService {
	return &FindingsService{db: db, latest: map[int64]*cachedFindings{}}
}

func (s *FindingsService) RecordFindings(ctx context.Context, f *leakdesk.Findings) error {
	if f.Actor == "" {
		return leakdesk.Errorf(leakdesk.EINVALID, "findings actor is required")
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error { return s.db.recordFindings(ctx, tx, f) })
}

// recordFindings stores f in its incident, with an event on its timeline,
// in tx: a distributed run stores its merged findings in the transaction
// that marks it merged.
func (d *DB) recordFindings(ctx context.Context, tx *sql.Tx, f *leakdesk.Findings) error {
	if _, err := d.findIncidentByID(ctx, tx, f.IncidentID, true); err != nil {
		return err
	}
	if err := d.checkFindingsBase(ctx, tx, f); err != nil {
		return err
	}
	f.CreatedAt = d.now()
	doc, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode findings: %w", err)
	}
	if err := tx.QueryRowContext(ctx, d.rebind(`
		INSERT INTO findings (incident_id, document, actor, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
		f.IncidentID, string(doc), f.Actor, d.timeArg(f.CreatedAt)).Scan(&f.ID); err != nil {
		return fmt.Errorf("insert findings: %w", err)
	}
	for _, c := range f.Contacts {
		if _, err := tx.ExecContext(ctx, d.rebind(`
			INSERT INTO affected_contacts (findings_id, incident_id, contact_id, org_id, class, confidence, fields)
			VALUES (?, ?, ?, ?, ?, ?, ?)`),
			f.ID, f.IncidentID, c.ID, c.OrgID, c.Class, c.Confidence, strings.Join(c.Fields, ",")); err != nil {
			return fmt.Errorf("insert affected contact %s: %w", c.ID, err)
		}
	}
	return d.appendEvent(ctx, tx, leakdesk.NewEvent(f.IncidentID, f.Actor, leakdesk.EventFindingsRecorded, f.CreatedAt, leakdesk.FindingsRecordedPayload{
		FindingsID: f.ID, Registry: f.Registry, Leaks: f.Leaks, Rows: f.Rows, MatchedRows: f.MatchedRows,
		Contacts: len(f.Contacts), Organisations: len(f.Organisations), Review: len(f.Review),
	}))
}

// checkFindingsBase refuses findings derived from a row that is no
// longer the incident's latest. The incident's row is locked (FOR UPDATE
// on PostgreSQL; SQLite writes one at a time), so two decisions taken at
// the same moment are checked one after the other.
func (d *DB) checkFindingsBase(ctx context.Context, tx *sql.Tx, f *leakdesk.Findings) error {
	if f.Base == 0 {
		return nil
	}
	var latest int64
	err := tx.QueryRowContext(ctx, d.rebind(`SELECT id FROM findings WHERE incident_id = ? ORDER BY id DESC LIMIT 1`), f.IncidentID).Scan(&latest)
	if err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("query latest findings: %w", err)
	}
	if latest != f.Base {
		return leakdesk.Errorf(leakdesk.ECONFLICT, "the findings changed since they were read (another decision or match was recorded): read them again and decide once more")
	}
	return nil
}

// LatestFindings returns a copy of the cached decoded findings when the
// incident's latest findings row is the one cached, and decodes and caches
// it otherwise. The copy's lists are the caller's own; the values in them
// (a contact's fields, rows and evidence) are shared and must not change.
func (s *FindingsService) LatestFindings(ctx context.Context, incidentID int64) (*leakdesk.Findings, error) {
	f, err := s.shared(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	return copyFindings(f.Findings), nil
}

// shared returns the incident's latest findings as cached, in a
// transaction of its own; the caller copies what it hands out.
func (s *FindingsService) shared(ctx context.Context, incidentID int64) (*cachedFindings, error) {
	var f *cachedFindings
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		f, err = s.latestFindings(ctx, tx, incidentID)
		return err
	})
	return f, err
}

// latestFindings returns the incident's latest findings from the cache,
// decoding and caching them when the latest row is not the one cached.
// They are shared: the caller copies what it hands out.
func (s *FindingsService) latestFindings(ctx context.Context, tx *sql.Tx, incidentID int64) (*cachedFindings, error) {
	if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
		return nil, err
	}
	var id, revision int64
	err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT id, revision FROM findings WHERE incident_id = ? ORDER BY id DESC LIMIT 1`), incidentID).Scan(&id, &revision)
	if err == sql.ErrNoRows {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "incident %s has no findings yet: run leakdesk match --incident", leakdesk.FormatIncidentID(incidentID))
	}
	if err != nil {
		return nil, fmt.Errorf("query findings: %w", err)
	}
	if f := s.cached(incidentID, id, revision); f != nil {
		return f, nil
	}
	var doc string
	if err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT document FROM findings WHERE id = ?`), id).Scan(&doc); err != nil {
		return nil, fmt.Errorf("query findings %d: %w", id, err)
	}
	f := &leakdesk.Findings{}
	if err := json.Unmarshal([]byte(doc), f); err != nil {
		return nil, fmt.Errorf("decode findings %d: %w", id, err)
	}
	f.ID, f.IncidentID = id, incidentID
	c := newCachedFindings(f)
	c.revision = revision
	s.keep(c)
	return c, nil
}

// FindAffected pages and searches the cached decoded findings: a page
// copies the contacts it shows, never all of them, and a search reads
// each contact's text lowercased once, when cached.
func (s *FindingsService) FindAffected(ctx context.Context, incidentID int64, q leakdesk.AffectedQuery) (*leakdesk.Findings, int, error) {
	if q.Offset < 0 || q.Limit < 0 {
		return nil, 0, leakdesk.Errorf(leakdesk.EINVALID, "offset and limit must not be negative")
	}
	f, err := s.shared(ctx, incidentID)
	if err != nil {
		return nil, 0, err
	}
	page, total := f.find(q)
	shown := *f.Findings
	shown.Contacts = nil
	out := copyFindings(&shown) // the other lists are the caller's too
	if len(page) > 0 {
		out.Contacts = slices.Clone(page)
	}
	return out, total, nil
}

// cached returns the cached findings of the incident when they are those
// of row id at revision, or nil.
func (s *FindingsService) cached(incidentID, id, revision int64) *cachedFindings {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.latest[incidentID]; f != nil && f.ID == id && f.revision == revision {
		return f
	}
	return nil
}

// keep caches f unless a newer row of its incident is cached already.
func (s *FindingsService) keep(f *cachedFindings) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.latest[f.IncidentID]; old == nil || old.ID < f.ID || old.ID == f.ID && old.revision < f.revision {
		s.latest[f.IncidentID] = f
	}
}

// copyFindings copies f and its lists, so that a caller who sorts,
// filters or appends never changes the cached findings.
func copyFindings(f *leakdesk.Findings) *leakdesk.Findings {
	c := *f
	c.Leaks, c.Contacts, c.Organisations = slices.Clone(f.Leaks), slices.Clone(f.Contacts), slices.Clone(f.Organisations)
	c.Review, c.Former, c.Unknown, c.Unread = slices.Clone(f.Review), slices.Clone(f.Former), slices.Clone(f.Unknown), slices.Clone(f.Unread)
	c.People.Searched, c.Weights = slices.Clone(f.People.Searched), maps.Clone(f.Weights)
	return &c
}
