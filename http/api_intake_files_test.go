package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
)

// listIntake lists the files taken in as who, with the query.
func (f *fixture) listIntake(query string, who func(*http.Request)) leakdesk.TriagePage {
	f.t.Helper()
	w := f.do(http.MethodGet, "/api/v1/intake"+query, "", who)
	if w.Code != http.StatusOK {
		f.t.Fatalf("GET /api/v1/intake%s: %d %s", query, w.Code, w.Body)
	}
	var page leakdesk.TriagePage
	if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
		f.t.Fatal(err)
	}
	return page
}

func ids(page leakdesk.TriagePage) []int64 {
	var list []int64
	for _, e := range page.Files {
		list = append(list, e.ID)
	}
	return list
}

// TestIntakeListAndShredThroughTheAPI: the files taken in are listed newest
// first, filtered by state, with the incident an alert proposed and never
// their content; a lead shreds one with a reason, after which it is listed
// shredded by that lead; an analyst may list but not shred; a file an
// incident still reads from the triage area is refused with a conflict;
// a tampered or unknown number is a 404.
func TestIntakeListAndShredThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		area := newIntakeArea(t, d)
		lead, analyst, feed := f.caller("lead", leakdesk.RoleLead), f.caller("analyst", leakdesk.RoleAnalyst), f.caller("feed", leakdesk.RoleIntake)
		f.unavailable(http.MethodGet, "/api/v1/intake", lead)
		f.reconfigure(area.configure)

		found := area.take("email\nsecret-value-one@example.org\n", "feed-a", done(3))
		blank := area.take("\x00\x01\x02", "drop:/in", unread("binary: no rows"))
		held := area.take("email\nsecret-value-two@example.org\n", "feed-b", done(2))
		inc := area.propose(held)

		all := f.listIntake("", analyst)
		if got, want := fmt.Sprint(ids(all)), fmt.Sprint([]int64{held.ID, blank.ID, found.ID}); got != want || all.Total != 3 {
			t.Fatalf("the list: %s (total %d), want %s, newest first", got, all.Total, want)
		}
		if all.Files[0].Incident != inc.ID || all.Files[2].Incident != 0 {
			t.Errorf("proposed incidents: %d and %d, want %d and none", all.Files[0].Incident, all.Files[2].Incident, inc.ID)
		}
		if w := f.do(http.MethodGet, "/api/v1/intake", "", feed); strings.Contains(w.Body.String(), "secret-value") || w.Code != http.StatusOK {
			t.Errorf("the list as a feed: %d, or shows a file's content: %s", w.Code, w.Body)
		}
		if got := ids(f.listIntake("?state=unread", lead)); fmt.Sprint(got) != fmt.Sprint([]int64{blank.ID}) {
			t.Errorf("unread files: %v, want [%d]", got, blank.ID)
		}
		if w := f.do(http.MethodGet, "/api/v1/intake?state=lost", "", lead); w.Code != http.StatusBadRequest {
			t.Errorf("an unknown state: %d %s, want 400", w.Code, w.Body)
		}

		shred := fmt.Sprintf("/api/v1/intake/%d/shred", found.ID)
		for _, c := range []struct {
			what, body string
			who        func(*http.Request)
			status     int
		}{
			{"an analyst", `{"reason": "no incident", "confirm": true}`, analyst, http.StatusForbidden},
			{"a feed", `{"reason": "no incident", "confirm": true}`, feed, http.StatusForbidden},
			{"no confirmation", `{"reason": "no incident"}`, lead, http.StatusBadRequest},
			{"no reason", `{"reason": "  ", "confirm": true}`, lead, http.StatusBadRequest},
		} {
			if w := f.do(http.MethodPost, shred, c.body, c.who); w.Code != c.status {
				t.Errorf("shred with %s: %d %s, want %d", c.what, w.Code, w.Body, c.status)
			}
		}
		if got := ids(f.listIntake("?state=shredded", lead)); len(got) != 0 {
			t.Fatalf("shredded after refusals: %v", got)
		}
		for _, file := range []string{"999", "0", "-1", found.SHA256[:12], "decoy-x", "1%2Fshred"} {
			w := f.do(http.MethodPost, "/api/v1/intake/"+file+"/shred", `{"reason": "tampered", "confirm": true}`, lead)
			if w.Code != http.StatusNotFound {
				t.Errorf("shred file %q: %d %s, want 404", file, w.Code, w.Body)
			}
		}
		if w := f.do(http.MethodPost, fmt.Sprintf("/api/v1/intake/%d/shred", held.ID), `{"reason": "no incident", "confirm": true}`, lead); w.Code != http.StatusConflict {
			t.Errorf("shred a file its incident reads: %d %s, want 409", w.Code, w.Body)
		}

		w := f.do(http.MethodPost, shred, `{"reason": "no registry contact worth keeping", "confirm": true}`, lead)
		var got leakdesk.KeptFileShred
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &got) != nil {
			t.Fatalf("shred: %d %s", w.Code, w.Body)
		}
		if got.SHA256 != found.SHA256 || !strings.Contains(got.Actor, "(lead)") || got.Reason != "no registry contact worth keeping" {
			t.Errorf("shred record: %+v", got)
		}
		if d.Vault.CaseHolds(found.SHA256) || !d.Vault.CaseShredded(found.SHA256) {
			t.Errorf("the file's content is still kept after its shredding")
		}
		listed := f.listIntake("?state=shredded", analyst)
		if len(listed.Files) != 1 || listed.Files[0].ID != found.ID || listed.Files[0].Shredded == nil || listed.Files[0].Shredded.Actor != got.Actor {
			t.Fatalf("shredded files: %+v, want file %d shredded by %s", listed.Files, found.ID, got.Actor)
		}
		if got := ids(f.listIntake("?state=done", lead)); fmt.Sprint(got) != fmt.Sprint([]int64{held.ID}) {
			t.Errorf("done files after a shred: %v, want [%d]", got, held.ID)
		}
		if !d.Vault.CaseHolds(held.SHA256) || !d.Vault.CaseHolds(blank.SHA256) {
			t.Errorf("shredding one file destroyed another")
		}
	})
}
