package http

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/store"
)

// TestDecoyAlarmsAndConfirmationThroughTheAPI: the alarms route lists the
// alarms that proposed an incident and those naming an export its trace
// names; confirming a proposed incident with a corrected awareness time
// is held for a second approval (202), a plain confirmation is not.
func TestDecoyAlarmsAndConfirmationThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		ctx := context.Background()
		f := newFixture(t, d, generousLimits())
		ana, lead := f.caller("ana", leakdesk.RoleAnalyst), f.caller("lea", leakdesk.RoleLead)
		f.unavailable(http.MethodGet, "/api/v1/incidents/1/alarms", ana)
		alarms := store.NewDecoyAlarmService(f.db)
		f.reconfigure(func(cfg *Config) { cfg.Alarms = alarms })

		traced := leakdesk.FingerprintTraced{Leak: "leak.csv", Verdict: "accused", Accused: []leakdesk.AccusedRecipient{{Export: "FX-1", Recipient: "team-a", Score: 30}}}
		if err := f.incidents.AppendEvent(ctx, leakdesk.NewEvent(1, "local:setup", leakdesk.EventFingerprintTraced, time.Now(), traced)); err != nil {
			t.Fatal(err)
		}
		raise := func(key, export string) *leakdesk.DecoyAlarm {
			a := &leakdesk.DecoyAlarm{Key: key, Kind: leakdesk.AlarmByMail, Decoys: []string{"m.durand@decoy.example"}, Evidence: strings.Repeat(key[len(key)-1:], 64),
				EvidenceSize: 300, At: time.Now(), Actor: "local:desk", Exports: []leakdesk.AlarmExport{{ID: export, Recipient: "team", Score: 5}}}
			if _, err := alarms.RecordDecoyAlarm(ctx, a, func(context.Context, *sql.Tx) error { return nil }); err != nil {
				t.Fatal(err)
			}
			return a
		}
		mine, other := raise("decoy-a", "FX-1"), raise("decoy-b", "FX-2")
		w := f.do(http.MethodGet, "/api/v1/incidents/1/alarms", "", ana)
		list := decodeBody[[]leakdesk.DecoyAlarm](t, w.Body.String())
		if w.Code != http.StatusOK || len(list) != 1 || list[0].Key != mine.Key || list[0].Evidence != mine.Evidence || list[0].Exports[0].ID != "FX-1" {
			t.Errorf("alarms of INC-0001: %d %s, want %s alone", w.Code, w.Body, mine.Key)
		}
		if w := f.do(http.MethodGet, "/api/v1/incidents/2/alarms", "", ana); w.Code != http.StatusOK || strings.TrimSpace(w.Body.String()) != "[]" {
			t.Errorf("alarms of an incident no alarm concerns: %d %s, want []", w.Code, w.Body)
		}

		propose := func(key string) int64 {
			inc := &leakdesk.Incident{Title: "alarm " + key, AwareAt: time.Now().Add(-time.Minute), Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
			if _, err := f.incidents.ProposeIncident(ctx, leakdesk.IncidentProposal{Key: key}, inc, "local:desk"); err != nil {
				t.Fatal(err)
			}
			return inc.ID
		}
		corrected, plain := propose(other.Key), propose("alert-plain")
		w = f.do(http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d/alarms", corrected), "", ana)
		if list := decodeBody[[]leakdesk.DecoyAlarm](t, w.Body.String()); len(list) != 1 || list[0].Key != other.Key || list[0].Incident != corrected {
			t.Errorf("alarms of the incident %s proposed: %s", other.Key, w.Body)
		}

		for _, id := range []int64{corrected, plain} {
			if w := f.do(http.MethodPut, fmt.Sprintf("/api/v1/incidents/%d/approvals/required", id), `{"approval_required": true}`, lead); w.Code != http.StatusOK {
				t.Fatalf("two-person rule on: %d %s", w.Code, w.Body)
			}
		}
		earlier := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Second)
		w = f.do(http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/confirm", corrected), `{"aware_at": "`+earlier.Format(time.RFC3339)+`", "reason": "seen on the forum first"}`, lead)
		req := decodeBody[leakdesk.Approval](t, w.Body.String())
		if w.Code != http.StatusAccepted || req.Status != leakdesk.ApprovalPending {
			t.Fatalf("a corrected confirmation: %d %s, want 202 and a pending request", w.Code, w.Body)
		}
		if inc, _ := f.incidents.FindIncidentByID(ctx, corrected); inc.Status != leakdesk.StatusProposed || inc.AwareAt.Equal(earlier) {
			t.Errorf("while held, the incident is %s, aware at %v", inc.Status, inc.AwareAt)
		}
		if w := f.do(http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/approvals/%d/approve", corrected, req.ID), "", f.caller("leon", leakdesk.RoleLead)); w.Code != http.StatusOK {
			t.Fatalf("approval by another lead: %d %s", w.Code, w.Body)
		}
		if inc, _ := f.incidents.FindIncidentByID(ctx, corrected); inc.Status != leakdesk.StatusOpen || !inc.AwareAt.Equal(earlier) {
			t.Errorf("once approved, the incident is %s, aware at %v; want open, aware at %v", inc.Status, inc.AwareAt, earlier)
		}
		w = f.do(http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/confirm", plain), `{}`, lead)
		if inc := decodeBody[struct{ Status string }](t, w.Body.String()); w.Code != http.StatusOK || inc.Status != leakdesk.StatusOpen {
			t.Errorf("a plain confirmation: %d %s, want 200 and open", w.Code, w.Body)
		}
	})
}
