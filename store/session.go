package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/auth"
)

func (s *AccountService) CreateSession(ctx context.Context, accountID int64, ttl time.Duration) (*leakdesk.Session, string, error) {
	if ttl <= 0 {
		return nil, "", leakdesk.Errorf(leakdesk.EINVALID, "a session must last some time")
	}
	secret := auth.NewSecret(auth.SessionPrefix)
	sess := &leakdesk.Session{AccountID: accountID}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findAccount(ctx, tx, "id = ?", accountID); err != nil {
			return err
		}
		if _, err := s.db.activeAccount(ctx, tx, "id = ?", accountID); err != nil {
			return err
		}
		sess.CreatedAt = s.db.now()
		sess.ExpiresAt = sess.CreatedAt.Add(ttl)
		if err := tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO sessions (account_id, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?) RETURNING id`),
			accountID, auth.SecretHash(secret), s.db.timeArg(sess.CreatedAt), s.db.timeArg(sess.ExpiresAt)).Scan(&sess.ID); err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return sess, secret, nil
}

func (s *AccountService) AuthenticateSession(ctx context.Context, secret string) (*leakdesk.Principal, *leakdesk.Session, error) {
	refused := errSessionRefused()
	if !auth.HasPrefix(secret, auth.SessionPrefix) {
		return nil, nil, refused
	}
	var p *leakdesk.Principal
	var sess *leakdesk.Session
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		sess, err = s.db.findSession(ctx, tx, secret)
		if err != nil {
			return err
		}
		if !sess.RevokedAt.IsZero() || !s.db.now().Before(sess.ExpiresAt) {
			return refused
		}
		acc, err := s.db.activeAccount(ctx, tx, "id = ?", sess.AccountID)
		if err != nil {
			return refused
		}
		p = &leakdesk.Principal{Kind: leakdesk.PrincipalAccount, Name: acc.Name, AccountID: acc.ID, Grants: acc.Grants}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return p, sess, nil
}

func (s *AccountService) RevokeSession(ctx context.Context, secret string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		sess, err := s.db.findSession(ctx, tx, secret)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`),
			s.db.timeArg(s.db.now()), sess.ID); err != nil {
			return fmt.Errorf("revoke session: %w", err)
		}
		return nil
	})
}

// errSessionRefused is the one answer to a session secret that does not
// work, whatever the reason.
func errSessionRefused() error {
	return leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "the session is invalid, expired or ended; log in again")
}

// findSession returns the session of a secret, or errSessionRefused.
func (d *DB) findSession(ctx context.Context, tx *sql.Tx, secret string) (*leakdesk.Session, error) {
	var sess leakdesk.Session
	err := tx.QueryRowContext(ctx, d.rebind(`SELECT id, account_id, created_at, expires_at, revoked_at FROM sessions WHERE secret_hash = ?`),
		auth.SecretHash(secret)).Scan(&sess.ID, &sess.AccountID, scanTime{&sess.CreatedAt}, scanTime{&sess.ExpiresAt}, scanTime{&sess.RevokedAt})
	if err == sql.ErrNoRows {
		return nil, errSessionRefused()
	}
	if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	return &sess, nil
}
