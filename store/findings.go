package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// FindingsService implements leakdesk.FindingsService.
type FindingsService struct{ db *DB }

var _ leakdesk.FindingsService = (*FindingsService)(nil)

// NewFindingsService returns the findings service backed by db.
func NewFindingsService(db *DB) *FindingsService { return &FindingsService{db: db} }

func (s *FindingsService) RecordFindings(ctx context.Context, f *leakdesk.Findings) error {
	if f.Actor == "" {
		return leakdesk.Errorf(leakdesk.EINVALID, "findings actor is required")
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, f.IncidentID, true); err != nil {
			return err
		}
		f.CreatedAt = s.db.now()
		doc, err := json.Marshal(f)
		if err != nil {
			return fmt.Errorf("encode findings: %w", err)
		}
		if err := tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO findings (incident_id, document, actor, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
			f.IncidentID, string(doc), f.Actor, s.db.timeArg(f.CreatedAt)).Scan(&f.ID); err != nil {
			return fmt.Errorf("insert findings: %w", err)
		}
		for _, c := range f.Contacts {
			if _, err := tx.ExecContext(ctx, s.db.rebind(`
				INSERT INTO affected_contacts (findings_id, incident_id, contact_id, org_id, class, confidence, fields)
				VALUES (?, ?, ?, ?, ?, ?, ?)`),
				f.ID, f.IncidentID, c.ID, c.OrgID, c.Class, c.Confidence, strings.Join(c.Fields, ",")); err != nil {
				return fmt.Errorf("insert affected contact %s: %w", c.ID, err)
			}
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(f.IncidentID, f.Actor, leakdesk.EventFindingsRecorded, f.CreatedAt, leakdesk.FindingsRecordedPayload{
			FindingsID: f.ID, Registry: f.Registry, Leaks: f.Leaks, Rows: f.Rows, MatchedRows: f.MatchedRows,
			Contacts: len(f.Contacts), Organisations: len(f.Organisations), Review: len(f.Review),
		}))
	})
}

func (s *FindingsService) LatestFindings(ctx context.Context, incidentID int64) (*leakdesk.Findings, error) {
	var f leakdesk.Findings
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
			return err
		}
		var doc string
		var id int64
		err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT id, document FROM findings WHERE incident_id = ? ORDER BY id DESC LIMIT 1`), incidentID).Scan(&id, &doc)
		if err == sql.ErrNoRows {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "incident %s has no findings yet: run leakdesk match --incident", leakdesk.FormatIncidentID(incidentID))
		}
		if err != nil {
			return fmt.Errorf("query findings: %w", err)
		}
		if err := json.Unmarshal([]byte(doc), &f); err != nil {
			return fmt.Errorf("decode findings %d: %w", id, err)
		}
		f.ID, f.IncidentID = id, incidentID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}
