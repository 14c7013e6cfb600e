package store_test

import (
	"context"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// TestOIDCIdentities: a linked subject finds its account, once; an
// unlinked one, or the same subject at another issuer, finds none.
func TestOIDCIdentities(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		svc := store.NewAccountService(h.db, cheapParams)
		ana := newAccount(t, svc, "ana", "", leakdesk.Grant{Role: leakdesk.RoleLead})
		if err := svc.LinkOIDC(ctx, ana.ID, "https://idp.example", "sub-1", admin); err != nil {
			t.Fatal(err)
		}
		if err := svc.LinkOIDC(ctx, ana.ID, "https://idp.example", "sub-1", admin); leakdesk.ErrorCode(err) != leakdesk.ECONFLICT {
			t.Errorf("linking again: %v, want conflict", err)
		}
		if err := svc.LinkOIDC(ctx, 999, "https://idp.example", "sub-2", admin); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Errorf("linking an unknown account: %v, want not found", err)
		}
		acc, err := svc.FindAccountByOIDC(ctx, "https://idp.example", "sub-1")
		if err != nil || acc.Name != "ana" || len(acc.Grants) != 1 {
			t.Fatalf("find: %+v, %v", acc, err)
		}
		if _, err := svc.FindAccountByOIDC(ctx, "https://other.example", "sub-1"); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Errorf("another issuer's subject: %v, want not found", err)
		}
	})
}
