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
		if _, err := s.db.findIncidentByID(ctx, tx, f.IncidentID, true); err != nil {
			return err
		}
		f.RecordedAt = s.db.now()
		f.FiledAt = f.FiledAt.UTC().Truncate(leakdesk.TimePrecision)
		if err := tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO filings (incident_id, obligation, filed_at, ref, delay_reason, actor, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			RETURNING id`),
			f.IncidentID, f.Obligation, s.db.timeArg(f.FiledAt), f.Ref, f.DelayReason, f.Actor, s.db.timeArg(f.RecordedAt),
		).Scan(&f.ID); err != nil {
			return fmt.Errorf("insert filing: %w", err)
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(f.IncidentID, f.Actor, leakdesk.EventObligationFiled, f.FiledAt, map[string]any{
			"filing_id": f.ID, "obligation": f.Obligation, "ref": f.Ref, "delay_reason": f.DelayReason,
		}))
	})
}

func (s *IncidentService) FindFilings(ctx context.Context, incidentID int64) ([]*leakdesk.Filing, error) {
	var list []*leakdesk.Filing
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.db.rebind(`
			SELECT id, incident_id, obligation, filed_at, ref, delay_reason, actor, recorded_at
			FROM filings WHERE incident_id = ? ORDER BY filed_at, id`), incidentID)
		if err != nil {
			return fmt.Errorf("query filings: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var f leakdesk.Filing
			if err := rows.Scan(&f.ID, &f.IncidentID, &f.Obligation, scanTime{&f.FiledAt}, &f.Ref, &f.DelayReason, &f.Actor, scanTime{&f.RecordedAt}); err != nil {
				return fmt.Errorf("scan filing: %w", err)
			}
			list = append(list, &f)
		}
		return rows.Err()
	})
	return list, err
}
