package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

func (a *app) userCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage accounts, their roles per incident, and API tokens",
		Long: `Manage the accounts that log in to the console and the API. Each account
holds roles (lead, analyst, legal, communications, viewer, admin), each on one
incident (--incident) or on all. Every change goes to the account audit log
(leakdesk user log). See docs/accounts.md.`,
		Args: noArgs,
	}
	cmd.AddCommand(a.userAddCommand(), a.userListCommand(), a.userDisableCommand(), a.userPasswordCommand(),
		a.userGrantCommand(true), a.userGrantCommand(false), a.userTokenCommand(), a.userTokensCommand(), a.userRevokeTokenCommand(), a.userLogCommand())
	return cmd
}

func (a *app) accounts(ctx context.Context) (*store.AccountService, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	return store.NewAccountService(db, a.passwordParams), nil
}

// namedAccount is the account service and the account named name.
func (a *app) namedAccount(ctx context.Context, name string) (*store.AccountService, *leakdesk.Account, error) {
	svc, err := a.accounts(ctx)
	if err != nil {
		return nil, nil, err
	}
	acc, err := svc.FindAccountByName(ctx, name)
	return svc, acc, err
}

// grantFlags reads --role and --incident into a grant.
type grantFlags struct{ role, incident string }

func (g *grantFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&g.role, "role", "", "lead, analyst, legal, communications, viewer or admin")
	cmd.Flags().StringVar(&g.incident, "incident", "", "the incident the role is for (default: all incidents)")
}

func (g *grantFlags) grant(accountID int64) (leakdesk.Grant, error) {
	role, err := leakdesk.ParseRole(g.role)
	if err != nil {
		return leakdesk.Grant{}, err
	}
	out := leakdesk.Grant{AccountID: accountID, Role: role}
	if g.incident != "" {
		if out.IncidentID, err = leakdesk.ParseIncidentID(g.incident); err != nil {
			return leakdesk.Grant{}, err
		}
	}
	return out, out.Validate()
}

// readPassword reads a password from the first line of standard input, so
// that it appears in no argument list or shell history.
func (a *app) readPassword() (string, error) {
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", leakdesk.Errorf(leakdesk.EINVALID, "--password-stdin: no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (a *app) userAddCommand() *cobra.Command {
	var g grantFlags
	var display string
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:   "add NAME [--role ROLE [--incident ID]] [--password-stdin]",
		Short: "Create an account, with a role and a password read from standard input",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			password := ""
			if passwordStdin {
				var err error
				if password, err = a.readPassword(); err != nil {
					return err
				}
				if err := leakdesk.ValidatePassword(password); err != nil {
					return err
				}
			}
			svc, err := a.accounts(ctx)
			if err != nil {
				return err
			}
			open := leakdesk.AccountOpening{Account: &leakdesk.Account{Name: args[0], DisplayName: display}, Password: password}
			var incidents leakdesk.IncidentService
			if g.role != "" {
				grant, err := g.grant(0)
				if err != nil {
					return err
				}
				open.Grant = &grant
				if grant.IncidentID != leakdesk.AllIncidents {
					if incidents, err = a.incidents(ctx); err != nil {
						return err
					}
				}
			}
			if err := leakdesk.OpenAccount(ctx, svc, incidents, open, a.actor); err != nil {
				return err
			}
			return a.printAccount(ctx, svc, open.Account.ID)
		},
	}
	g.add(cmd)
	cmd.Flags().StringVar(&display, "display-name", "", "the person's name, as the console shows it")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	return cmd
}

func (a *app) printAccount(ctx context.Context, svc *store.AccountService, id int64) error {
	acc, err := svc.FindAccountByID(ctx, id)
	if err != nil {
		return err
	}
	if a.format == "json" {
		return writeJSON(a.stdout, acc)
	}
	return a.printAccounts([]*leakdesk.Account{acc})
}

func (a *app) printAccounts(list []*leakdesk.Account) error {
	t := newTable(a.stdout, "NAME", "STATE", "ROLES", "CREATED", "DISPLAY NAME")
	for _, acc := range list {
		var roles []string
		for _, g := range acc.Grants {
			roles = append(roles, g.String())
		}
		state := "active"
		if acc.Disabled {
			state = "disabled"
		}
		t.row(acc.Name, state, orDash(strings.Join(roles, ", ")), showTime(acc.CreatedAt, time.UTC), acc.DisplayName)
	}
	return t.flush()
}

func (a *app) userListCommand() *cobra.Command {
	return accountsListing(a, "list", "List accounts with their roles", exactArgs(),
		func(ctx context.Context, svc *store.AccountService, _ []string) ([]*leakdesk.Account, error) {
			return svc.FindAccounts(ctx)
		}, a.printAccounts)
}

// accountsListing is a command that lists what one call to the account
// service finds, as JSON or as a table that print writes.
func accountsListing[T any](a *app, use, short string, args cobra.PositionalArgs,
	find func(ctx context.Context, svc *store.AccountService, args []string) ([]T, error), print func([]T) error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  args,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.accounts(cmd.Context())
			if err != nil {
				return err
			}
			list, err := find(cmd.Context(), svc, args)
			if err != nil {
				return err
			}
			if a.format == "json" {
				if list == nil {
					list = []T{}
				}
				return writeJSON(a.stdout, list)
			}
			return print(list)
		},
	}
}

// accountCommand is a command on one named account: one service call,
// then the account as it now stands.
func (a *app) accountCommand(use, short string, call func(ctx context.Context, svc *store.AccountService, acc *leakdesk.Account) error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			svc, acc, err := a.namedAccount(ctx, args[0])
			if err != nil {
				return err
			}
			if err := call(ctx, svc, acc); err != nil {
				return err
			}
			return a.printAccount(ctx, svc, acc.ID)
		},
	}
}

func (a *app) userDisableCommand() *cobra.Command {
	return a.accountCommand("disable NAME", "Disable an account: its password, tokens and sessions stop working",
		func(ctx context.Context, svc *store.AccountService, acc *leakdesk.Account) error {
			return svc.DisableAccount(ctx, acc.ID, a.actor)
		})
}

func (a *app) userPasswordCommand() *cobra.Command {
	return a.accountCommand("password NAME", "Set an account's password, read from the first line of standard input",
		func(ctx context.Context, svc *store.AccountService, acc *leakdesk.Account) error {
			password, err := a.readPassword()
			if err != nil {
				return err
			}
			return svc.SetPassword(ctx, acc.ID, password, a.actor)
		})
}

// userGrantCommand is "user grant" or, when !grant, "user revoke".
func (a *app) userGrantCommand(grant bool) *cobra.Command {
	var g grantFlags
	use, short := "grant NAME --role ROLE [--incident ID]", "Give an account a role, on one incident or on all"
	if !grant {
		use, short = "revoke NAME --role ROLE [--incident ID]", "Take a role back from an account"
	}
	cmd := a.accountCommand(use, short, func(ctx context.Context, svc *store.AccountService, acc *leakdesk.Account) error {
		gr, err := g.grant(acc.ID)
		if err != nil {
			return err
		}
		if grant {
			return svc.GrantRole(ctx, gr, a.actor)
		}
		return svc.RevokeRole(ctx, gr, a.actor)
	})
	g.add(cmd)
	return cmd
}

func (a *app) userTokenCommand() *cobra.Command {
	var roles []string
	var incident, note string
	var expires time.Duration
	cmd := &cobra.Command{
		Use:   "token NAME [--role ROLE]... [--incident ID] [--expires 720h] [--note TEXT]",
		Short: "Make an API token acting for an account; prints its secret once",
		Long: `Make an API token acting for an account, within a scope: some of its roles
(--role, repeated; default all), on one incident (--incident; default every
incident its grants cover). The secret is printed once and stored only as a
hash: keep it in a secret store. A token never holds a right its owner lacks,
and stops working when it expires, is revoked, or its owner is disabled.`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if expires <= 0 || expires > leakdesk.MaxTokenLifetime {
				return leakdesk.Errorf(leakdesk.EINVALID, "invalid --expires %s: want a duration up to %s, such as 720h", expires, leakdesk.MaxTokenLifetime)
			}
			svc, acc, err := a.namedAccount(ctx, args[0])
			if err != nil {
				return err
			}
			tok := &leakdesk.Token{AccountID: acc.ID, Note: note, ExpiresAt: a.now().Add(expires)}
			for _, r := range roles {
				role, err := leakdesk.ParseRole(r)
				if err != nil {
					return err
				}
				tok.Scope.Roles = append(tok.Scope.Roles, role)
			}
			if incident != "" {
				if tok.Scope.IncidentID, err = leakdesk.ParseIncidentID(incident); err != nil {
					return err
				}
			}
			secret, err := svc.CreateToken(ctx, tok, a.actor)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, leakdesk.IssuedToken{Token: tok, Secret: secret})
			}
			fmt.Fprintf(a.stdout, "token %d for %s, expires %s\n%s\n", tok.ID, tok.Owner, showTime(tok.ExpiresAt, time.UTC), secret)
			fmt.Fprintln(a.stderr, "leakdesk: this secret is shown once and cannot be recovered; keep it in a secret store.")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&roles, "role", nil, "a role of the owner the token may use (repeat; default all)")
	f.StringVar(&incident, "incident", "", "the one incident the token may act on (default: all the owner's)")
	f.DurationVar(&expires, "expires", 720*time.Hour, "how long the token lasts")
	f.StringVar(&note, "note", "", "what the token is for")
	return cmd
}

func (a *app) userTokensCommand() *cobra.Command {
	return accountsListing(a, "tokens NAME", "List an account's API tokens (never their secrets)", exactArgs("NAME"),
		func(ctx context.Context, svc *store.AccountService, args []string) ([]*leakdesk.Token, error) {
			acc, err := svc.FindAccountByName(ctx, args[0])
			if err != nil {
				return nil, err
			}
			return svc.FindTokens(ctx, acc.ID)
		}, a.printTokens)
}

func (a *app) printTokens(list []*leakdesk.Token) error {
	t := newTable(a.stdout, "ID", "STATE", "EXPIRES", "ROLES", "INCIDENT", "NOTE")
	for _, tok := range list {
		state := "active"
		switch {
		case !tok.RevokedAt.IsZero():
			state = "revoked"
		case !a.now().Before(tok.ExpiresAt):
			state = "expired"
		}
		incident := "all"
		if tok.Scope.IncidentID != leakdesk.AllIncidents {
			incident = leakdesk.FormatIncidentID(tok.Scope.IncidentID)
		}
		roles := "all"
		if len(tok.Scope.Roles) > 0 {
			roles = fmt.Sprint(tok.Scope.Roles)
		}
		t.row(strconv.FormatInt(tok.ID, 10), state, showTime(tok.ExpiresAt, time.UTC), roles, incident, tok.Note)
	}
	return t.flush()
}

func (a *app) userRevokeTokenCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke-token ID",
		Short: "Stop an API token from working",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return leakdesk.Errorf(leakdesk.EINVALID, "invalid token ID %q: want the number user tokens shows", args[0])
			}
			svc, err := a.accounts(cmd.Context())
			if err != nil {
				return err
			}
			if err := svc.RevokeToken(cmd.Context(), id, a.actor); err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, map[string]any{"id": id, "revoked": true})
			}
			_, err = fmt.Fprintf(a.stdout, "token %d revoked\n", id)
			return err
		},
	}
}

func (a *app) userLogCommand() *cobra.Command {
	return accountsListing(a, "log", "Print the account audit log: who created, disabled or granted what, and when", exactArgs(),
		func(ctx context.Context, svc *store.AccountService, _ []string) ([]*leakdesk.AccountEvent, error) {
			return svc.FindAccountEvents(ctx)
		},
		func(list []*leakdesk.AccountEvent) error {
			t := newTable(a.stdout, "AT", "ACTOR", "KIND", "ACCOUNT", "DETAIL")
			for _, e := range list {
				t.row(showTime(e.At, time.UTC), e.Actor, e.Kind, e.Account, e.Detail)
			}
			return t.flush()
		})
}
