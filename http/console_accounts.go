package http

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/leakdesk/leakdesk"
)

// The accounts pages, for admins: the same AccountService calls as
// leakdesk user and the accounts API, from forms.

type accountsPage struct {
	Title    string
	Accounts []*leakdesk.Account
	Roles    []leakdesk.Role
}

type accountPage struct {
	Title   string
	Account *leakdesk.Account
	Tokens  []*leakdesk.Token
	Roles   []leakdesk.Role
	Secret  string // a token's secret, shown once, after it is made
	Now     time.Time
}

// accountsAdmin is the principal, refused unless it may manage accounts.
func accountsAdmin(r *http.Request) (*leakdesk.Principal, error) {
	p, err := consolePrincipal(r)
	if err != nil {
		return nil, err
	}
	return p, p.Authorize(leakdesk.AllIncidents, leakdesk.ActionAccountsManage)
}

// accounts lists every account with its grants, and a form to add one.
func (c *console) accounts() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := accountsAdmin(r); err != nil {
			c.fail(w, r, err)
			return
		}
		list, err := c.deps.Accounts.FindAccounts(r.Context())
		if err != nil {
			c.fail(w, r, err)
			return
		}
		c.render(w, http.StatusOK, "accounts.html", accountsPage{Title: "Accounts", Accounts: list, Roles: leakdesk.Roles()})
	})
}

// account shows one account: its grants, its tokens, and what may change.
func (c *console) account() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := accountsAdmin(r); err != nil {
			c.fail(w, r, err)
			return
		}
		c.showAccount(w, r, "")
	})
}

func (c *console) showAccount(w http.ResponseWriter, r *http.Request, secret string) {
	acc, err := c.deps.Accounts.FindAccountByName(r.Context(), r.PathValue("account"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	tokens, err := c.deps.Accounts.FindTokens(r.Context(), acc.ID)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if secret != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	c.render(w, http.StatusOK, "account.html", accountPage{Title: "Account " + acc.Name, Account: acc, Tokens: tokens,
		Roles: leakdesk.Roles(), Secret: secret, Now: c.deps.Now()})
}

// addAccount creates an account, with a password and a first role if
// given; a refused password or role leaves no account behind.
func (c *console) addAccount() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := accountsAdmin(r)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		password := r.PostFormValue("password")
		if password != "" {
			if err := leakdesk.ValidatePassword(password); err != nil {
				c.fail(w, r, err)
				return
			}
		}
		var grant *leakdesk.Grant
		if r.PostFormValue("role") != "" {
			g, err := formGrant(r, 0)
			if err != nil {
				c.fail(w, r, err)
				return
			}
			grant = &g
		}
		acc := &leakdesk.Account{Name: r.PostFormValue("name"), DisplayName: r.PostFormValue("display_name")}
		if err := c.deps.Accounts.CreateAccount(r.Context(), acc, p.String()); err != nil {
			c.fail(w, r, err)
			return
		}
		if password != "" {
			if err := c.deps.Accounts.SetPassword(r.Context(), acc.ID, password, p.String()); err != nil {
				c.fail(w, r, err)
				return
			}
		}
		if grant != nil {
			grant.AccountID = acc.ID
			if err := c.deps.Accounts.GrantRole(r.Context(), *grant, p.String()); err != nil {
				c.fail(w, r, err)
				return
			}
		}
		http.Redirect(w, r, accountPath(acc.Name), http.StatusSeeOther)
	})
}

// changeAccount runs one change of the path's account and returns to its
// page: disable, grant, revoke.
func (c *console) changeAccount(change func(r *http.Request, acc *leakdesk.Account, actor string) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := accountsAdmin(r)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		acc, err := c.deps.Accounts.FindAccountByName(r.Context(), r.PathValue("account"))
		if err != nil {
			c.fail(w, r, err)
			return
		}
		if err := change(r, acc, p.String()); err != nil {
			c.fail(w, r, err)
			return
		}
		http.Redirect(w, r, accountPath(acc.Name), http.StatusSeeOther)
	})
}

func (c *console) disableAccount() http.Handler {
	return c.changeAccount(func(r *http.Request, acc *leakdesk.Account, actor string) error {
		return c.deps.Accounts.DisableAccount(r.Context(), acc.ID, actor)
	})
}

func (c *console) grantRole() http.Handler {
	return c.changeGrant(leakdesk.AccountService.GrantRole)
}

func (c *console) revokeRole() http.Handler {
	return c.changeGrant(leakdesk.AccountService.RevokeRole)
}

// changeGrant grants or revokes the role of the form.
func (c *console) changeGrant(change func(leakdesk.AccountService, context.Context, leakdesk.Grant, string) error) http.Handler {
	return c.changeAccount(func(r *http.Request, acc *leakdesk.Account, actor string) error {
		g, err := formGrant(r, acc.ID)
		if err != nil {
			return err
		}
		return change(c.deps.Accounts, r.Context(), g, actor)
	})
}

func (c *console) revokeToken() http.Handler {
	return c.changeAccount(func(r *http.Request, acc *leakdesk.Account, actor string) error {
		id, err := pathNumber(r, "token")
		if err != nil {
			return err
		}
		// Only a token of the named account, so that the address says the truth.
		tokens, err := c.deps.Accounts.FindTokens(r.Context(), acc.ID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(tokens, func(t *leakdesk.Token) bool { return t.ID == id }) {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "%s has no token %d", acc.Name, id)
		}
		return c.deps.Accounts.RevokeToken(r.Context(), id, actor)
	})
}

// makeToken makes an API token for the account and shows its secret on
// the account's page, this once.
func (c *console) makeToken() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := accountsAdmin(r)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		acc, err := c.deps.Accounts.FindAccountByName(r.Context(), r.PathValue("account"))
		if err != nil {
			c.fail(w, r, err)
			return
		}
		days, err := strconv.Atoi(r.PostFormValue("days"))
		if err != nil || days < 1 {
			c.fail(w, r, leakdesk.Errorf(leakdesk.EINVALID, "the number of days %q is not a whole number above 0", r.PostFormValue("days")))
			return
		}
		tok := &leakdesk.Token{AccountID: acc.ID, Note: r.PostFormValue("note"), ExpiresAt: c.deps.Now().Add(time.Duration(days) * 24 * time.Hour)}
		if role := r.PostFormValue("role"); role != "" {
			parsed, err := leakdesk.ParseRole(role)
			if err != nil {
				c.fail(w, r, err)
				return
			}
			tok.Scope.Roles = []leakdesk.Role{parsed}
		}
		if incident := r.PostFormValue("incident"); incident != "" {
			if tok.Scope.IncidentID, err = leakdesk.ParseIncidentID(incident); err != nil {
				c.fail(w, r, err)
				return
			}
		}
		secret, err := c.deps.Accounts.CreateToken(r.Context(), tok, p.String())
		if err != nil {
			c.fail(w, r, err)
			return
		}
		c.showAccount(w, r, secret)
	})
}

// formGrant reads a role and an optional incident from a form, as
// leakdesk user grant reads --role and --incident.
func formGrant(r *http.Request, accountID int64) (leakdesk.Grant, error) {
	role, err := leakdesk.ParseRole(r.PostFormValue("role"))
	if err != nil {
		return leakdesk.Grant{}, err
	}
	g := leakdesk.Grant{AccountID: accountID, Role: role}
	if incident := r.PostFormValue("incident"); incident != "" {
		if g.IncidentID, err = leakdesk.ParseIncidentID(incident); err != nil {
			return leakdesk.Grant{}, err
		}
	}
	return g, g.Validate()
}

func accountPath(name string) string { return "/console/accounts/" + url.PathEscape(name) }
