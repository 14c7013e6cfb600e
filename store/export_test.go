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
	})
}
