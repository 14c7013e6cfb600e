package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/leakdesk/leakdesk"
)

// ApprovalService implements leakdesk.ApprovalService.
type ApprovalService struct {
	db *DB
}

var _ leakdesk.ApprovalService = (*ApprovalService)(nil)

// NewApprovalService returns the two-person rule's service backed by db.
func NewApprovalService(db *DB) *ApprovalService { return &ApprovalService{db: db} }

func (s *ApprovalService) SetApprovalRequired(ctx context.Context, incidentID int64, required bool, actor string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, incidentID, true)
		if err != nil {
			return err
		}
		current, err := s.db.approvalRequired(ctx, tx, incidentID)
		if err != nil {
			return err
		}
		if current == required {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "%s already has the two-person rule %s", inc.PublicID(), onOff(required))
		}
		query := `DELETE FROM approval_required WHERE incident_id = ?`
		if required {
			query = `INSERT INTO approval_required (incident_id) VALUES (?)`
		}
		if _, err := tx.ExecContext(ctx, s.db.rebind(query), incidentID); err != nil {
			return fmt.Errorf("set the two-person rule: %w", err)
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventApprovalConfigured, s.db.now(), map[string]any{"required": required}))
	})
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func (s *ApprovalService) ApprovalRequired(ctx context.Context, incidentID int64) (bool, error) {
	var required bool
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
			return err
		}
		required, err = s.db.approvalRequired(ctx, tx, incidentID)
		return err
	})
	return required, err
}

func (d *DB) approvalRequired(ctx context.Context, tx *sql.Tx, incidentID int64) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, d.rebind(`SELECT count(*) FROM approval_required WHERE incident_id = ?`), incidentID).Scan(&n); err != nil {
		return false, fmt.Errorf("read the two-person rule: %w", err)
	}
	return n > 0, nil
}

func (s *ApprovalService) RequestApproval(ctx context.Context, a *leakdesk.Approval) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, a.IncidentID, true); err != nil {
			return err
		}
		a.Status, a.RequestedAt = leakdesk.ApprovalPending, s.db.now()
		if err := tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO approvals (incident_id, action, summary, params, status, requested_by, requested_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			a.IncidentID, a.Action, a.Summary, string(a.Params), a.Status, a.RequestedBy, s.db.timeArg(a.RequestedAt)).Scan(&a.ID); err != nil {
			return fmt.Errorf("insert approval request: %w", err)
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(a.IncidentID, a.RequestedBy, leakdesk.EventApprovalRequested, a.RequestedAt, map[string]any{
			"request": a.ID, "action": a.Action, "summary": a.Summary,
		}))
	})
}

func (s *ApprovalService) FindApprovalByID(ctx context.Context, id int64) (*leakdesk.Approval, error) {
	var a *leakdesk.Approval
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		a, err = s.db.findApprovalByID(ctx, tx, id)
		return err
	})
	return a, err
}

func (s *ApprovalService) FindApprovals(ctx context.Context, incidentID int64) ([]*leakdesk.Approval, error) {
	var list []*leakdesk.Approval
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
			return err
		}
		list, err = s.db.findApprovals(ctx, tx, "incident_id = ?", incidentID)
		return err
	})
	return list, err
}

func (s *ApprovalService) Approve(ctx context.Context, id int64, actor string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		a, err := s.db.findApprovalByID(ctx, tx, id)
		if err != nil {
			return err
		}
		// Locks the incident's row on PostgreSQL, so that two approvers of
		// the same request queue and the second sees it approved.
		if _, err := s.db.findIncidentByID(ctx, tx, a.IncidentID, true); err != nil {
			return err
		}
		if a, err = s.db.findApprovalByID(ctx, tx, id); err != nil {
			return err
		}
		if err := a.CheckApprover(actor); err != nil {
			return err
		}
		now := s.db.now()
		if _, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE approvals SET status = ?, approved_by = ?, approved_at = ? WHERE id = ?`),
			leakdesk.ApprovalApproved, actor, s.db.timeArg(now), id); err != nil {
			return fmt.Errorf("approve request: %w", err)
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(a.IncidentID, actor, leakdesk.EventApprovalGranted, now, map[string]any{
			"request": a.ID, "action": a.Action, "requested_by": a.RequestedBy,
		}))
	})
}

func (d *DB) findApprovalByID(ctx context.Context, tx *sql.Tx, id int64) (*leakdesk.Approval, error) {
	list, err := d.findApprovals(ctx, tx, "id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "approval request %d not found", id)
	}
	return list[0], nil
}

func (d *DB) findApprovals(ctx context.Context, tx *sql.Tx, where string, arg any) ([]*leakdesk.Approval, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`
		SELECT id, incident_id, action, summary, params, status, requested_by, requested_at, approved_by, approved_at
		FROM approvals WHERE `+where+` ORDER BY id`), arg)
	if err != nil {
		return nil, fmt.Errorf("query approvals: %w", err)
	}
	defer rows.Close()
	list := []*leakdesk.Approval{}
	for rows.Next() {
		var a leakdesk.Approval
		var params string
		if err := rows.Scan(&a.ID, &a.IncidentID, &a.Action, &a.Summary, &params, &a.Status, &a.RequestedBy,
			scanTime{&a.RequestedAt}, &a.ApprovedBy, scanTime{&a.ApprovedAt}); err != nil {
			return nil, fmt.Errorf("scan approval: %w", err)
		}
		a.Params = []byte(params)
		list = append(list, &a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read approvals: %w", err)
	}
	return list, nil
}
