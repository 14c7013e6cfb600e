package http

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/trace"
)

// syntheticRegistry is a registry of n made-up contacts, with the phones,
// e-mail domains and legal forms a fingerprint is written into.
func syntheticRegistry(n int) string {
	var b strings.Builder
	b.WriteString("id,first_name,last_name,email,phone,organisation,country\n")
	for i := range n {
		org := i / 6
		fmt.Fprintf(&b, "C%04d,Prenom%d,Nom%d,p%d.n%d@societe%d.fr,+33 6 %02d %02d %02d %02d,Societe %d SAS,FR\n",
			i, i, i, i, i, org, 10+i%80, i%100, (i*7)%100, (i*13)%100, org)
	}
	return b.String()
}

// TestExportAndTraceThroughTheAPI: an export made through the API is a
// download recorded under the caller; when one leaks, decoding accuses its
// recipient and ranking puts its file first, both on the timeline.
func TestExportAndTraceThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		ana := f.caller("ana", leakdesk.RoleAnalyst)
		f.unavailable(http.MethodPost, "/api/v1/exports", ana)
		f.unavailable(http.MethodPost, "/api/v1/incidents/1/trace", ana)
		f.withRegistry(syntheticRegistry(600))
		code, err := trace.NewCode([]byte("a fingerprint key of 32 bytes or more, for tests"))
		if err != nil {
			t.Fatal(err)
		}
		exports := store.NewExportService(f.db)
		f.reconfigure(func(cfg *Config) {
			cfg.Trace = trace.NewService(exports, f.incidents, func(bool) (*trace.Code, error) { return code, nil }, time.Now)
		})

		if w := f.do(http.MethodPost, "/api/v1/exports", `{"recipient": "team-a"}`, ana); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "decoy") {
			t.Errorf("an export without decoy settings: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/exports", `{"recipient": "team-a", "no_decoys": true, "format": "pdf"}`, ana); w.Code != http.StatusBadRequest {
			t.Errorf("an export as pdf: %d %s", w.Code, w.Body)
		}
		dir := t.TempDir()
		files := map[string]string{}
		for _, team := range []string{"team-a", "team-b", "team-c"} {
			w := f.do(http.MethodPost, "/api/v1/exports", `{"recipient": "`+team+`", "purpose": "a mailing", "decoy_domains": ["vernier-conseil.fr"], "decoy_phone_ranges": ["+3342299"]}`, ana)
			id := w.Header().Get("Leakdesk-Export")
			if w.Code != http.StatusOK || !strings.HasPrefix(id, "FX-") || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
				t.Fatalf("export for %s: %d %s", team, w.Code, w.Body)
			}
			e := findExport(t, exports, id)
			if e.Recipient != team || !strings.HasSuffix(e.Actor, "(ana)") || e.SHA256 != w.Header().Get("Leakdesk-Export-Sha256") {
				t.Fatalf("the export of %s is recorded as %+v", team, e)
			}
			files[team] = filepath.Join(dir, team+".csv")
			if err := os.WriteFile(files[team], w.Body.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
		}

		leak, err := os.ReadFile(files["team-b"])
		if err != nil {
			t.Fatal(err)
		}
		f.upload("leak.csv", string(leak), ana)
		before, _ := f.recordSize()
		w := f.do(http.MethodPost, "/api/v1/incidents/1/trace", `{}`, ana)
		v := decodeBody[trace.Verdict](t, w.Body.String())
		if w.Code != http.StatusOK || len(v.Accused) != 1 || v.Accused[0].Recipient != "team-b" {
			t.Fatalf("decode the leak: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/trace", `{"rank": true}`, ana); w.Code != http.StatusServiceUnavailable {
			t.Errorf("rank without past exports: %d %s", w.Code, w.Body)
		}
		f.reconfigure(func(cfg *Config) {
			cfg.Registry.PastExports = []string{files["team-a"], files["team-b"], files["team-c"]}
		})
		w = f.do(http.MethodPost, "/api/v1/incidents/1/trace", `{"rank": true}`, ana)
		res := decodeBody[trace.Result](t, w.Body.String())
		if w.Code != http.StatusOK || len(res.Candidates) != 3 || res.Candidates[0].File != files["team-b"] {
			t.Fatalf("rank the past exports: %d %s", w.Code, w.Body)
		}
		if after, _ := f.recordSize(); after <= before+1 {
			t.Errorf("decoding and ranking added %d events, want the reads and both conclusions", after-before)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/trace", `{}`, f.caller("leo", leakdesk.RoleLegal)); w.Code != http.StatusForbidden {
			t.Errorf("legal traces: %d", w.Code)
		}
	})
}

func findExport(t *testing.T, exports *store.ExportService, id string) *leakdesk.Export {
	t.Helper()
	list, err := exports.Exports(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("export %s is not recorded", id)
	return nil
}
