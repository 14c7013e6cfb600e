package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/leakdesk/leakdesk"
)

func (s *AccountService) GrantRole(ctx context.Context, g leakdesk.Grant, actor string) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		acc, err := s.db.findAccount(ctx, tx, "id = ?", g.AccountID)
		if err != nil {
			return err
		}
		if g.IncidentID != leakdesk.AllIncidents {
			if _, err := s.db.findIncidentByID(ctx, tx, g.IncidentID, false); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT count(*) FROM grants WHERE account_id = ? AND role = ? AND incident_id = ?`),
			g.AccountID, g.Role, g.IncidentID).Scan(&n); err != nil {
			return fmt.Errorf("find grant: %w", err)
		}
		if n > 0 {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "%s already holds %s", acc.Name, g)
		}
		if _, err := tx.ExecContext(ctx, s.db.rebind(`INSERT INTO grants (account_id, role, incident_id) VALUES (?, ?, ?)`),
			g.AccountID, g.Role, g.IncidentID); err != nil {
			return fmt.Errorf("insert grant: %w", err)
		}
		return s.db.recordAccountEvent(ctx, tx, actor, leakdesk.AccountGranted, acc.Name, g.String())
	})
}

func (s *AccountService) RevokeRole(ctx context.Context, g leakdesk.Grant, actor string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		acc, err := s.db.findAccount(ctx, tx, "id = ?", g.AccountID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.db.rebind(`DELETE FROM grants WHERE account_id = ? AND role = ? AND incident_id = ?`),
			g.AccountID, g.Role, g.IncidentID)
		if err != nil {
			return fmt.Errorf("delete grant: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "%s does not hold %s", acc.Name, g)
		}
		return s.db.recordAccountEvent(ctx, tx, actor, leakdesk.AccountRevoked, acc.Name, g.String())
	})
}

func (d *DB) findGrants(ctx context.Context, tx *sql.Tx, accountID int64) ([]leakdesk.Grant, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT account_id, role, incident_id FROM grants WHERE account_id = ? ORDER BY incident_id, role`), accountID)
	if err != nil {
		return nil, fmt.Errorf("query grants: %w", err)
	}
	defer rows.Close()
	list := []leakdesk.Grant{}
	for rows.Next() {
		var g leakdesk.Grant
		if err := rows.Scan(&g.AccountID, &g.Role, &g.IncidentID); err != nil {
			return nil, fmt.Errorf("scan grant: %w", err)
		}
		list = append(list, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read grants: %w", err)
	}
	return list, nil
}
