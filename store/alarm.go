package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// DecoyAlarmService implements leakdesk.DecoyAlarmService.
type DecoyAlarmService struct{ db *DB }

var _ leakdesk.DecoyAlarmService = (*DecoyAlarmService)(nil)

// NewDecoyAlarmService returns the decoy alarms kept in db.
func NewDecoyAlarmService(db *DB) *DecoyAlarmService { return &DecoyAlarmService{db: db} }

const decoyAlarmColumns = `alarm_key, kind, decoys, evidence, evidence_size, raised_at, actor, incident_id`

func (s *DecoyAlarmService) RecordDecoyAlarm(ctx context.Context, a *leakdesk.DecoyAlarm, enqueue leakdesk.DecoyAlarmEnqueueFunc) (bool, error) {
	if err := a.Validate(); err != nil {
		return false, err
	}
	created := false
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		decoys, _ := json.Marshal(a.Decoys)
		at := a.At.UTC().Truncate(leakdesk.TimePrecision)
		res, err := tx.ExecContext(ctx, s.db.rebind(`INSERT INTO decoy_alarms (alarm_key, kind, decoys, evidence, evidence_size, raised_at, actor)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (alarm_key) DO NOTHING`),
			a.Key, a.Kind, string(decoys), a.Evidence, a.EvidenceSize, s.db.timeArg(at), a.Actor)
		if err != nil {
			return fmt.Errorf("record decoy alarm: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			known, err := s.db.findDecoyAlarm(ctx, tx, a.Key)
			if err == nil {
				*a = *known
			}
			return err
		}
		for i, e := range a.Exports {
			if _, err := tx.ExecContext(ctx, s.db.rebind(`INSERT INTO decoy_alarm_exports (alarm_key, rank, export_id, recipient, score) VALUES (?, ?, ?, ?, ?)`),
				a.Key, i+1, e.ID, e.Recipient, e.Score); err != nil {
				return fmt.Errorf("record the exports of decoy alarm: %w", err)
			}
		}
		a.At, created = at, true
		return enqueue(ctx, tx)
	})
	return created, err
}

func (s *DecoyAlarmService) FindDecoyAlarms(ctx context.Context, f leakdesk.DecoyAlarmFilter) ([]*leakdesk.DecoyAlarm, error) {
	var conds []string
	var args []any
	if f.Incident > 0 {
		conds, args = append(conds, `incident_id = ?`), append(args, f.Incident)
	}
	if len(f.Exports) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(f.Exports)), ", ")
		conds = append(conds, `alarm_key IN (SELECT alarm_key FROM decoy_alarm_exports WHERE export_id IN (`+marks+`))`)
		for _, id := range f.Exports {
			args = append(args, id)
		}
	}
	if len(conds) == 0 {
		return []*leakdesk.DecoyAlarm{}, nil
	}
	var list []*leakdesk.DecoyAlarm
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		list, err = s.db.findDecoyAlarms(ctx, tx, strings.Join(conds, " OR "), args...)
		return err
	})
	return list, err
}

func (d *DB) findDecoyAlarm(ctx context.Context, tx *sql.Tx, key string) (*leakdesk.DecoyAlarm, error) {
	list, err := d.findDecoyAlarms(ctx, tx, `alarm_key = ?`, key)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "no decoy alarm %s", key)
	}
	return list[0], nil
}

// findDecoyAlarms returns the alarms that cond selects, newest first,
// with their exports read in one more query.
func (d *DB) findDecoyAlarms(ctx context.Context, tx *sql.Tx, cond string, args ...any) ([]*leakdesk.DecoyAlarm, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT `+decoyAlarmColumns+` FROM decoy_alarms WHERE `+cond+` ORDER BY raised_at DESC, alarm_key`), args...)
	if err != nil {
		return nil, fmt.Errorf("query decoy alarms: %w", err)
	}
	defer rows.Close()
	list := []*leakdesk.DecoyAlarm{}
	byKey := map[string]*leakdesk.DecoyAlarm{}
	for rows.Next() {
		a := &leakdesk.DecoyAlarm{Exports: []leakdesk.AlarmExport{}}
		var decoys string
		var incident sql.NullInt64
		if err := rows.Scan(&a.Key, &a.Kind, &decoys, &a.Evidence, &a.EvidenceSize, scanTime{&a.At}, &a.Actor, &incident); err != nil {
			return nil, fmt.Errorf("read decoy alarm: %w", err)
		}
		if err := json.Unmarshal([]byte(decoys), &a.Decoys); err != nil {
			return nil, fmt.Errorf("decoy alarm %s: decoys: %w", a.Key, err)
		}
		a.Incident = incident.Int64
		list, byKey[a.Key] = append(list, a), a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read decoy alarms: %w", err)
	}
	if len(list) == 0 {
		return list, nil
	}
	shreds, err := d.findKeptShreds(ctx, tx, `SELECT evidence FROM decoy_alarms WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		a.Shredded = shreds[a.Evidence]
	}
	rows, err = tx.QueryContext(ctx, d.rebind(`SELECT alarm_key, export_id, recipient, score FROM decoy_alarm_exports
		WHERE alarm_key IN (SELECT alarm_key FROM decoy_alarms WHERE `+cond+`) ORDER BY alarm_key, rank`), args...)
	if err != nil {
		return nil, fmt.Errorf("query the exports of decoy alarms: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var e leakdesk.AlarmExport
		if err := rows.Scan(&key, &e.ID, &e.Recipient, &e.Score); err != nil {
			return nil, fmt.Errorf("read the exports of decoy alarms: %w", err)
		}
		if a := byKey[key]; a != nil {
			a.Exports = append(a.Exports, e)
		}
	}
	return list, rows.Err()
}

// linkDecoyAlarm ties the decoy alarm named key, if there is one, to the
// incident it proposed, and records it on that incident's timeline at
// the time it was raised.
func (d *DB) linkDecoyAlarm(ctx context.Context, tx *sql.Tx, key string, incidentID int64, actor string) error {
	a, err := d.findDecoyAlarm(ctx, tx, key)
	if leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND {
		return nil // an alert about a file, not an alarm
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, d.rebind(`UPDATE decoy_alarms SET incident_id = ? WHERE alarm_key = ?`), incidentID, key); err != nil {
		return fmt.Errorf("link decoy alarm %s: %w", key, err)
	}
	return d.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventDecoyAlarm, a.At, leakdesk.DecoyAlarmPayload{
		Alarm: a.Key, Decoys: len(a.Decoys), Evidence: a.Evidence, Exports: a.Exports, Kind: a.Kind,
	}))
}
