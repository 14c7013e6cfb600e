package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/leakdesk/leakdesk"
)

// recordAccountEvent adds a change to the account audit log, in the
// transaction that makes it. detail never holds a password or a secret.
func (d *DB) recordAccountEvent(ctx context.Context, tx *sql.Tx, actor, kind, account, detail string) error {
	if actor == "" {
		return leakdesk.Errorf(leakdesk.EINVALID, "a change to accounts needs the principal making it")
	}
	if _, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO account_events (at, actor, kind, account, detail) VALUES (?, ?, ?, ?, ?)`),
		d.timeArg(d.now()), actor, kind, account, detail); err != nil {
		return fmt.Errorf("record account change: %w", err)
	}
	return nil
}

func (s *AccountService) FindAccountEvents(ctx context.Context) ([]*leakdesk.AccountEvent, error) {
	list := []*leakdesk.AccountEvent{}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, at, actor, kind, account, detail FROM account_events ORDER BY id`)
		if err != nil {
			return fmt.Errorf("query account events: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e leakdesk.AccountEvent
			if err := rows.Scan(&e.ID, scanTime{&e.At}, &e.Actor, &e.Kind, &e.Account, &e.Detail); err != nil {
				return fmt.Errorf("scan account event: %w", err)
			}
			list = append(list, &e)
		}
		return rows.Err()
	})
	return list, err
}
