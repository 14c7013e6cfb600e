package decoy

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

func TestCallsReportsFindDecoyNumbersInAnyLayout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "leakdesk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exports := store.NewExportService(db)
	err = exports.RecordExport(ctx, &leakdesk.Export{ID: "FX-1", Recipient: "team-1", Actor: "local:t", SHA256: strings.Repeat("a", 64),
		DecoyDomain: "decoy.example", DecoyContacts: []leakdesk.DecoyContact{{Pos: "decoy:1", Email: "j.doe@decoy.example", Phone: "+33422991234"}}})
	if err != nil {
		t.Fatal(err)
	}
	decoys, err := LoadAddresses(ctx, exports, "decoy.example")
	if err != nil {
		t.Fatal(err)
	}
	if !decoys.Email("J.Doe@decoy.example") || decoys.Email("other@decoy.example") {
		t.Error("decoy e-mail addresses are not told from others")
	}
	tests := []struct {
		name, contentType, body string
		decoyCalls              int
	}{
		{"json list", "application/json", `[{"to":"+33 4 22 99 12 34","from":"+1555"},{"to":"+33 1 00 00 00 00"}]`, 1},
		{"json object, national layout", "application/json", `{"to":"04 22 99 12 34"}`, 1},
		{"csv", "text/csv", "called,caller,at\n0422991234,+1555,2026-01-01T00:00:00Z\n0100000000,+1555,2026-01-01T00:00:00Z\n", 1},
		{"csv without decoys", "text/csv", "number\n0100000000\n", 0},
	}
	for _, tt := range tests {
		calls, err := parseCalls(tt.contentType, []byte(tt.body))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		hits := 0
		for _, c := range calls {
			if n, ok := decoys.Phone(c.to); ok {
				hits++
				if n != "+33422991234" || len(c.record) == 0 {
					t.Errorf("%s: decoy %s with record %q", tt.name, n, c.record)
				}
			}
		}
		if hits != tt.decoyCalls {
			t.Errorf("%s: %d calls to decoys, want %d", tt.name, hits, tt.decoyCalls)
		}
	}
	if _, err := parseCalls("text/csv", []byte("caller\n+1555\n")); err == nil {
		t.Error("a CSV report naming no called number is accepted")
	}
}
