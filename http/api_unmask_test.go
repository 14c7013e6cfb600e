package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/notify"
)

// TestUnmaskAndMaskedTimeline: legal and viewer see the coverage and the
// timeline masked; legal may unmask one recipient with a reason, which is
// on the timeline under legal's account, and viewer may not.
func TestUnmaskAndMaskedTimeline(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		lead := f.caller("lea", leakdesk.RoleLead)
		legal := f.caller("leo", leakdesk.RoleLegal)
		viewer := f.caller("val", leakdesk.RoleViewer)
		const addr = "jo.martin@client.example"
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/recipients", "email,name\n"+addr+",Jo Martin\n", lead); w.Code != http.StatusOK {
			t.Fatalf("add recipients: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/contacts",
			`{"recipient": "`+addr+`", "channel": "phone", "outcome": "reached", "note": "Jo Martin asked for a letter"}`, lead); w.Code != http.StatusOK {
			t.Fatalf("log contact: %d %s", w.Code, w.Body)
		}

		w := f.do(http.MethodGet, "/api/v1/incidents/1/coverage", "", legal)
		cov := decodeBody[notify.Coverage](t, w.Body.String())
		if w.Code != http.StatusOK || len(cov.Entries) != 1 || strings.Contains(w.Body.String(), addr) || strings.Contains(w.Body.String(), "Martin") {
			t.Fatalf("legal's coverage is not masked: %d %s", w.Code, w.Body)
		}
		id := cov.Entries[0].Recipient.ID
		unmask := fmt.Sprintf("/api/v1/incidents/1/recipients/%d/unmask", id)

		for _, tc := range []struct {
			name, body string
			who        func(*http.Request)
			status     int
		}{
			{"viewer", `{"reason": "curious"}`, viewer, http.StatusForbidden},
			{"no reason", `{"reason": " "}`, legal, http.StatusBadRequest},
			{"unknown field", `{"why": "x"}`, legal, http.StatusBadRequest},
		} {
			before := f.snapshot()
			if w := f.do(http.MethodPost, unmask, tc.body, tc.who); w.Code != tc.status || strings.Contains(w.Body.String(), addr) {
				t.Errorf("%s: %d %s, want %d without the address", tc.name, w.Code, w.Body, tc.status)
			}
			f.unchanged(tc.name, before)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/recipients/999/unmask", `{"reason": "a call back"}`, legal); w.Code != http.StatusNotFound {
			t.Errorf("unmask an unknown recipient: %d %s", w.Code, w.Body)
		}

		w = f.do(http.MethodPost, unmask, `{"reason": "the authority asks who was called"}`, legal)
		if r := decodeBody[leakdesk.Recipient](t, w.Body.String()); w.Code != http.StatusOK || r.Email != addr || r.Name != "Jo Martin" {
			t.Fatalf("legal unmasks: %d %s", w.Code, w.Body)
		}

		events := func(who func(*http.Request)) map[string]json.RawMessage {
			t.Helper()
			w := f.do(http.MethodGet, "/api/v1/incidents/1/events", "", who)
			if w.Code != http.StatusOK {
				t.Fatalf("events: %d %s", w.Code, w.Body)
			}
			byKind := map[string]json.RawMessage{}
			for _, ev := range decodeBody[[]*leakdesk.Event](t, w.Body.String()) {
				byKind[ev.Kind] = ev.Details
				if ev.Kind == leakdesk.EventPersonalUnmasked && !strings.HasSuffix(ev.Actor, "(leo)") {
					t.Errorf("the unmasking names %q, not legal's account", ev.Actor)
				}
			}
			return byKind
		}
		full := events(lead)
		if !strings.Contains(string(full[leakdesk.EventContactRecorded]), `"note":{"personal":"`) || !strings.Contains(string(full[leakdesk.EventPersonalUnmasked]), `"`+cov.Entries[0].Recipient.Key+`"`) ||
			strings.Contains(string(full[leakdesk.EventPersonalUnmasked]), addr) {
			t.Errorf("lead's timeline is not the events as stored (notes by reference, recipients by key): %s", full)
		}
		for name, who := range map[string]func(*http.Request){"legal": legal, "viewer": viewer} {
			masked := events(who)
			for kind, details := range masked {
				if strings.Contains(string(details), addr) || strings.Contains(string(details), "Martin") {
					t.Errorf("%s sees %s unmasked: %s", name, kind, details)
				}
			}
			if !strings.Contains(string(masked[leakdesk.EventPersonalUnmasked]), "the authority asks") || len(masked) != len(full) {
				t.Errorf("%s's timeline lost what is not personal: %s", name, masked)
			}
		}
	})
}
