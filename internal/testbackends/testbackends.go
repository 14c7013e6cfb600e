// Package testbackends runs a test of the service layer on every store,
// SQLite and PostgreSQL, each fresh, with an evidence vault and the
// embedded rules: real parts, as DESIGN.md asks of tests.
package testbackends

import (
	"context"
	"testing"

	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/store/storetest"
	"github.com/leakdesk/leakdesk/vault"
)

// Desk is a fresh store, an evidence vault, and the embedded rules.
type Desk struct {
	DB    *store.DB
	Vault *vault.Vault
	Rules *rules.Rules
}

// Each runs fn on a fresh desk of each backend, in parallel subtests
// named after the backend.
func Each(t *testing.T, fn func(t *testing.T, d *Desk)) {
	r, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, backend, r))
		})
	}
}

// Open returns a fresh desk of backend ("sqlite" or "postgres") with the
// rules r, closed when the test ends.
func Open(t testing.TB, backend string, r *rules.Rules) *Desk {
	t.Helper()
	db, err := store.Open(context.Background(), storetest.DSN(t, backend), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	key, err := vault.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(t.TempDir(), key)
	if err != nil {
		t.Fatal(err)
	}
	return &Desk{DB: db, Vault: v, Rules: r}
}
