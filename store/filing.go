package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/leakdesk/leakdesk"
)

func (s *IncidentService) RecordFiling(ctx context.Context, f *leakdesk.Filing) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, f.IncidentID, true)
		if err != nil {
			return err
		}
		if inc.Status == leakdesk.StatusClosed {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "%s is closed: reopen it (leakdesk incident reopen) before recording a filing", inc.PublicID())
		}
		filings, err := s.db.findFilings(ctx, tx, f.IncidentID)
		if err != nil {
			return err
		}
		f.RecordedAt = s.db.now()
		f.FiledAt = f.FiledAt.UTC().Truncate(leakdesk.TimePrecision)
		if f.Warnings, err = s.clocks.CheckFiling(inc, filings, f, f.RecordedAt); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO filings (incident_id, obligation, filed_at, ref, delay_reason, actor, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			RETURNING id`),
			f.IncidentID, f.Obligation, s.db.timeArg(f.FiledAt), f.Ref, f.DelayReason, f.Actor, s.db.timeArg(f.RecordedAt),
		).Scan(&f.ID); err != nil {
			return fmt.Errorf("insert filing: %w", err)
		}
		details := leakdesk.ObligationFiledPayload{FilingID: f.ID, Obligation: f.Obligation, Ref: f.Ref, DelayReason: f.DelayReason, Warnings: f.Warnings}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(f.IncidentID, f.Actor, leakdesk.EventObligationFiled, f.FiledAt, details))
	})
}

func (s *IncidentService) FindFilings(ctx context.Context, incidentID int64) ([]*leakdesk.Filing, error) {
	var list []*leakdesk.Filing
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
			return err
		}
		var err error
		list, err = s.db.findFilings(ctx, tx, incidentID)
		return err
	})
	return list, err
}

func (d *DB) findFilings(ctx context.Context, tx *sql.Tx, incidentID int64) ([]*leakdesk.Filing, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`
		SELECT id, incident_id, obligation, filed_at, ref, delay_reason, actor, recorded_at
		FROM filings WHERE incident_id = ? ORDER BY filed_at, id`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("query filings: %w", err)
	}
	defer rows.Close()
	var list []*leakdesk.Filing
	for rows.Next() {
		var f leakdesk.Filing
		if err := rows.Scan(&f.ID, &f.IncidentID, &f.Obligation, scanTime{&f.FiledAt}, &f.Ref, &f.DelayReason, &f.Actor, scanTime{&f.RecordedAt}); err != nil {
			return nil, fmt.Errorf("scan filing: %w", err)
		}
		list = append(list, &f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read filings: %w", err)
	}
	return list, nil
}
