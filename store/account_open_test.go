package store_test

import (
	"context"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// TestOpenAccount: an account opened with a password and a grant can log
// in with its role; a weak password, or a grant on an unknown incident,
// is refused before anything is written.
func TestOpenAccount(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		incidents := newIncidents(t, h.db)
		inc := mustCreate(t, incidents, newIncident("open accounts"))
		svc := store.NewAccountService(h.db, cheapParams)

		refused := []struct {
			name string
			open leakdesk.AccountOpening
			code string
		}{
			{"a weak password", leakdesk.AccountOpening{Account: &leakdesk.Account{Name: "weak"}, Password: "short"}, leakdesk.EINVALID},
			{"an unknown incident", leakdesk.AccountOpening{Account: &leakdesk.Account{Name: "lost"}, Grant: &leakdesk.Grant{Role: leakdesk.RoleLead, IncidentID: inc.ID + 1}}, leakdesk.ENOTFOUND},
			{"admin on one incident", leakdesk.AccountOpening{Account: &leakdesk.Account{Name: "boss"}, Grant: &leakdesk.Grant{Role: leakdesk.RoleAdmin, IncidentID: inc.ID}}, leakdesk.EINVALID},
		}
		for _, tc := range refused {
			wantCode(t, leakdesk.OpenAccount(ctx, svc, incidents, tc.open, admin), tc.code)
			if _, err := svc.FindAccountByName(ctx, tc.open.Account.Name); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
				t.Errorf("%s left an account behind: %v", tc.name, err)
			}
		}

		open := leakdesk.AccountOpening{Account: &leakdesk.Account{Name: "carla"}, Password: "a long enough passphrase", Grant: &leakdesk.Grant{Role: leakdesk.RoleLegal, IncidentID: inc.ID}}
		if err := leakdesk.OpenAccount(ctx, svc, incidents, open, admin); err != nil {
			t.Fatal(err)
		}
		p, err := svc.Authenticate(ctx, "carla", "a long enough passphrase")
		if err != nil || p.Authorize(inc.ID, leakdesk.ActionFactsEdit) != nil || p.Authorize(inc.ID, leakdesk.ActionEvidenceRead) == nil {
			t.Fatalf("carla, legal on %d: %+v, %v", inc.ID, p, err)
		}
		// Without a password or a grant, the account exists and can do nothing.
		if err := leakdesk.OpenAccount(ctx, svc, nil, leakdesk.AccountOpening{Account: &leakdesk.Account{Name: "dan"}}, admin); err != nil {
			t.Fatal(err)
		}
		if acc, err := svc.FindAccountByName(ctx, "dan"); err != nil || len(acc.Grants) != 0 {
			t.Errorf("dan: %+v, %v", acc, err)
		}
	})
}
