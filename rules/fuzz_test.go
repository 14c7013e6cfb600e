package rules_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// FuzzRegimeFile feeds arbitrary regime files to the parser: it must return
// EINVALID or a regime whose deadlines compute without panicking.
func FuzzRegimeFile(f *testing.F) {
	for _, name := range []string{"gdpr.json", "nis2.json"} {
		b, err := os.ReadFile(filepath.Join("regimes", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"id":"c","sources":[{"title":"t"}],"obligations":[{"id":"c.a","title":"t","article":"a","starts":"awareness","within":"99999 months","end_of_day":true,"roll_weekend":true}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := load(t)
		err := r.Add("fuzz.json", data)
		if err != nil {
			if leakdesk.ErrorCode(err) != leakdesk.EINVALID {
				t.Fatalf("error with code %q: %v", leakdesk.ErrorCode(err), err)
			}
			return
		}
		for _, id := range r.RegimeIDs() {
			inc := &leakdesk.Incident{Role: leakdesk.RoleController, Regimes: []string{id}, TimeZone: "Europe/Paris",
				AwareAt: time.Date(2026, 3, 1, 21, 30, 0, 0, time.UTC)}
			if _, err := r.Deadlines(inc, nil, inc.AwareAt); err != nil {
				t.Fatalf("deadlines of an accepted regime: %v", err)
			}
		}
	})
}
