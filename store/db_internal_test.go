package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/leakdesk/leakdesk/store/storetest"
)

// TestOnlyDeliveryBookkeepingIsRelaxed checks which transactions wait for
// the disk: every one but the relaxed ones that record deliveries, on both
// databases.
func TestOnlyDeliveryBookkeepingIsRelaxed(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, query, durable, relaxed string
		dsn                           func(t *testing.T) string
	}{
		// SQLite reports synchronous as a number: 2 is FULL, 1 NORMAL.
		{"sqlite", `PRAGMA synchronous`, "2", "1", func(t *testing.T) string { return filepath.Join(t.TempDir(), "leakdesk.db") }},
		{"postgres", `SHOW synchronous_commit`, "on", "off", func(t *testing.T) string { return storetest.PostgresURL(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := Open(ctx, tc.dsn(t), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			setting := func(tx *sql.Tx, got *string) error {
				return tx.QueryRowContext(ctx, tc.query).Scan(got)
			}
			var durable, relaxed string
			if err := d.inTx(ctx, func(tx *sql.Tx) error { return setting(tx, &durable) }); err != nil {
				t.Fatal(err)
			}
			if err := d.inRelaxedTx(ctx, func(tx *sql.Tx) error { return setting(tx, &relaxed) }); err != nil {
				t.Fatal(err)
			}
			if durable != tc.durable || relaxed != tc.relaxed {
				t.Errorf("%s: durable transactions %q, relaxed %q; want %q and %q", tc.query, durable, relaxed, tc.durable, tc.relaxed)
			}
		})
	}
}
