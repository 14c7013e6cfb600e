package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// accountSSOLinked is the audit kind of linking a single sign-on subject.
const accountSSOLinked = "account.sso_linked"

// LinkOIDC lets an existing account log in by single sign-on as subject
// at issuer. Returns ENOTFOUND, EINVALID for an empty issuer or subject,
// or ECONFLICT if the subject is linked already.
func (s *AccountService) LinkOIDC(ctx context.Context, accountID int64, issuer, subject, actor string) error {
	if strings.TrimSpace(issuer) == "" || strings.TrimSpace(subject) == "" {
		return leakdesk.Errorf(leakdesk.EINVALID, "single sign-on needs the issuer and the subject")
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		acc, err := s.db.findAccount(ctx, tx, "id = ?", accountID)
		if err != nil {
			return err
		}
		if _, err := s.db.oidcAccountID(ctx, tx, issuer, subject); err == nil {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "that single sign-on subject is linked to an account already")
		}
		if _, err := tx.ExecContext(ctx, s.db.rebind(`INSERT INTO oidc_identities (issuer, subject, account_id, created_at) VALUES (?, ?, ?, ?)`),
			issuer, subject, accountID, s.db.timeArg(s.db.now())); err != nil {
			return fmt.Errorf("insert oidc identity: %w", err)
		}
		return s.db.recordAccountEvent(ctx, tx, actor, accountSSOLinked, acc.Name, issuer)
	})
}

// FindAccountByOIDC returns the account linked to subject at issuer, with
// its grants. Returns ENOTFOUND.
func (s *AccountService) FindAccountByOIDC(ctx context.Context, issuer, subject string) (*leakdesk.Account, error) {
	var id int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		id, err = s.db.oidcAccountID(ctx, tx, issuer, subject)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.FindAccountByID(ctx, id)
}

func (d *DB) oidcAccountID(ctx context.Context, tx *sql.Tx, issuer, subject string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, d.rebind(`SELECT account_id FROM oidc_identities WHERE issuer = ? AND subject = ?`), issuer, subject).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, leakdesk.Errorf(leakdesk.ENOTFOUND, "no account is linked to that single sign-on subject")
	}
	if err != nil {
		return 0, fmt.Errorf("find oidc identity: %w", err)
	}
	return id, nil
}
