package http

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/browsertest"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/notify/notifytest"
	"github.com/leakdesk/leakdesk/rules"
)

// The whole response in a real Chromium, against the embedded store and
// a real mailpit: log in, add evidence, run the match and decide a review
// item, send the first notice, ask a question through an organisation's
// portal and answer it, record a phone call, file the authority
// report, close the incident. Each step checks what the page shows.
func TestConsoleResponseInTheBrowser(t *testing.T) {
	ctx := context.Background()
	mail := notifytest.Start(t)
	dir := t.TempDir()
	r, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	desk := testbackends.Open(t, "sqlite", r)
	db := desk.DB
	f := newFixture(t, desk, generousLimits())

	// The server's address goes into the notices' links, so it is known
	// before the handler is made.
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	templates, err := notify.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := notify.NewTokens([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	f.cfg.Campaigns = notify.NewCampaigns(notify.Deps{Incidents: f.incidents, Notices: f.cfg.Notices, Findings: f.cfg.Findings, Approvals: f.cfg.Approvals,
		DB: db.SQL(), Dialect: db.Dialect(), Templates: templates, From: notify.From{Name: "Acme", Address: "dpo@acme.example"}, Tokens: tokens, BaseURL: srv.URL})
	dispatcher, err := f.cfg.Campaigns.NewDispatcher(ctx, notify.DispatchConfig{SMTP: "smtp://" + mail.SMTP + "?tls=none", Connections: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := dispatcher.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := dispatcher.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	f.cfg.Composes, f.cfg.Dispatcher = true, dispatcher
	for name, content := range map[string]string{"registry.csv": consoleRegistry, "history.csv": consoleHistory, "leak.csv": consoleLeak} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f.cfg.Registry = Registry{Path: filepath.Join(dir, "registry.csv"), History: filepath.Join(dir, "history.csv")}
	if handler, err = NewServer(f.cfg); err != nil {
		t.Fatal(err)
	}
	f.account("lea", leakdesk.Grant{Role: leakdesk.RoleLead})
	if err := f.incidents.SetAwareness(ctx, 1, "local:setup", time.Now().Add(-30*time.Hour), "a journalist called"); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"circumstances": "A customer list was posted on a forum.", "consequences": "Phishing e-mails may follow.",
		"dpo": "dpo@acme.example"} {
		if err := f.incidents.AppendEvent(ctx, leakdesk.NewEvent(1, "local:setup", leakdesk.EventFact, time.Now(), leakdesk.FactPayload{Key: k, Value: v})); err != nil {
			t.Fatal(err)
		}
	}
	inc := srv.URL + "/console/incidents/INC-0001"
	b := browsertest.Start(t)

	step := func(name string, fn func(b *browsertest.Browser)) {
		if !t.Run(name, func(t *testing.T) { fn(b.For(t)) }) {
			t.FailNow() // each step needs the ones before it
		}
	}
	step("log in", func(b *browsertest.Browser) {
		b.Visit(srv.URL + "/login")
		b.Fill(`input[name=name]`, "lea")
		b.Fill(`input[name=password]`, "lea-password")
		b.Submit(`button[type=submit]`)
		b.ShowsText("Open incidents", "INC-0001")
	})
	step("add evidence", func(b *browsertest.Browser) {
		b.Visit(inc)
		b.Fill("#evidence-source", "forum post")
		b.Upload("#evidence-file", filepath.Join(dir, "leak.csv"))
		b.Submit(`form[action$="/evidence"] button`)
		b.ShowsText("leak.csv", "forum post", "evidence.added")
		b.CheckAccessibility()
	})
	step("match and decide a review item", func(b *browsertest.Browser) {
		b.Visit(inc + "/review")
		b.ShowsText("Matching has not run")
		b.Submit(`form[action$="/match"] button`)
		b.ShowsText("Row 3", "The leaked row", "Evidence for (+) and against (−) the link", "None of them")
		b.CheckAccessibility()
		candidate := browsertest.Eval[string](b, `document.querySelector("#choice-3 option[value^='C-']").value`)
		// The choice names the person, not only their ID.
		named := strings.TrimPrefix(browsertest.Eval[string](b, `document.querySelector("#choice-3 option[value^='C-']").textContent`), "It is ")
		if !strings.HasSuffix(named, " ("+candidate+")") || len(named) <= len(candidate)+3 {
			b.Failf("the choice of %s reads %q: want the person's name and the ID", candidate, named)
		}
		b.Fill("#choice-3", candidate)
		b.Fill("#reason-3", "the number was theirs then")
		b.Submit(`section[aria-labelledby="row-3"] button`)
		b.ShowsText("Nothing is left to review", "linked to "+candidate, "the number was theirs then")
		b.Visit(inc + "/findings")
		b.ShowsText(candidate)
	})
	step("record a fact", func(b *browsertest.Browser) {
		b.Visit(inc + "/facts")
		b.Fill("#fact-key", "measures")
		b.Fill("#fact-value", "The export link was revoked.")
		b.Submit(`form[action$="/facts"] button`)
		b.ShowsText("The export link was revoked.")
		b.CheckAccessibility()
	})
	step("preview the notices", func(b *browsertest.Browser) {
		b.Visit(inc + "/notifications")
		for _, lang := range notify.Languages {
			b.Visit(inc + "/notifications/preview?template=first&lang=" + lang)
			b.ShowsText("in "+lang+".", "dpo@acme.example", "The export link was revoked.")
		}
		b.CheckAccessibility()
	})
	step("send the first notice", func(b *browsertest.Browser) {
		b.Visit(inc + "/notifications")
		b.ShowsText("No notice has been sent yet")
		b.CheckAccessibility()
		b.Submit(`form[action$="/notifications/send"] button`)
		b.ShowsText("first-notice")
		// htmx polls the progress until every delivery is finished.
		b.WaitText("2 of 2 deliveries finished")
		b.ShowsText("2 sent")
		msgs := mail.Messages()
		if len(msgs) != 2 {
			b.Failf("mailpit holds %d messages, want one for each of the 2 affected contacts", len(msgs))
		}
	})
	step("ask and answer through the portal", func(b *browsertest.Browser) {
		found, err := f.cfg.Findings.LatestFindings(ctx, 1)
		if err != nil || len(found.Organisations) == 0 {
			b.Failf("no organisation in the findings: %v", err)
		}
		org := found.Organisations[0]
		b.Visit(inc + "/portal")
		b.ShowsText("No question yet.", "No link made yet.")
		b.CheckAccessibility()
		b.Fill("#org", org.ID)
		b.Submit(`form[action$="/portal/links"] button`)
		b.ShowsText("Portal link for "+org.Name, "It is shown this once")
		link := browsertest.Eval[string](b, `document.getElementById("portal-url").value`)
		if !strings.HasPrefix(link, srv.URL+"/portal/") {
			b.Failf("the link made is %q, want one on %s/portal/", link, srv.URL)
		}

		b.Visit(link)
		b.ShowsText(org.Name, "Ask the response team a question")
		b.CheckAccessibility()
		b.Fill("#question", "Was our VPN configuration in the leak?")
		b.Submit("#ask")
		b.ShowsText("Your question is recorded", "Was our VPN configuration in the leak?", "Not answered yet.")

		b.Visit(inc + "/portal")
		b.ShowsText(org.ID, "Was our VPN configuration in the leak?", "live")
		b.Fill(`textarea[name=answer]`, "No: the leaked file holds names and phone numbers only.")
		b.Submit(`form[action$="/answer"] button`)
		b.ShowsText("Answered by lea", "No: the leaked file holds names and phone numbers only.")
		if n := b.Count(`textarea[name=answer]`); n != 0 {
			b.Failf("%d questions are still open after the answer", n)
		}

		b.Visit(link)
		b.ShowsText("Was our VPN configuration in the leak?", "Answer,", "No: the leaked file holds names and phone numbers only.")
		b.HidesText("Not answered yet.")
		b.Visit(inc)
		b.ShowsText(leakdesk.EventPortalQuestion, leakdesk.EventPortalAnswer)
	})
	step("record a phone call", func(b *browsertest.Browser) {
		b.Visit(inc + "/notifications")
		b.Fill("#contact-recipient", "C-001")
		b.Fill("#contact-channel", "phone")
		b.Fill("#contact-outcome", "reached")
		b.Fill("#contact-note", "called at the office")
		b.Submit(`form[action$="/contacts"] button`)
		b.ShowsText("Coverage of INC-0001")
		b.Visit(inc)
		b.ShowsText(leakdesk.EventContactRecorded, "called at the office")
	})
	step("file the authority report", func(b *browsertest.Browser) {
		b.Visit(inc + "/reports?kind=cnil&lang=en")
		b.ShowsText("answers are still unknown", "Download")
		b.CheckAccessibility()
		b.Fill("#filing-obligation", "gdpr.art33.authority")
		b.Fill("#filing-ref", "CNIL-2026-0042")
		b.Submit(`form[action$="/filings"] button`)
		b.ShowsText("Filings made", "CNIL-2026-0042", "gdpr.art33.authority")
	})
	step("close the incident", func(b *browsertest.Browser) {
		b.Visit(inc)
		b.Fill("#close-reason", "everyone is told and the authority informed")
		b.Submit(`form[action$="/close"] button`)
		// Refused while obligations are outstanding: the form says which,
		// keeps the reason, and takes the reason each is not needed.
		b.ShowsText("Not closed", "outstanding", "gdpr.art34.subjects")
		if kept := browsertest.Eval[string](b, `document.getElementById("close-reason").value`); kept != "everyone is told and the authority informed" {
			b.Failf("the refused form lost the reason: %q", kept)
		}
		if n := browsertest.Eval[int](b, `const w = document.querySelectorAll('input[name^="waive:"]'); w.forEach(i => i.value = "told by the first notice, recorded in the register by hand"); w.length`); n == 0 {
			b.Failf("no waiver field for the outstanding obligations")
		}
		b.Submit(`form[action$="/close"] button`)
		if strings.Contains(b.Text(), "Not closed") {
			b.Failf("the incident was not closed")
		}
		b.ShowsText("closed", "incident.closed")
	})
}
