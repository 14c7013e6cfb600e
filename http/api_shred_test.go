package http

import (
	"net/http"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
)

// TestShredThroughTheAPI: shredding needs confirm and a closed incident;
// afterwards the evidence is listed but no longer read.
func TestShredThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		lead := f.caller("lea", leakdesk.RoleLead)
		analyst := f.caller("ana", leakdesk.RoleAnalyst)
		f.unavailable(http.MethodPost, "/api/v1/incidents/1/shred", lead)
		f.reconfigure(func(cfg *Config) { cfg.Shredder = cfg.Evidence.(Shredder) })
		f.upload("leak.csv", "email\njean.dupont@exemple.fr\n", lead)

		before := f.snapshot()
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/shred", `{}`, lead); w.Code != http.StatusBadRequest {
			t.Errorf("shred without confirm: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/shred", `{"confirm": true}`, lead); w.Code != http.StatusConflict {
			t.Errorf("shred an open incident: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/shred", `{"confirm": true}`, analyst); w.Code != http.StatusForbidden {
			t.Errorf("an analyst shreds: %d %s", w.Code, w.Body)
		}
		f.unchanged("refused shreds", before)

		if w := f.do(http.MethodPost, "/api/v1/incidents/1/close", `{"reason": "done", "waived": {"gdpr.art33.authority": "no risk", "gdpr.art34.subjects": "no risk", "gdpr.art33-5.register": "kept elsewhere"}}`, lead); w.Code != http.StatusOK {
			t.Fatalf("close: %d %s", w.Code, w.Body)
		}
		w := f.do(http.MethodPost, "/api/v1/incidents/1/shred", `{"confirm": true}`, lead)
		if got := decodeBody[leakdesk.EvidenceShreddedPayload](t, w.Body.String()); w.Code != http.StatusOK || got.Blobs != 1 {
			t.Fatalf("shred: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/evidence/1/read", "", lead); w.Code == http.StatusOK {
			t.Errorf("shredded evidence is still read: %d", w.Code)
		}
	})
}
