package notify_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/store"
)

// TestComposedPortalLink: a notice carries its recipient's organisation's
// live portal link, the same when the message is composed again (a
// retry), the new one once the link is replaced, and nothing of the
// portal when the link is withdrawn, the recipient has no organisation,
// or there is no base URL.
func TestComposedPortalLink(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		ctx := context.Background()
		if _, err := d.notices.AddRecipients(ctx, d.incident.ID, "alice", []*leakdesk.Recipient{
			{Key: "A-1", Kind: leakdesk.RecipientAffected, Name: "Ada", OrgID: "O-A", Organisation: "Alpha Ltd", Email: "ada@alpha.example", Language: "en", Fields: []string{"email"}},
			{Key: "N-1", Kind: leakdesk.RecipientAffected, Name: "Nora", Email: "nora@example.org", Language: "fr", Fields: []string{"email"}},
		}); err != nil {
			t.Fatal(err)
		}
		portal := store.NewPortalService(d.db)
		if _, err := portal.EnsurePortalLinks(ctx, d.incident.ID, leakdesk.DefaultPortalLifetime, "alice"); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		enqueue := func(_ context.Context, _ *sql.Tx, _ int64, delivered []int64) error {
			ids = append(ids, delivered...)
			return nil
		}
		if _, _, err := d.notices.CreateNotice(ctx, &leakdesk.Notice{IncidentID: d.incident.ID, Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first", Actor: "alice"}, enqueue); err != nil {
			t.Fatal(err)
		}
		templates, err := notify.LoadTemplates("")
		if err != nil {
			t.Fatal(err)
		}
		fixed := func() time.Time { return time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC) }
		d.tokens.Now = fixed
		composer := func(baseURL string) *notify.Composer {
			return &notify.Composer{Templates: templates, From: notify.From{Name: "Acme", Address: "dpo@acme.example"}, Tokens: d.tokens, BaseURL: baseURL,
				Portal: portal, Incidents: d.incidents, Notices: d.notices, Now: fixed}
		}
		claims := map[string]*leakdesk.Claim{}
		for _, id := range ids {
			c, err := d.notices.Advance(ctx, nil, id, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			claims[c.Recipient.Key] = c
		}
		text := func(c *notify.Composer, key string) string {
			t.Helper()
			m, err := c.Compose(ctx, claims[key])
			if err != nil {
				t.Fatal(err)
			}
			return m.Text
		}
		withBase := composer("https://desk.example/")
		_, secret, err := portal.LivePortalLink(ctx, d.incident.ID, "O-A")
		if err != nil {
			t.Fatal(err)
		}
		first := text(withBase, "A-1")
		if !strings.Contains(first, "https://desk.example/portal/"+secret+"\n") || !strings.Contains(first, "Alpha Ltd has a private page") {
			t.Fatalf("Ada's notice lacks her organisation's link:\n%s", first)
		}
		if again := text(composer("https://desk.example/"), "A-1"); again != first {
			t.Errorf("composed again, the notice differs:\n%s\n---\n%s", first, again)
		}
		for name, got := range map[string]string{
			"no organisation": text(withBase, "N-1"),
			"no base URL":     text(composer(""), "A-1"),
		} {
			if strings.Contains(got, "/portal/") || strings.Contains(got, "page privée") || strings.Contains(got, "private page") {
				t.Errorf("%s: the notice speaks of the portal:\n%s", name, got)
			}
		}

		link, newSecret, err := portal.IssuePortalLink(ctx, d.incident.ID, "O-A", time.Hour, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if got := text(withBase, "A-1"); strings.Contains(got, secret) || !strings.Contains(got, newSecret) {
			t.Errorf("after a new link, the notice carries the old one or not the new one")
		}
		if err := portal.RevokePortalLink(ctx, d.incident.ID, link.ID, "alice"); err != nil {
			t.Fatal(err)
		}
		if got := text(withBase, "A-1"); strings.Contains(got, "/portal/") {
			t.Errorf("with the link withdrawn, the notice still links to the portal:\n%s", got)
		}
	})
}
