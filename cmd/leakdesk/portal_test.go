package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	ldhttp "github.com/leakdesk/leakdesk/http"
	"github.com/leakdesk/leakdesk/notify/notifytest"
	"github.com/leakdesk/leakdesk/store"
)

// TestPortalCommands: a link made on the command line opens its
// organisation's page on a server over the same store; a question asked
// there is listed and answered on the command line; the refusals exit
// with their codes.
func TestPortalCommands(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, c *cli) {
		ctx := context.Background()
		c.ok("incident", "new", "--title", "portal", "--aware-at", "now")
		dsn := c.env["LEAKDESK_DB"]
		if dsn == "" {
			dsn = filepath.Join(c.env["LEAKDESK_DATA"], "leakdesk.db")
		}
		db, err := store.Open(ctx, dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := store.NewNoticeService(db).AddRecipients(ctx, 1, "local:setup", []*leakdesk.Recipient{
			{Key: "A-1", Kind: leakdesk.RecipientAffected, Name: "Ada Alpha", OrgID: "O-A", Organisation: "Alpha Ltd", Email: "ada@alpha.example", Fields: []string{"email"}, Language: "en"},
		}); err != nil {
			t.Fatal(err)
		}

		if _, errOut, code := c.run("portal", "link", "INC-0001", "--org", "O-Z", "--base-url", "https://desk.example"); code != exitNotFound || !strings.Contains(errOut, "O-Z") {
			t.Errorf("a link for an unknown organisation: exit %d, %s", code, errOut)
		}
		if _, _, code := c.run("portal", "link", "INC-0001", "--org", "O-A"); code != exitInvalid {
			t.Errorf("a link without --base-url: exit %d", code)
		}
		if _, _, code := c.run("portal", "link", "INC-0001", "--org", "O-A", "--base-url", "https://desk.example", "--days", "0"); code != exitInvalid {
			t.Errorf("a link of no days: exit %d", code)
		}
		var link struct {
			ID  int64  `json:"id"`
			URL string `json:"url"`
		}
		c.json(&link, "portal", "link", "INC-0001", "--org", "O-A", "--base-url", "https://desk.example/", "--days", "7")
		path, ok := strings.CutPrefix(link.URL, "https://desk.example/portal/")
		if !ok || link.ID == 0 {
			t.Fatalf("portal link: %+v", link)
		}

		c.ok("incident", "fact", "INC-0001", "measures", "Passwords were reset.", "--public")
		c.ok("incident", "fact", "INC-0001", "root_cause", "A misconfigured bucket.")
		portal := store.NewPortalService(db)
		handler, err := ldhttp.NewServer(ldhttp.Config{Portal: portal})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(handler)
		defer srv.Close()
		page := get(t, srv.URL+"/portal/"+path)
		if !strings.Contains(page, "Alpha Ltd") || !strings.Contains(page, "Ada Alpha") || !strings.Contains(page, "Passwords were reset.") || strings.Contains(page, "bucket") {
			t.Fatalf("the page of the link:\n%s", page)
		}
		l, err := portal.OpenPortal(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := portal.AskQuestion(ctx, l, leakdesk.QuestionRequest{Text: "Was our VPN configuration in the leak?"}); err != nil {
			t.Fatal(err)
		}
		if out := c.ok("portal", "questions", "INC-0001"); !strings.Contains(out, "VPN configuration") || !strings.Contains(out, "(open)") {
			t.Errorf("portal questions:\n%s", out)
		}
		c.ok("portal", "answer", "INC-0001", "1", "No, only names.")
		if _, _, code := c.run("portal", "answer", "INC-0001", "1", "again"); code == 0 {
			t.Error("a second answer was accepted")
		}
		if page := get(t, srv.URL+"/portal/"+path); !strings.Contains(page, "No, only names.") {
			t.Errorf("the page does not show the answer")
		}

		// A question whose asker chose who gets the answer: without --from
		// it is only recorded, and says so; with it, mailed once.
		view, err := portal.PortalPage(ctx, l)
		if err != nil || len(view.People) != 1 {
			t.Fatalf("A's page: %+v, %v", view, err)
		}
		for _, text := range []string{"Which fields of ours?", "And our phones?"} {
			if _, err := portal.AskQuestion(ctx, l, leakdesk.QuestionRequest{Text: text, ReplyTo: view.People[0].ID}); err != nil {
				t.Fatal(err)
			}
		}
		if _, errOut, code := c.run("portal", "answer", "INC-0001", "2", "Names and e-mails."); code != 0 || !strings.Contains(errOut, "not mailed") {
			t.Errorf("an answer without --from: exit %d, %s", code, errOut)
		}
		mp := notifytest.Start(t)
		out := c.ok("portal", "answer", "INC-0001", "3", "No phone numbers.", "--from", from, "--smtp", "smtp://"+mp.SMTP+"?tls=none")
		mails := mp.Messages()
		if !strings.Contains(out, "answer mailed") || len(mails) != 1 || len(mails[0].To) != 1 || mails[0].To[0].Address != "ada@alpha.example" {
			t.Fatalf("the answer mailed: %s; mails %+v", out, mails)
		}
		if body := mp.Body(mails[0].ID); !strings.Contains(body.Text, "No phone numbers.") || strings.Contains(body.Text, "And our phones?") {
			t.Errorf("the answer's mail holds the answer and not the question:\n%s", body.Text)
		}
		if log := c.ok("incident", "log", "INC-0001"); !strings.Contains(log, leakdesk.EventPortalQuestion) || !strings.Contains(log, leakdesk.EventPortalAnswer) {
			t.Errorf("the timeline lacks the question or the answer:\n%s", log)
		}
		c.ok("portal", "revoke", "INC-0001", "1")
		if resp, err := http.Get(srv.URL + "/portal/" + path); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("a revoked link: %v, %v", resp.Status, err)
		}
	})
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d, %v", url, resp.StatusCode, err)
	}
	return string(b)
}
