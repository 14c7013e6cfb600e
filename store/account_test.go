package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/auth"
	"github.com/leakdesk/leakdesk/store"
)

// cheapParams keep password hashing fast in tests; auth's benchmark
// measures the real costs.
var cheapParams = auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

const admin = "local:root"

// newAccount creates an account with a password and grants.
func newAccount(t *testing.T, svc *store.AccountService, name, password string, grants ...leakdesk.Grant) *leakdesk.Account {
	t.Helper()
	ctx := context.Background()
	acc := &leakdesk.Account{Name: name}
	if err := svc.CreateAccount(ctx, acc, admin); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	if password != "" {
		if err := svc.SetPassword(ctx, acc.ID, password, admin); err != nil {
			t.Fatalf("set password: %v", err)
		}
	}
	for _, g := range grants {
		g.AccountID = acc.ID
		if err := svc.GrantRole(ctx, g, admin); err != nil {
			t.Fatalf("grant %s: %v", g, err)
		}
	}
	return acc
}

func TestAccounts(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db)
		incidents := newIncidents(t, h.db)
		inc := mustCreate(t, incidents, newIncident("accounts"))
		svc := store.NewAccountService(h.db, cheapParams)
		alice := newAccount(t, svc, "alice", "correct horse battery", leakdesk.Grant{Role: leakdesk.RoleLead, IncidentID: inc.ID}, leakdesk.Grant{Role: leakdesk.RoleViewer})

		wantCode(t, svc.CreateAccount(ctx, &leakdesk.Account{Name: "alice"}, admin), leakdesk.ECONFLICT)
		wantCode(t, svc.CreateAccount(ctx, &leakdesk.Account{Name: "local:x"}, admin), leakdesk.EINVALID)
		wantCode(t, svc.GrantRole(ctx, leakdesk.Grant{AccountID: alice.ID, Role: leakdesk.RoleViewer}, admin), leakdesk.ECONFLICT)
		wantCode(t, svc.GrantRole(ctx, leakdesk.Grant{AccountID: alice.ID, Role: leakdesk.RoleLegal, IncidentID: 999}, admin), leakdesk.ENOTFOUND)
		wantCode(t, svc.SetPassword(ctx, alice.ID, "short", admin), leakdesk.EINVALID)

		got, err := svc.FindAccountByName(ctx, "alice")
		if err != nil || got.ID != alice.ID || len(got.Grants) != 2 || got.CreatedAt.IsZero() {
			t.Fatalf("FindAccountByName: %+v, %v", got, err)
		}
		_, err = svc.FindAccountByID(ctx, 999)
		wantCode(t, err, leakdesk.ENOTFOUND)

		p, err := svc.Authenticate(ctx, "alice", "correct horse battery")
		if err != nil || p.String() != "alice" || p.Authorize(inc.ID, leakdesk.ActionIncidentClose) != nil {
			t.Fatalf("Authenticate: %+v, %v", p, err)
		}
		if err := p.Authorize(inc.ID+1, leakdesk.ActionIncidentClose); leakdesk.ErrorCode(err) != leakdesk.EFORBIDDEN {
			t.Errorf("alice leads another incident: %v", err)
		}

		// A wrong password and an unknown name fail alike.
		_, wrongPassword := svc.Authenticate(ctx, "alice", "correct horse battery!")
		_, unknownName := svc.Authenticate(ctx, "bob", "correct horse battery")
		wantCode(t, wrongPassword, leakdesk.EUNAUTHORIZED)
		if unknownName == nil || unknownName.Error() != wrongPassword.Error() {
			t.Errorf("an unknown name fails with %v, a wrong password with %v", unknownName, wrongPassword)
		}
		// An account with no password cannot log in with an empty one.
		newAccount(t, svc, "nopass", "")
		_, err = svc.Authenticate(ctx, "nopass", "")
		wantCode(t, err, leakdesk.EUNAUTHORIZED)

		wantCode(t, svc.RevokeRole(ctx, leakdesk.Grant{AccountID: alice.ID, Role: leakdesk.RoleViewer}, admin), "")
		wantCode(t, svc.RevokeRole(ctx, leakdesk.Grant{AccountID: alice.ID, Role: leakdesk.RoleViewer}, admin), leakdesk.ENOTFOUND)

		// The password's hash is argon2id; no column holds the password.
		var hash string
		h.raw.QueryRow(`SELECT password_hash FROM accounts WHERE name = 'alice'`).Scan(&hash)
		if !strings.HasPrefix(hash, "$argon2id$") || strings.Contains(hash, "horse") {
			t.Errorf("stored password hash %q", hash)
		}

		list, err := svc.FindAccounts(ctx)
		if err != nil || len(list) != 2 || list[0].Name != "alice" {
			t.Fatalf("FindAccounts: %v, %v", list, err)
		}
		log, err := svc.FindAccountEvents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range log {
			kinds = append(kinds, e.Kind)
			if e.Actor != admin {
				t.Errorf("audit entry %+v does not name who acted", e)
			}
		}
		want := "account.created account.password_set account.granted account.granted account.created account.revoked"
		if strings.Join(kinds, " ") != want {
			t.Errorf("audit log %q, want %q", strings.Join(kinds, " "), want)
		}
	})
}

func TestTokens(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		incidents := newIncidents(t, h.db)
		inc := mustCreate(t, incidents, newIncident("tokens"))
		svc := store.NewAccountService(h.db, cheapParams)
		alice := newAccount(t, svc, "alice", "", leakdesk.Grant{Role: leakdesk.RoleLead}, leakdesk.Grant{Role: leakdesk.RoleAdmin})

		tok := &leakdesk.Token{AccountID: alice.ID, Note: "ci", Scope: leakdesk.TokenScope{Roles: []leakdesk.Role{leakdesk.RoleLead}, IncidentID: inc.ID}, ExpiresAt: clk.now().Add(time.Hour)}
		secret, err := svc.CreateToken(ctx, tok, admin)
		if err != nil || tok.ID == 0 || tok.Owner != "alice" || !strings.HasPrefix(secret, auth.TokenPrefix) {
			t.Fatalf("CreateToken: %+v %q %v", tok, secret, err)
		}
		// The secret is stored only as its hash.
		var stored int
		h.raw.QueryRow(`SELECT count(*) FROM api_tokens WHERE secret_hash = '` + auth.SecretHash(secret) + `'`).Scan(&stored)
		if stored != 1 || h.rawContains(t, secret) {
			t.Errorf("the token's secret is not stored as its hash alone")
		}

		p, err := svc.AuthenticateToken(ctx, secret)
		if err != nil || p.String() != "token:"+strconv.FormatInt(tok.ID, 10)+" (alice)" {
			t.Fatalf("AuthenticateToken: %+v, %v", p, err)
		}
		if p.Authorize(inc.ID, leakdesk.ActionIncidentClose) != nil {
			t.Error("the token cannot lead its incident")
		}
		if p.Authorize(inc.ID+1, leakdesk.ActionIncidentRead) == nil || p.Authorize(leakdesk.AllIncidents, leakdesk.ActionAccountsManage) == nil {
			t.Error("the token acts beyond its scope")
		}

		_, err = svc.CreateToken(ctx, &leakdesk.Token{AccountID: alice.ID, Scope: leakdesk.TokenScope{Roles: []leakdesk.Role{leakdesk.RoleLegal}}, ExpiresAt: clk.now().Add(time.Hour)}, admin)
		wantCode(t, err, leakdesk.EINVALID)
		_, err = svc.CreateToken(ctx, &leakdesk.Token{AccountID: alice.ID, ExpiresAt: clk.now().Add(-time.Minute)}, admin)
		wantCode(t, err, leakdesk.EINVALID)
		_, err = svc.CreateToken(ctx, &leakdesk.Token{AccountID: alice.ID, ExpiresAt: clk.now().Add(2 * leakdesk.MaxTokenLifetime)}, admin)
		wantCode(t, err, leakdesk.EINVALID)

		for _, bad := range []string{"", "ldt_forged", "lds_" + secret[4:], secret + "x"} {
			_, err := svc.AuthenticateToken(ctx, bad)
			wantCode(t, err, leakdesk.EUNAUTHORIZED)
		}

		// Revoked, then expired, then disabled: each stops a token.
		other, _ := svc.CreateToken(ctx, &leakdesk.Token{AccountID: alice.ID, ExpiresAt: clk.now().Add(2 * time.Hour)}, admin)
		wantCode(t, svc.RevokeToken(ctx, tok.ID, admin), "")
		wantCode(t, svc.RevokeToken(ctx, tok.ID, admin), leakdesk.ECONFLICT)
		_, err = svc.AuthenticateToken(ctx, secret)
		wantCode(t, err, leakdesk.EUNAUTHORIZED)
		if _, err := svc.AuthenticateToken(ctx, other); err != nil {
			t.Fatalf("another token stopped too: %v", err)
		}
		clk.advance(2 * time.Hour)
		_, err = svc.AuthenticateToken(ctx, other)
		wantCode(t, err, leakdesk.EUNAUTHORIZED)

		third, _ := svc.CreateToken(ctx, &leakdesk.Token{AccountID: alice.ID, ExpiresAt: clk.now().Add(time.Hour)}, admin)
		wantCode(t, svc.DisableAccount(ctx, alice.ID, admin), "")
		wantCode(t, svc.DisableAccount(ctx, alice.ID, admin), leakdesk.ECONFLICT)
		_, err = svc.AuthenticateToken(ctx, third)
		wantCode(t, err, leakdesk.EUNAUTHORIZED)

		list, err := svc.FindTokens(ctx, alice.ID)
		if err != nil || len(list) != 3 || list[2].RevokedAt.IsZero() || list[2].Scope.IncidentID != inc.ID || len(list[2].Scope.Roles) != 1 {
			t.Fatalf("FindTokens: %+v, %v", list, err)
		}
	})
}

func TestSessions(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		svc := store.NewAccountService(h.db, cheapParams)
		alice := newAccount(t, svc, "alice", "correct horse battery", leakdesk.Grant{Role: leakdesk.RoleViewer})
		bob := newAccount(t, svc, "bob", "correct horse battery")

		sess, secret, err := svc.CreateSession(ctx, alice.ID, time.Hour)
		if err != nil || !strings.HasPrefix(secret, auth.SessionPrefix) || sess.ExpiresAt.Sub(sess.CreatedAt) != time.Hour {
			t.Fatalf("CreateSession: %+v, %v", sess, err)
		}
		if h.rawContains(t, secret) {
			t.Error("the session's secret is stored in clear")
		}
		p, got, err := svc.AuthenticateSession(ctx, secret)
		if err != nil || p.String() != "alice" || got.ID != sess.ID || len(p.Grants) != 1 {
			t.Fatalf("AuthenticateSession: %+v %+v %v", p, got, err)
		}
		for _, bad := range []string{"", "lds_forged", "ldt_" + secret[4:]} {
			_, _, err := svc.AuthenticateSession(ctx, bad)
			wantCode(t, err, leakdesk.EUNAUTHORIZED)
		}

		clk.advance(time.Hour)
		_, _, err = svc.AuthenticateSession(ctx, secret)
		wantCode(t, err, leakdesk.EUNAUTHORIZED)

		_, second, _ := svc.CreateSession(ctx, alice.ID, time.Hour)
		wantCode(t, svc.RevokeSession(ctx, second), "")
		_, _, err = svc.AuthenticateSession(ctx, second)
		wantCode(t, err, leakdesk.EUNAUTHORIZED)
		wantCode(t, svc.RevokeSession(ctx, "lds_unknown"), leakdesk.EUNAUTHORIZED)

		_, third, _ := svc.CreateSession(ctx, bob.ID, time.Hour)
		wantCode(t, svc.DisableAccount(ctx, bob.ID, admin), "")
		_, _, err = svc.AuthenticateSession(ctx, third)
		wantCode(t, err, leakdesk.EUNAUTHORIZED)
		_, err = svc.Authenticate(ctx, "bob", "correct horse battery")
		wantCode(t, err, leakdesk.EUNAUTHORIZED)
		_, _, err = svc.CreateSession(ctx, bob.ID, time.Hour)
		wantCode(t, err, leakdesk.EUNAUTHORIZED)
	})
}

// rawContains reports whether any text column of the account tables holds s.
func (h *harness) rawContains(t *testing.T, s string) bool {
	t.Helper()
	for _, q := range []string{
		`SELECT count(*) FROM api_tokens WHERE secret_hash = '` + s + `' OR note = '` + s + `'`,
		`SELECT count(*) FROM sessions WHERE secret_hash = '` + s + `'`,
		`SELECT count(*) FROM account_events WHERE detail LIKE '%` + s + `%'`,
	} {
		var n int
		if err := h.raw.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return true
		}
	}
	return false
}
