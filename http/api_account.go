package http

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/leakdesk/leakdesk"
)

func (s *server) handleAccountList() http.Handler {
	return call(s, func(r *http.Request, _ none) ([]*leakdesk.Account, error) {
		list, err := s.cfg.Accounts.FindAccounts(r.Context())
		if list == nil {
			list = []*leakdesk.Account{}
		}
		return list, err
	})
}

// newAccount is the body of POST /api/v1/accounts. Without a password the
// account can only log in by single sign-on, once one is set.
type newAccount struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name,omitempty"`
	Password    string `json:"password,omitempty"`
}

func (s *server) handleAccountCreate() http.Handler {
	return call(s, func(r *http.Request, in newAccount) (*leakdesk.Account, error) {
		open := leakdesk.AccountOpening{Account: &leakdesk.Account{Name: in.Name, DisplayName: in.DisplayName}, Password: in.Password}
		if err := leakdesk.OpenAccount(r.Context(), s.cfg.Accounts, s.cfg.Incidents, open, principal(r).String()); err != nil {
			return nil, err
		}
		return s.cfg.Accounts.FindAccountByID(r.Context(), open.Account.ID)
	})
}

// account returns the {account} path value's account, by name.
func (s *server) account(r *http.Request) (*leakdesk.Account, error) {
	return s.cfg.Accounts.FindAccountByName(r.Context(), r.PathValue("account"))
}

func (s *server) handleAccountDisable() http.Handler {
	return call(s, func(r *http.Request, _ none) (*leakdesk.Account, error) {
		acc, err := s.account(r)
		if err != nil {
			return nil, err
		}
		if err := s.cfg.Accounts.DisableAccount(r.Context(), acc.ID, principal(r).String()); err != nil {
			return nil, err
		}
		return s.cfg.Accounts.FindAccountByID(r.Context(), acc.ID)
	})
}

// grantChange is the body of POST .../grants and .../revoke: a role, on one
// incident or (incident_id 0 or omitted) on all of them.
type grantChange struct {
	Role       leakdesk.Role `json:"role"`
	IncidentID int64         `json:"incident_id,omitempty"`
}

func (s *server) handleGrant() http.Handler {
	return s.changeGrant(leakdesk.AccountService.GrantRole)
}

func (s *server) handleRevoke() http.Handler {
	return s.changeGrant(leakdesk.AccountService.RevokeRole)
}

// changeGrant grants or revokes a role and returns the account as it is then.
func (s *server) changeGrant(change func(leakdesk.AccountService, context.Context, leakdesk.Grant, string) error) http.Handler {
	return call(s, func(r *http.Request, in grantChange) (*leakdesk.Account, error) {
		acc, err := s.account(r)
		if err != nil {
			return nil, err
		}
		g := leakdesk.Grant{AccountID: acc.ID, Role: in.Role, IncidentID: in.IncidentID}
		if err := change(s.cfg.Accounts, r.Context(), g, principal(r).String()); err != nil {
			return nil, err
		}
		return s.cfg.Accounts.FindAccountByID(r.Context(), acc.ID)
	})
}

func (s *server) handleTokenList() http.Handler {
	return call(s, func(r *http.Request, _ none) ([]*leakdesk.Token, error) {
		acc, err := s.account(r)
		if err != nil {
			return nil, err
		}
		list, err := s.cfg.Accounts.FindTokens(r.Context(), acc.ID)
		if list == nil {
			list = []*leakdesk.Token{}
		}
		return list, err
	})
}

// newToken is the body of POST .../tokens, as the user token command's
// flags: ExpiresIn is a Go duration such as "720h" (default 720h).
type newToken struct {
	Roles      []leakdesk.Role `json:"roles,omitempty"`
	IncidentID int64           `json:"incident_id,omitempty"`
	ExpiresIn  string          `json:"expires_in,omitempty"`
	Note       string          `json:"note,omitempty"`
}

func (s *server) handleTokenCreate() http.Handler {
	return call(s, func(r *http.Request, in newToken) (leakdesk.IssuedToken, error) {
		expires := 720 * time.Hour
		if in.ExpiresIn != "" {
			var err error
			if expires, err = time.ParseDuration(in.ExpiresIn); err != nil || expires <= 0 {
				return leakdesk.IssuedToken{}, leakdesk.Errorf(leakdesk.EINVALID, "invalid expires_in %q: want a duration such as 720h", in.ExpiresIn)
			}
		}
		acc, err := s.account(r)
		if err != nil {
			return leakdesk.IssuedToken{}, err
		}
		tok := &leakdesk.Token{AccountID: acc.ID, Note: in.Note, ExpiresAt: s.cfg.Now().Add(expires),
			Scope: leakdesk.TokenScope{Roles: in.Roles, IncidentID: in.IncidentID}}
		secret, err := s.cfg.Accounts.CreateToken(r.Context(), tok, principal(r).String())
		if err != nil {
			return leakdesk.IssuedToken{}, err
		}
		return leakdesk.IssuedToken{Token: tok, Secret: secret}, nil
	})
}

// revoked is the answer of a token revocation, as user revoke-token's.
type revoked struct {
	ID      int64 `json:"id"`
	Revoked bool  `json:"revoked"`
}

func (s *server) handleTokenRevoke() http.Handler {
	return call(s, func(r *http.Request, _ none) (revoked, error) {
		id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
		if err != nil {
			return revoked{}, leakdesk.Errorf(leakdesk.EINVALID, "invalid token %q: want its number", r.PathValue("token"))
		}
		acc, err := s.account(r)
		if err != nil {
			return revoked{}, err
		}
		// Only a token of the named account, so that the URL says the truth.
		tokens, err := s.cfg.Accounts.FindTokens(r.Context(), acc.ID)
		if err != nil {
			return revoked{}, err
		}
		if !slices.ContainsFunc(tokens, func(t *leakdesk.Token) bool { return t.ID == id }) {
			return revoked{}, leakdesk.Errorf(leakdesk.ENOTFOUND, "%s has no token %d", acc.Name, id)
		}
		if err := s.cfg.Accounts.RevokeToken(r.Context(), id, principal(r).String()); err != nil {
			return revoked{}, err
		}
		return revoked{ID: id, Revoked: true}, nil
	})
}

// newPassword is the body of PUT .../password.
type newPassword struct {
	Password string `json:"password"`
}

// handlePassword sets an account's password, as "user password", and
// answers the account as it now stands.
func (s *server) handlePassword() http.Handler {
	return call(s, func(r *http.Request, in newPassword) (*leakdesk.Account, error) {
		acc, err := s.account(r)
		if err != nil {
			return nil, err
		}
		if err := s.cfg.Accounts.SetPassword(r.Context(), acc.ID, in.Password, principal(r).String()); err != nil {
			return nil, err
		}
		return s.cfg.Accounts.FindAccountByID(r.Context(), acc.ID)
	})
}

// handleAccountEvents is the account audit log, as "user log".
func (s *server) handleAccountEvents() http.Handler {
	return call(s, func(r *http.Request, _ none) ([]*leakdesk.AccountEvent, error) {
		list, err := s.cfg.Accounts.FindAccountEvents(r.Context())
		if list == nil {
			list = []*leakdesk.AccountEvent{}
		}
		return list, err
	})
}
