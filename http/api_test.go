package http

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/auth"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/store"
)

// cheapPasswords keeps argon2id fast in tests.
var cheapPasswords = auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// fixture is a server on a real store, with two incidents (1 and 2).
type fixture struct {
	t         *testing.T
	db        *store.DB
	accounts  *store.AccountService
	incidents *store.IncidentService
	cfg       Config
	handler   http.Handler
	logs      *strings.Builder // written by handlers in the test's goroutine
}

func newFixture(t *testing.T, d *testbackends.Desk, limits Limits) *fixture {
	t.Helper()
	ctx := context.Background()
	db := d.DB
	f := &fixture{t: t, db: db, accounts: store.NewAccountService(db, cheapPasswords), incidents: store.NewIncidentService(db, d.Rules), logs: &strings.Builder{}}
	evidence := store.NewEvidenceService(db, d.Vault)
	profiler, err := dump.NewEvidenceProfiler(evidence, func() (string, error) { return t.TempDir(), nil })
	if err != nil {
		t.Fatal(err)
	}
	notices := store.NewNoticeService(db)
	services := &rules.Services{Incidents: f.incidents, Findings: store.NewFindingsService(db), Notices: notices, Evidence: evidence, Profiler: profiler, Rules: d.Rules}
	f.cfg = Config{Logger: slog.New(slog.NewTextHandler(f.logs, nil)), Notices: notices, Accounts: f.accounts, Incidents: f.incidents,
		Approvals: store.NewApprovalService(db), Portal: store.NewPortalService(db), Evidence: evidence, Findings: services.Findings, SpoolDir: func() (string, error) { return t.TempDir(), nil }, Rules: services, Limits: limits,
		Campaigns: notify.NewCampaigns(notify.Deps{Incidents: f.incidents, Notices: notices, Findings: services.Findings, Approvals: store.NewApprovalService(db), DB: db.SQL(), Dialect: db.Dialect()})}
	if f.handler, err = NewServer(f.cfg); err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"first", "second"} {
		inc := &leakdesk.Incident{Title: title, Role: leakdesk.RoleController, Regimes: []string{"gdpr"}, Country: "FR", TimeZone: "Europe/Paris"}
		if err := f.incidents.CreateIncident(ctx, inc, "local:setup"); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// account creates an account with a password and the grants.
func (f *fixture) account(name string, grants ...leakdesk.Grant) *leakdesk.Account {
	f.t.Helper()
	ctx := context.Background()
	acc := &leakdesk.Account{Name: name}
	if err := f.accounts.CreateAccount(ctx, acc, "local:setup"); err != nil {
		f.t.Fatal(err)
	}
	if err := f.accounts.SetPassword(ctx, acc.ID, name+"-password", "local:setup"); err != nil {
		f.t.Fatal(err)
	}
	for _, g := range grants {
		g.AccountID = acc.ID
		if err := f.accounts.GrantRole(ctx, g, "local:setup"); err != nil {
			f.t.Fatal(err)
		}
	}
	return acc
}

// token makes an API token for the account within scope.
func (f *fixture) token(acc *leakdesk.Account, scope leakdesk.TokenScope) string {
	f.t.Helper()
	secret, err := f.accounts.CreateToken(context.Background(), &leakdesk.Token{AccountID: acc.ID, Scope: scope, ExpiresAt: time.Now().Add(time.Hour)}, "local:setup")
	if err != nil {
		f.t.Fatal(err)
	}
	return secret
}

// do sends a request with a JSON body, prepared by the given options.
func (f *fixture) do(method, path, body string, prepare ...func(*http.Request)) *httptest.ResponseRecorder {
	f.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.RemoteAddr = "192.0.2.1:1234"
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for _, p := range prepare {
		p(r)
	}
	w := httptest.NewRecorder()
	f.handler.ServeHTTP(w, r)
	return w
}

func bearer(secret string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret) }
}

// timelineLength counts the events of every incident, and accountEvents
// the account audit log: together, what a refused request must not change.
func (f *fixture) recordSize() (events, accountEvents int) {
	f.t.Helper()
	ctx := context.Background()
	for id := int64(1); id <= 2; id++ {
		list, err := f.incidents.FindEvents(ctx, id)
		if err != nil {
			f.t.Fatal(err)
		}
		events += len(list)
	}
	log, err := f.accounts.FindAccountEvents(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return events, len(log)
}
