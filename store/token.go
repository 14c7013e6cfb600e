package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/auth"
)

func (s *AccountService) CreateToken(ctx context.Context, t *leakdesk.Token, actor string) (string, error) {
	now := s.db.now()
	switch {
	case !t.ExpiresAt.After(now):
		return "", leakdesk.Errorf(leakdesk.EINVALID, "a token must expire in the future")
	case t.ExpiresAt.After(now.Add(leakdesk.MaxTokenLifetime)):
		return "", leakdesk.Errorf(leakdesk.EINVALID, "a token may last at most %s", leakdesk.MaxTokenLifetime)
	}
	secret := auth.NewSecret(auth.TokenPrefix)
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		owner, err := s.db.findAccount(ctx, tx, "id = ?", t.AccountID)
		if err != nil {
			return err
		}
		grants, err := s.db.findGrants(ctx, tx, owner.ID)
		if err != nil {
			return err
		}
		if err := checkScope(t.Scope, grants); err != nil {
			return err
		}
		t.Owner, t.CreatedAt = owner.Name, now
		t.ExpiresAt = t.ExpiresAt.UTC().Truncate(leakdesk.TimePrecision)
		if err := tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO api_tokens (account_id, secret_hash, note, scope_roles, scope_incident, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			t.AccountID, auth.SecretHash(secret), t.Note, joinRoleNames(t.Scope.Roles), t.Scope.IncidentID,
			s.db.timeArg(now), s.db.timeArg(t.ExpiresAt)).Scan(&t.ID); err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return s.db.recordAccountEvent(ctx, tx, actor, leakdesk.TokenCreated, owner.Name, fmt.Sprintf("token %d, expires %s", t.ID, leakdesk.CanonicalTime(t.ExpiresAt)))
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// checkScope refuses a scope that names a role the owner does not hold.
func checkScope(scope leakdesk.TokenScope, owner []leakdesk.Grant) error {
	for _, r := range scope.Roles {
		if _, err := leakdesk.ParseRole(string(r)); err != nil {
			return err
		}
		if !slices.ContainsFunc(owner, func(g leakdesk.Grant) bool { return g.Role == r }) {
			return leakdesk.Errorf(leakdesk.EINVALID, "the token's scope names %s, which its owner does not hold", r)
		}
	}
	if scope.IncidentID < 0 {
		return leakdesk.Errorf(leakdesk.EINVALID, "invalid incident %d in the token's scope", scope.IncidentID)
	}
	return nil
}

func joinRoleNames(roles []leakdesk.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, ",")
}

func (s *AccountService) FindTokens(ctx context.Context, accountID int64) ([]*leakdesk.Token, error) {
	var list []*leakdesk.Token
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		if _, err := s.db.findAccount(ctx, tx, "id = ?", accountID); err != nil {
			return err
		}
		list, err = s.db.findTokens(ctx, tx, "t.account_id = ?", accountID)
		return err
	})
	return list, err
}

func (s *AccountService) RevokeToken(ctx context.Context, id int64, actor string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		list, err := s.db.findTokens(ctx, tx, "t.id = ?", id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "token %d not found", id)
		}
		if !list[0].RevokedAt.IsZero() {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "token %d is already revoked", id)
		}
		if _, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE api_tokens SET revoked_at = ? WHERE id = ?`), s.db.timeArg(s.db.now()), id); err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		return s.db.recordAccountEvent(ctx, tx, actor, leakdesk.TokenRevoked, list[0].Owner, fmt.Sprintf("token %d", id))
	})
}

func (s *AccountService) AuthenticateToken(ctx context.Context, secret string) (*leakdesk.Principal, error) {
	refused := leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "the API token is invalid, expired or revoked")
	if !auth.HasPrefix(secret, auth.TokenPrefix) {
		return nil, refused
	}
	var p *leakdesk.Principal
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		list, err := s.db.findTokens(ctx, tx, "t.secret_hash = ?", auth.SecretHash(secret))
		if err != nil {
			return err
		}
		if len(list) == 0 || !list[0].RevokedAt.IsZero() || !s.db.now().Before(list[0].ExpiresAt) {
			return refused
		}
		t := list[0]
		owner, err := s.db.activeAccount(ctx, tx, "id = ?", t.AccountID)
		if err != nil {
			return refused
		}
		p = &leakdesk.Principal{Kind: leakdesk.PrincipalToken, Name: owner.Name, AccountID: owner.ID, TokenID: t.ID, Grants: t.Scope.Grants(owner.Grants)}
		return nil
	})
	return p, err
}

func (d *DB) findTokens(ctx context.Context, tx *sql.Tx, where string, arg any) ([]*leakdesk.Token, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`
		SELECT t.id, t.account_id, a.name, t.note, t.scope_roles, t.scope_incident, t.created_at, t.expires_at, t.revoked_at
		FROM api_tokens t JOIN accounts a ON a.id = t.account_id
		WHERE `+where+` ORDER BY t.id DESC`), arg)
	if err != nil {
		return nil, fmt.Errorf("query tokens: %w", err)
	}
	defer rows.Close()
	list := []*leakdesk.Token{}
	for rows.Next() {
		var t leakdesk.Token
		var roles string
		if err := rows.Scan(&t.ID, &t.AccountID, &t.Owner, &t.Note, &roles, &t.Scope.IncidentID,
			scanTime{&t.CreatedAt}, scanTime{&t.ExpiresAt}, scanTime{&t.RevokedAt}); err != nil {
			return nil, fmt.Errorf("scan token: %w", err)
		}
		for _, r := range strings.Split(roles, ",") {
			if r != "" {
				t.Scope.Roles = append(t.Scope.Roles, leakdesk.Role(r))
			}
		}
		list = append(list, &t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read tokens: %w", err)
	}
	return list, nil
}
