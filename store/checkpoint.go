package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"

	"github.com/leakdesk/leakdesk"
)

// CheckpointService implements leakdesk.CheckpointService.
type CheckpointService struct {
	db *DB
}

var _ leakdesk.CheckpointService = (*CheckpointService)(nil)

// NewCheckpointService returns the checkpoint service backed by db.
func NewCheckpointService(db *DB) *CheckpointService {
	return &CheckpointService{db: db}
}

func (s *CheckpointService) AddCheckpoint(ctx context.Context, cp *leakdesk.Checkpoint) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, cp.IncidentID, false); err != nil {
			return err
		}
		var n int
		if err := s.db.queryRow(ctx, tx, `SELECT count(*) FROM checkpoints WHERE incident_id = ? AND size = ?`, cp.IncidentID, cp.Size).Scan(&n); err != nil {
			return fmt.Errorf("look up checkpoint: %w", err)
		}
		if n > 0 {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "%s already has a checkpoint at %d events", cp.Incident, cp.Size)
		}
		_, err := s.db.exec(ctx, tx, `
			INSERT INTO checkpoints (incident_id, size, root, head, signed_at, key_id, signature, timestamp)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			cp.IncidentID, cp.Size, cp.Root, cp.Head, s.db.timeArg(cp.Time), cp.KeyID,
			base64.StdEncoding.EncodeToString(cp.Signature), base64.StdEncoding.EncodeToString(cp.Timestamp))
		if err != nil {
			return fmt.Errorf("insert checkpoint: %w", err)
		}
		return nil
	})
}

func (s *CheckpointService) FindCheckpoints(ctx context.Context, incidentID int64) ([]*leakdesk.Checkpoint, error) {
	var list []*leakdesk.Checkpoint
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, incidentID, false)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.db.rebind(`
			SELECT size, root, head, signed_at, key_id, signature, timestamp
			FROM checkpoints WHERE incident_id = ? ORDER BY size`), incidentID)
		if err != nil {
			return fmt.Errorf("query checkpoints: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			cp := &leakdesk.Checkpoint{IncidentID: incidentID, Incident: inc.PublicID()}
			var sig, token string
			if err := rows.Scan(&cp.Size, &cp.Root, &cp.Head, scanTime{&cp.Time}, &cp.KeyID, &sig, &token); err != nil {
				return fmt.Errorf("scan checkpoint: %w", err)
			}
			// A row that does not decode is kept with what decodes: the
			// signature check then reports it, with the rest of the log.
			cp.Signature, _ = base64.StdEncoding.DecodeString(sig)
			if token != "" {
				cp.Timestamp, _ = base64.StdEncoding.DecodeString(token)
			}
			list = append(list, cp)
		}
		return rows.Err()
	})
	return list, err
}

// FindUnsigned returns the incidents whose latest events no checkpoint
// covers yet, so that a checkpoint can be written for each.
func (s *CheckpointService) FindUnsigned(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT id FROM incidents
			WHERE event_count > COALESCE((SELECT max(size) FROM checkpoints WHERE incident_id = incidents.id), 0)
			ORDER BY id`)
		if err != nil {
			return fmt.Errorf("query unsigned incidents: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return fmt.Errorf("scan incident: %w", err)
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	return ids, err
}

// FindUnsignedTails returns, for every incident whose latest events no
// checkpoint covers yet, how far it is signed and whether the unsigned
// part holds a filing, a notice or a closing.
func (s *CheckpointService) FindUnsignedTails(ctx context.Context) ([]leakdesk.UnsignedTail, error) {
	var tails []leakdesk.UnsignedTail
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.db.rebind(`
			SELECT i.id, i.event_count, COALESCE(c.size, 0),
				EXISTS (SELECT 1 FROM events e
					WHERE e.incident_id = i.id AND e.seq > COALESCE(c.size, 0) AND e.kind IN (?, ?, ?))
			FROM incidents i
			LEFT JOIN (SELECT incident_id, max(size) AS size FROM checkpoints GROUP BY incident_id) c ON c.incident_id = i.id
			WHERE i.event_count > COALESCE(c.size, 0)
			ORDER BY i.id`),
			leakdesk.EventObligationFiled, leakdesk.EventNoticeCreated, leakdesk.EventIncidentClosed)
		if err != nil {
			return fmt.Errorf("query unsigned timelines: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var t leakdesk.UnsignedTail
			if err := rows.Scan(&t.IncidentID, &t.Events, &t.Signed, &t.Decisive); err != nil {
				return fmt.Errorf("scan unsigned timeline: %w", err)
			}
			tails = append(tails, t)
		}
		return rows.Err()
	})
	return tails, err
}
