package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/leakdesk/leakdesk"
)

func (s *IncidentService) ProposeIncident(ctx context.Context, p leakdesk.IncidentProposal, inc *leakdesk.Incident, actor string) (bool, error) {
	if p.Key == "" {
		return false, leakdesk.Errorf(leakdesk.EINVALID, "a proposed incident needs the key of the alert that proposes it")
	}
	if err := s.checkNew(inc); err != nil {
		return false, err
	}
	if p.Evidence != nil && (len(p.Evidence.SHA256) != 64 || p.Evidence.Source == "") {
		return false, leakdesk.Errorf(leakdesk.EINVALID, "the evidence of a proposed incident needs its SHA-256 and its source")
	}
	created := false
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT incident_id FROM proposed_incidents WHERE alert_key = ?`), p.Key).Scan(&id)
		if err == nil {
			known, err := s.db.findIncidentByID(ctx, tx, id, false)
			if err == nil {
				*inc = *known
			}
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("find proposed incident: %w", err)
		}
		couldStart := p.CouldStart.UTC().Truncate(leakdesk.TimePrecision)
		if err := s.createIncident(ctx, tx, inc, actor, &leakdesk.IncidentOpenedPayload{Proposed: true, CouldStartAt: optionalTime(couldStart)}); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.db.rebind(`INSERT INTO proposed_incidents (alert_key, incident_id, could_start_at) VALUES (?, ?, ?)`),
			p.Key, inc.ID, s.db.timeArg(couldStart))
		if err != nil {
			return fmt.Errorf("record proposed incident: %w", err)
		}
		// The alert's file is already in the vault, which the incident's
		// evidence is read through: it is attached by its hash, not copied.
		if p.Evidence != nil {
			e := *p.Evidence
			e.IncidentID, e.AddedBy = inc.ID, actor
			if err := s.db.insertEvidence(ctx, tx, &e); err != nil {
				return err
			}
		}
		if err := s.db.linkDecoyAlarm(ctx, tx, p.Key, inc.ID, actor); err != nil {
			return err
		}
		inc.Status, created = leakdesk.StatusProposed, true
		return nil
	})
	return created, err
}

func (s *IncidentService) ConfirmIncident(ctx context.Context, id int64, actor string, at time.Time, reason string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		var (
			couldStart, confirmedAt time.Time
			confirmedBy             string
		)
		err = tx.QueryRowContext(ctx, s.db.rebind(`SELECT could_start_at, confirmed_at, confirmed_by FROM proposed_incidents WHERE incident_id = ?`), id).
			Scan(scanTime{&couldStart}, scanTime{&confirmedAt}, &confirmedBy)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return leakdesk.Errorf(leakdesk.ECONFLICT, "%s was opened by a person, not proposed by an alert: there is nothing to confirm", inc.PublicID())
		case err != nil:
			return fmt.Errorf("find proposed incident: %w", err)
		case !confirmedAt.IsZero():
			return leakdesk.Errorf(leakdesk.ECONFLICT, "%s was confirmed by %s at %s", inc.PublicID(), confirmedBy, confirmedAt.Format(time.RFC3339))
		case inc.Status == leakdesk.StatusClosed:
			return leakdesk.Errorf(leakdesk.ECONFLICT, "%s is closed: reopen it to confirm it", inc.PublicID())
		}
		if at.IsZero() {
			at = inc.AwareAt
		}
		if err := s.checkAwareness(at); err != nil {
			return err
		}
		at = at.UTC().Truncate(leakdesk.TimePrecision)
		now := s.db.now()
		if _, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE incidents SET aware_at = ? WHERE id = ?`), s.db.timeArg(at), id); err != nil {
			return fmt.Errorf("set awareness time: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE proposed_incidents SET confirmed_at = ?, confirmed_by = ? WHERE incident_id = ?`),
			s.db.timeArg(now), actor, id); err != nil {
			return fmt.Errorf("confirm proposed incident: %w", err)
		}
		// The event occurs at the awareness time it confirms, as the opening
		// event does: the moment the timeline must prove.
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(id, actor, leakdesk.EventIncidentConfirmed, at, leakdesk.IncidentConfirmedPayload{
			AwareAt: at, CouldStartAt: optionalTime(couldStart), ProposedAwareAt: inc.AwareAt, Reason: reason,
		}))
	})
}
