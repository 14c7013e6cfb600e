package http

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/notify/notifytest"
	"github.com/leakdesk/leakdesk/store"
)

// TestSendThroughTheAPI: a notice queued through the API answers 202 at
// once, then reaches every recipient once through a real SMTP server;
// asking again joins the campaign and sends nothing twice; an update goes
// to everyone notified. Refusals queue nothing.
func TestSendThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		mp := notifytest.Start(t)
		f := newFixture(t, d, generousLimits())
		com := f.caller("cam", leakdesk.RoleCommunications)
		legal := f.caller("leo", leakdesk.RoleLegal)
		f.unavailable(http.MethodPost, "/api/v1/incidents/1/notices", com)
		campaigns, notices := f.composingCampaigns()
		dispatcher := startDispatcher(t, campaigns, "smtp://"+mp.SMTP+"?tls=none&timeout=3s")
		f.reconfigure(func(cfg *Config) { cfg.Campaigns, cfg.Dispatcher, cfg.Composes = campaigns, dispatcher, true })
		var audience []*leakdesk.Recipient
		for i := range 3 {
			key := fmt.Sprintf("c-%d", i)
			audience = append(audience, &leakdesk.Recipient{Key: key, Kind: leakdesk.RecipientAffected, ContactID: key, Name: fmt.Sprintf("Personne %d", i),
				Email: fmt.Sprintf("personne%d@client.example", i), Language: "fr"})
		}
		if _, err := notices.AddRecipients(t.Context(), 1, "local:setup", audience); err != nil {
			t.Fatal(err)
		}

		lead := f.caller("lea", leakdesk.RoleLead)
		for _, key := range []string{"circumstances", "consequences", "measures", "dpo"} {
			if w := f.do(http.MethodPost, "/api/v1/incidents/1/facts", `{"key": "`+key+`", "value": "synthetic `+key+`"}`, lead); w.Code != http.StatusOK {
				t.Fatalf("fact %s: %d %s", key, w.Code, w.Body)
			}
		}

		before := f.snapshot()
		for _, tc := range []struct {
			name, path, body string
			who              func(*http.Request)
			status           int
		}{
			{"legal sends", "/notices", `{"campaign": "wave-1"}`, legal, http.StatusForbidden},
			{"no campaign", "/notices", `{}`, com, http.StatusBadRequest},
			{"a first notice with a message", "/notices", `{"campaign": "wave-1", "message": "hello"}`, com, http.StatusBadRequest},
			{"an unknown template", "/notices", `{"campaign": "wave-1", "template": "nope"}`, com, http.StatusBadRequest},
			{"an update without text", "/notices/updates", `{}`, com, http.StatusBadRequest},
		} {
			if w := f.do(http.MethodPost, "/api/v1/incidents/1"+tc.path, tc.body, tc.who); w.Code != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, w.Code, w.Body, tc.status)
			}
		}
		f.unchanged("refused sends", before)

		started := time.Now()
		w := f.do(http.MethodPost, "/api/v1/incidents/1/notices", `{"campaign": "wave-1"}`, com)
		res := decodeBody[notify.CampaignResult](t, w.Body.String())
		if w.Code != http.StatusAccepted || res.Notice == 0 || res.Joined || res.Kind != leakdesk.NoticeFirst || total(res.States) != 3 {
			t.Fatalf("send: %d %s", w.Code, w.Body)
		}
		t.Logf("queued in %s", time.Since(started))
		waitSent(t, notices, res.Notice)
		if got := arrivalsByRecipient(mp); len(got) != 3 || got["personne0@client.example"] != 1 {
			t.Fatalf("arrived after the first notice: %v", got)
		}

		w = f.do(http.MethodPost, "/api/v1/incidents/1/notices", `{"campaign": "wave-1"}`, com)
		if again := decodeBody[notify.CampaignResult](t, w.Body.String()); w.Code != http.StatusAccepted || !again.Joined || again.Notice != res.Notice {
			t.Fatalf("send again: %d %s", w.Code, w.Body)
		}
		w = f.do(http.MethodPost, "/api/v1/incidents/1/notices/updates", `{"message": "Every password was reset."}`, com)
		upd := decodeBody[notify.CampaignResult](t, w.Body.String())
		if w.Code != http.StatusAccepted || upd.Kind != leakdesk.NoticeUpdate || upd.Notice == res.Notice {
			t.Fatalf("update: %d %s", w.Code, w.Body)
		}
		waitSent(t, notices, upd.Notice)
		waitSent(t, notices, res.Notice)
		if got := arrivalsByRecipient(mp); len(got) != 3 || got["personne0@client.example"] != 2 || got["personne2@client.example"] != 2 {
			t.Errorf("arrived after joining and an update: %v, want each twice", got)
		}
	})
}

// waitSent waits until none of the notice's deliveries is queued or in
// flight.
func waitSent(t *testing.T, notices *store.NoticeService, notice int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		pending, err := notices.Pending(t.Context(), notice)
		if err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("notice %d: %d deliveries still pending after 30 s", notice, pending)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// arrivalsByRecipient counts what mailpit holds by recipient address.
func arrivalsByRecipient(mp *notifytest.Mailpit) map[string]int {
	out := map[string]int{}
	for _, m := range mp.Messages() {
		for _, to := range m.To {
			out[to.Address]++
		}
	}
	return out
}

// total counts the deliveries of a campaign, in every state.
func total(p leakdesk.Progress) int {
	n := 0
	for _, c := range p {
		n += c
	}
	return n
}
