package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/auth"
)

// AccountService implements leakdesk.AccountService. Its methods are spread
// over one file per table: accounts here, grants, tokens, sessions and the
// audit log in their own.
type AccountService struct {
	db     *DB
	params auth.Params
	// dummyHash is checked against when a name is unknown, so that a login
	// takes as long whether or not the account exists.
	dummyHash string
}

var _ leakdesk.AccountService = (*AccountService)(nil)

// NewAccountService returns the account service backed by db, hashing new
// passwords with params (auth.DefaultParams outside tests).
func NewAccountService(db *DB, params auth.Params) *AccountService {
	return &AccountService{db: db, params: params, dummyHash: auth.HashPassword("no such account", params)}
}

// errBadLogin is the one answer to every failed login, whatever failed.
func errBadLogin() error {
	return leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "wrong account name or password")
}

func (s *AccountService) CreateAccount(ctx context.Context, acc *leakdesk.Account, actor string) error {
	if err := acc.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findAccount(ctx, tx, "name = ?", acc.Name); err == nil {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "an account named %s exists", acc.Name)
		}
		acc.CreatedAt, acc.Disabled, acc.Grants = s.db.now(), false, []leakdesk.Grant{}
		if err := tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO accounts (name, display_name, created_at) VALUES (?, ?, ?) RETURNING id`),
			acc.Name, acc.DisplayName, s.db.timeArg(acc.CreatedAt)).Scan(&acc.ID); err != nil {
			return fmt.Errorf("insert account: %w", err)
		}
		return s.db.recordAccountEvent(ctx, tx, actor, leakdesk.AccountCreated, acc.Name, acc.DisplayName)
	})
}

func (s *AccountService) FindAccountByID(ctx context.Context, id int64) (*leakdesk.Account, error) {
	return s.findOne(ctx, "id = ?", id)
}

func (s *AccountService) FindAccountByName(ctx context.Context, name string) (*leakdesk.Account, error) {
	return s.findOne(ctx, "name = ?", name)
}

func (s *AccountService) findOne(ctx context.Context, where string, arg any) (*leakdesk.Account, error) {
	var acc *leakdesk.Account
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		if acc, err = s.db.findAccount(ctx, tx, where, arg); err != nil {
			return err
		}
		acc.Grants, err = s.db.findGrants(ctx, tx, acc.ID)
		return err
	})
	return acc, err
}

func (s *AccountService) FindAccounts(ctx context.Context) ([]*leakdesk.Account, error) {
	var list []*leakdesk.Account
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		if list, err = s.db.findAccounts(ctx, tx, "1 = 1"); err != nil {
			return err
		}
		for _, acc := range list {
			if acc.Grants, err = s.db.findGrants(ctx, tx, acc.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return list, err
}

func (s *AccountService) DisableAccount(ctx context.Context, id int64, actor string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		acc, err := s.db.findAccount(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		if acc.Disabled {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "account %s is already disabled", acc.Name)
		}
		if _, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE accounts SET disabled = ? WHERE id = ?`), true, id); err != nil {
			return fmt.Errorf("disable account: %w", err)
		}
		return s.db.recordAccountEvent(ctx, tx, actor, leakdesk.AccountDisabled, acc.Name, "")
	})
}

func (s *AccountService) SetPassword(ctx context.Context, id int64, password, actor string) error {
	if err := leakdesk.ValidatePassword(password); err != nil {
		return err
	}
	// Hashed before the transaction: it takes a noticeable time, and
	// SQLite's writers would wait for it.
	hash := auth.HashPassword(password, s.params)
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		acc, err := s.db.findAccount(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE accounts SET password_hash = ? WHERE id = ?`), hash, id); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		return s.db.recordAccountEvent(ctx, tx, actor, leakdesk.AccountPasswordSet, acc.Name, "")
	})
}

func (s *AccountService) Authenticate(ctx context.Context, name, password string) (*leakdesk.Principal, error) {
	var acc *leakdesk.Account
	var hash string
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT id, password_hash FROM accounts WHERE name = ?`), name).Scan(new(int64), &hash)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return fmt.Errorf("find account: %w", err)
		}
		acc, err = s.db.activeAccount(ctx, tx, "name = ?", name)
		return err
	})
	if err != nil && leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED {
		return nil, err
	}
	if acc == nil || hash == "" {
		auth.CheckPassword(password, s.dummyHash)
		return nil, errBadLogin()
	}
	ok, err := auth.CheckPassword(password, hash)
	if err != nil {
		return nil, fmt.Errorf("account %s: %w", acc.Name, err)
	}
	if !ok {
		return nil, errBadLogin()
	}
	return &leakdesk.Principal{Kind: leakdesk.PrincipalAccount, Name: acc.Name, AccountID: acc.ID, Grants: acc.Grants}, nil
}

// activeAccount returns an account that is not disabled, with its grants,
// or EUNAUTHORIZED: a disabled account's password, tokens and sessions all
// stop working at once.
func (d *DB) activeAccount(ctx context.Context, tx *sql.Tx, where string, arg any) (*leakdesk.Account, error) {
	acc, err := d.findAccount(ctx, tx, where, arg)
	if leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND || (err == nil && acc.Disabled) {
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "the account is unknown or disabled")
	}
	if err != nil {
		return nil, err
	}
	acc.Grants, err = d.findGrants(ctx, tx, acc.ID)
	return acc, err
}

// findAccount returns the one account matching where, or ENOTFOUND.
func (d *DB) findAccount(ctx context.Context, tx *sql.Tx, where string, arg any) (*leakdesk.Account, error) {
	list, err := d.findAccounts(ctx, tx, where, arg)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "account %v not found", arg)
	}
	return list[0], nil
}

func (d *DB) findAccounts(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*leakdesk.Account, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT id, name, display_name, disabled, created_at FROM accounts WHERE `+where+` ORDER BY name`), args...)
	if err != nil {
		return nil, fmt.Errorf("query accounts: %w", err)
	}
	defer rows.Close()
	var list []*leakdesk.Account
	for rows.Next() {
		var acc leakdesk.Account
		if err := rows.Scan(&acc.ID, &acc.Name, &acc.DisplayName, &acc.Disabled, scanTime{&acc.CreatedAt}); err != nil {
			return nil, fmt.Errorf("scan account: %w", err)
		}
		list = append(list, &acc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read accounts: %w", err)
	}
	return list, nil
}
