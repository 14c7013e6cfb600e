package leakdesk

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Account is a person who logs in to leakdesk. What it may do is in its
// grants; an account with none can log in and do nothing.
type Account struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"` // what it logs in with and what events record
	DisplayName string    `json:"display_name,omitempty"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
	Grants      []Grant   `json:"grants"` // filled by the finders
}

// Validate reports the first problem with a new account.
func (acc *Account) Validate() error {
	if err := ValidateAccountName(acc.Name); err != nil {
		return err
	}
	if len(acc.DisplayName) > 200 || strings.ContainsFunc(acc.DisplayName, unicode.IsControl) {
		return Errorf(EINVALID, "invalid display name: at most 200 characters, no control characters")
	}
	return nil
}

// ValidateAccountName accepts 1 to 64 lower-case letters, digits, dots,
// dashes and underscores, starting with a letter. Names hold no colon, so
// that no account can be mistaken for "local:" users, tokens or AckActor.
func ValidateAccountName(name string) error {
	ok := len(name) >= 1 && len(name) <= 64 && name[0] >= 'a' && name[0] <= 'z'
	for _, r := range name {
		ok = ok && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_')
	}
	if !ok {
		return Errorf(EINVALID, "invalid account name %q: want 1 to 64 lower-case letters, digits, '.', '-' or '_', starting with a letter", name)
	}
	return nil
}

// MinPasswordLength is the shortest password an account may set.
const MinPasswordLength = 12

// ValidatePassword refuses a password too short to resist guessing.
func ValidatePassword(password string) error {
	if len([]rune(password)) < MinPasswordLength {
		return Errorf(EINVALID, "the password is too short: at least %d characters", MinPasswordLength)
	}
	return nil
}

// TokenScope narrows what an API token may do to part of its owner's rights.
type TokenScope struct {
	Roles      []Role `json:"roles,omitempty"`       // empty: all of the owner's roles
	IncidentID int64  `json:"incident_id,omitempty"` // AllIncidents: every incident the owner's grants cover
}

// Grants narrows owner's grants to the scope: roles outside it are
// dropped, and a grant on all incidents becomes a grant on the scope's
// incident. A token never holds a right its owner lacks.
func (s TokenScope) Grants(owner []Grant) []Grant {
	var out []Grant
	for _, g := range owner {
		if len(s.Roles) > 0 && !slices.Contains(s.Roles, g.Role) {
			continue
		}
		if s.IncidentID != AllIncidents {
			if !g.Covers(s.IncidentID) || g.Role == RoleAdmin {
				continue
			}
			g.IncidentID = s.IncidentID
		}
		out = append(out, g)
	}
	return out
}

// Token is an API token. Its secret is shown once, when it is made, and
// stored only as a hash.
type Token struct {
	ID        int64      `json:"id"`
	AccountID int64      `json:"account_id"`
	Owner     string     `json:"owner"` // the owner's account name
	Note      string     `json:"note,omitempty"`
	Scope     TokenScope `json:"scope"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt time.Time  `json:"revoked_at,omitzero"`
}

// IssuedToken is a token just made, with its secret, shown this once by
// the command line and the API alike.
type IssuedToken struct {
	*Token
	Secret string `json:"secret"`
}

// MaxTokenLifetime bounds a token's expiry: a token that never expires is
// a password that is never changed.
const MaxTokenLifetime = 366 * 24 * time.Hour

// Session is a console login, identified by a secret kept in a cookie and
// stored only as a hash.
type Session struct {
	ID        int64     `json:"id"`
	AccountID int64     `json:"account_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// Account audit kinds. Accounts belong to no incident, so their changes go
// to an audit log of their own instead of a timeline.
const (
	AccountCreated     = "account.created"
	AccountDisabled    = "account.disabled"
	AccountPasswordSet = "account.password_set"
	AccountGranted     = "account.granted"
	AccountRevoked     = "account.revoked"
	TokenCreated       = "token.created"
	TokenRevoked       = "token.revoked"
)

// AccountEvent is one change to accounts, roles or tokens. It never holds a
// password or a secret.
type AccountEvent struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Kind    string    `json:"kind"`
	Account string    `json:"account"`
	Detail  string    `json:"detail,omitempty"`
}

// AccountService manages accounts, their roles, API tokens and console
// sessions, and authenticates them. Every change is added to the account
// audit log under actor, the String of the principal making it.
//
// Authentication failures are EUNAUTHORIZED with the same message whether
// the name, the password or the secret is wrong, expired, revoked or
// belongs to a disabled account, so that a caller learns nothing about
// which accounts exist.
type AccountService interface {
	// CreateAccount stores acc and sets its ID, with no password and no
	// grant. Returns EINVALID, or ECONFLICT if the name is taken.
	CreateAccount(ctx context.Context, acc *Account, actor string) error

	// FindAccountByID and FindAccountByName return the account with its
	// grants. Return ENOTFOUND.
	FindAccountByID(ctx context.Context, id int64) (*Account, error)
	FindAccountByName(ctx context.Context, name string) (*Account, error)

	// FindAccounts lists every account, by name, with its grants.
	FindAccounts(ctx context.Context) ([]*Account, error)

	// DisableAccount stops the account from logging in and its tokens and
	// sessions from working. Returns ENOTFOUND, or ECONFLICT if it is
	// already disabled.
	DisableAccount(ctx context.Context, id int64, actor string) error

	// SetPassword stores the password hashed (argon2id). Returns ENOTFOUND,
	// or EINVALID for a password ValidatePassword refuses.
	SetPassword(ctx context.Context, id int64, password, actor string) error

	// GrantRole adds g. Returns ENOTFOUND for an unknown account or
	// incident, EINVALID, or ECONFLICT if it is already granted.
	GrantRole(ctx context.Context, g Grant, actor string) error

	// RevokeRole removes g. Returns ENOTFOUND if it was not granted.
	RevokeRole(ctx context.Context, g Grant, actor string) error

	// Authenticate checks a name and password and returns the account's
	// principal. Returns EUNAUTHORIZED.
	Authenticate(ctx context.Context, name, password string) (*Principal, error)

	// CreateToken stores t for its AccountID, sets its ID, Owner and
	// CreatedAt, and returns its secret, which is never shown again.
	// Returns ENOTFOUND, EINVALID for an expiry in the past or beyond
	// MaxTokenLifetime, or for a scope with a role the owner lacks.
	CreateToken(ctx context.Context, t *Token, actor string) (secret string, err error)

	// FindTokens lists an account's tokens, revoked and expired ones too,
	// newest first. Returns ENOTFOUND.
	FindTokens(ctx context.Context, accountID int64) ([]*Token, error)

	// RevokeToken stops a token from working. Returns ENOTFOUND, or
	// ECONFLICT if it is already revoked.
	RevokeToken(ctx context.Context, id int64, actor string) error

	// AuthenticateToken returns the principal of a token's secret: its
	// owner, with the owner's grants narrowed to the token's scope.
	// Returns EUNAUTHORIZED.
	AuthenticateToken(ctx context.Context, secret string) (*Principal, error)

	// CreateSession opens a session for an account that authenticated,
	// lasting ttl, and returns its secret for the cookie. Returns
	// ENOTFOUND, or EUNAUTHORIZED for a disabled account.
	CreateSession(ctx context.Context, accountID int64, ttl time.Duration) (*Session, string, error)

	// AuthenticateSession returns the principal of a session's secret.
	// Returns EUNAUTHORIZED.
	AuthenticateSession(ctx context.Context, secret string) (*Principal, *Session, error)

	// RevokeSession ends the session of a secret (logging out). Returns
	// EUNAUTHORIZED for an unknown secret.
	RevokeSession(ctx context.Context, secret string) error

	// FindAccountEvents returns the account audit log, oldest first.
	FindAccountEvents(ctx context.Context) ([]*AccountEvent, error)
}
