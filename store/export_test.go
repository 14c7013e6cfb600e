package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

func TestExports(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db)
		svc := store.NewExportService(h.db)
		e := &leakdesk.Export{ID: "FX-0a1b2c3d", Recipient: "Sales team", Purpose: "renewals", Filter: "country=FR", Columns: []string{"email", "phone"},
			Format: "csv", File: "/tmp/x.csv", SHA256: strings.Repeat("a", 64), Rows: 120, Decoys: 4, DecoyDomain: "d.example", DecoyPhone: "+3361990",
			DecoyPool: 120, Positions: []string{"phone:+33612345678", "decoy:3"}, Actor: "alice"}
		if err := svc.RecordExport(ctx, e); err != nil {
			t.Fatal(err)
		}
		wantCode(t, svc.RecordExport(ctx, e), leakdesk.ECONFLICT)
		wantCode(t, svc.RecordExport(ctx, &leakdesk.Export{ID: "x", Recipient: "r", Actor: "a"}), leakdesk.EINVALID)
		list, err := svc.Exports(ctx)
		if err != nil || len(list) != 1 {
			t.Fatalf("exports = %v, %v", list, err)
		}
		got := list[0]
		if got.Recipient != "Sales team" || got.Rows != 120 || len(got.Positions) != 2 || got.Positions[1] != "decoy:3" || got.Columns[1] != "phone" || !got.CreatedAt.Equal(e.CreatedAt) {
			t.Fatalf("export = %+v", got)
		}
		// An export of this release records the pool its decoys came from.
		pool := []leakdesk.DecoyContact{{Pos: "decoy:a.b@x.fr", Email: "a.b@x.fr", Phone: "+33422990011", Mobile: "+33764900022"}}
		e2 := &leakdesk.Export{ID: "FX-0a1b2c3e", Recipient: "Agency", Format: "csv", SHA256: strings.Repeat("b", 64), Actor: "alice", Columns: []string{},
			DecoyDomains: []string{"x.fr", "y.de"}, DecoyPhoneRanges: []string{"+3342299", "+3376490"}, DecoyPool: 1, DecoyContacts: pool, Positions: []string{"decoy:a.b@x.fr"}}
		if err := svc.RecordExport(ctx, e2); err != nil {
			t.Fatal(err)
		}
		list, err = svc.Exports(ctx)
		if err != nil || len(list) != 2 {
			t.Fatalf("exports = %v, %v", list, err)
		}
		if got := list[1]; len(got.DecoyContacts) != 1 || got.DecoyContacts[0] != pool[0] || len(got.DecoyDomains) != 2 || got.DecoyPhoneRanges[1] != "+3376490" {
			t.Fatalf("decoys read back: %+v", got)
		}
		if list[0].DecoyContacts != nil || list[0].DecoyDomain != "d.example" {
			t.Fatalf("an export with one decoy domain reads back as it was: %+v", list[0])
		}
	})
}
