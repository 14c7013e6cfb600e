package http

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/store"
)

// TestPlanAndPreviewThroughTheAPI: a plan lists the audience without
// storing anything, and a preview renders one recipient's notice.
func TestPlanAndPreviewThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		com := f.caller("cam", leakdesk.RoleCommunications)
		f.unavailable(http.MethodPost, "/api/v1/incidents/1/notices/plan", com)
		campaigns, notices := f.composingCampaigns()
		f.reconfigure(func(cfg *Config) { cfg.Campaigns, cfg.Composes = campaigns, true })
		r := &leakdesk.Recipient{Key: "c-1", Kind: leakdesk.RecipientAffected, ContactID: "c-1", Name: "Jean Dupont", Email: "jean.dupont@exemple.fr", Language: "fr"}
		if _, err := notices.AddRecipients(t.Context(), 1, "local:setup", []*leakdesk.Recipient{r}); err != nil {
			t.Fatal(err)
		}
		before, _ := f.recordSize()

		w := f.do(http.MethodPost, "/api/v1/incidents/1/notices/plan", `{"template": "first"}`, com)
		plan := decodeBody[notify.Plan](t, w.Body.String())
		if w.Code != http.StatusOK || plan.Incident != "INC-0001" || len(plan.Recipients) != 1 || plan.Recipients[0].Channel != "email" {
			t.Fatalf("plan: %d %s", w.Code, w.Body)
		}
		w = f.do(http.MethodPost, "/api/v1/incidents/1/notices/preview", `{"recipient": "c-1"}`, com)
		p := decodeBody[notify.Preview](t, w.Body.String())
		if w.Code != http.StatusOK || p.To != "jean.dupont@exemple.fr" || p.Language != "fr" || !strings.Contains(p.Text, "https://leakdesk.exemple.fr/ack/") {
			t.Fatalf("preview: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/notices/preview", `{"recipient": "nobody"}`, com); w.Code != http.StatusNotFound {
			t.Errorf("preview for nobody: %d, want 404", w.Code)
		}
		if after, _ := f.recordSize(); after != before {
			t.Errorf("plan and preview added %d events", after-before)
		}
	})
}

// composingCampaigns is a campaign service that composes notices from the
// builtin templates, with the notice store it writes to.
func (f *fixture) composingCampaigns() (*notify.Campaigns, *store.NoticeService) {
	f.t.Helper()
	templates, err := notify.LoadTemplates("")
	if err != nil {
		f.t.Fatal(err)
	}
	tokens, err := notify.NewTokens(bytes.Repeat([]byte("k"), 32))
	if err != nil {
		f.t.Fatal(err)
	}
	notices := store.NewNoticeService(f.db)
	return notify.NewCampaigns(notify.Deps{Incidents: f.incidents, Notices: notices, Findings: f.cfg.Findings, DB: f.db.SQL(), Dialect: f.db.Dialect(),
		Templates: templates, From: notify.From{Name: "Exemple SA", Address: "dpo@exemple.fr"}, Tokens: tokens, BaseURL: "https://leakdesk.exemple.fr"}), notices
}
