package http

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/notify/notifytest"
	"github.com/leakdesk/leakdesk/store"
)

const portalBase = "https://desk.exemple.fr"

var mailedPortalLink = regexp.MustCompile(regexp.QuoteMeta(portalBase) + `/portal/(ldp_[A-Za-z0-9_-]+)`)

// portalMailDesk is a server that sends notices, with portal links in
// them, through a real mailpit, to the portal test's two organisations.
type portalMailDesk struct {
	*fixture
	mp      *notifytest.Mailpit
	notices *store.NoticeService
	comms   func(*http.Request)
}

func newPortalMailDesk(t *testing.T, d *testbackends.Desk) *portalMailDesk {
	mp := notifytest.Start(t)
	f := newFixture(t, d, generousLimits())
	portalPeople(t, f)
	templates, err := notify.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := notify.NewTokens(bytes.Repeat([]byte("k"), 32))
	if err != nil {
		t.Fatal(err)
	}
	notices := store.NewNoticeService(f.db)
	campaigns := notify.NewCampaigns(notify.Deps{Incidents: f.incidents, Notices: notices, Findings: f.cfg.Findings, DB: f.db.SQL(), Dialect: f.db.Dialect(),
		Templates: templates, From: notify.From{Name: "Exemple SA", Address: "dpo@exemple.fr"}, Tokens: tokens, BaseURL: portalBase,
		Portal: f.cfg.Portal, Logger: slog.New(slog.NewTextHandler(f.logs, nil))})
	// The timeout outlasts the browser test's steps, during which the
	// connections stay idle until the dispatcher stops.
	dispatcher := startDispatcher(t, campaigns, "smtp://"+mp.SMTP+"?tls=none&timeout=60s")
	f.reconfigure(func(cfg *Config) { cfg.Campaigns, cfg.Dispatcher, cfg.Composes = campaigns, dispatcher, true })
	lead := f.caller("lea", leakdesk.RoleLead)
	for _, key := range []string{"circumstances", "consequences", "measures", "dpo"} {
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/facts", `{"key": "`+key+`", "value": "synthetic `+key+`"}`, lead); w.Code != http.StatusOK {
			t.Fatalf("fact %s: %d %s", key, w.Code, w.Body)
		}
	}
	return &portalMailDesk{fixture: f, mp: mp, notices: notices, comms: f.caller("cam", leakdesk.RoleCommunications)}
}

// sendFirstNotice sends the first notice through the API, waits until it
// is sent, and returns the portal secrets mailed to Ada, of A, and to
// Bea, of B.
func (p *portalMailDesk) sendFirstNotice(t *testing.T) (secretA, secretB string) {
	t.Helper()
	w := p.do(http.MethodPost, "/api/v1/incidents/1/notices", `{"campaign": "wave-1"}`, p.comms)
	res := decodeBody[notify.CampaignResult](t, w.Body.String())
	if w.Code != http.StatusAccepted {
		t.Fatalf("send: %d %s", w.Code, w.Body)
	}
	waitSent(t, p.notices, res.Notice)
	adaMails, beaMails := p.mailsTo("ada@alpha.example", "exposed"), p.mailsTo("bea@beta.example", "exposed")
	if len(adaMails) != 1 || len(beaMails) != 1 {
		t.Fatalf("first notices: %d to Ada, %d to Bea; want one each", len(adaMails), len(beaMails))
	}
	return mailedSecret(t, adaMails[0]), mailedSecret(t, beaMails[0])
}

// startDispatcher starts sending campaigns to smtp in the background,
// until the test ends.
func startDispatcher(t *testing.T, campaigns *notify.Campaigns, smtp string) *notify.Dispatcher {
	t.Helper()
	dispatcher, err := campaigns.NewDispatcher(t.Context(), notify.DispatchConfig{SMTP: smtp, Connections: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := dispatcher.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := dispatcher.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return dispatcher
}

// mailsTo returns the decoded bodies of what mailpit holds for address,
// whose subject has subject in it.
func (p *portalMailDesk) mailsTo(address, subject string) []notifytest.Body {
	var out []notifytest.Body
	for _, m := range p.mp.Messages() {
		if len(m.To) == 1 && m.To[0].Address == address && strings.Contains(m.Subject, subject) {
			out = append(out, p.mp.Body(m.ID))
		}
	}
	return out
}

// mailedSecret is the portal secret in a mail's text, which its HTML
// part must carry too.
func mailedSecret(t *testing.T, b notifytest.Body) string {
	t.Helper()
	m := mailedPortalLink.FindStringSubmatch(b.Text)
	if m == nil {
		t.Fatalf("no portal link in the mail:\n%s", b.Text)
	}
	if !strings.Contains(b.HTML, `href="`+portalBase+"/portal/"+m[1]+`"`) {
		t.Errorf("the HTML part does not link to the text part's portal page")
	}
	return m[1]
}

// TestPortalLinkMailed: the first notice, sent through a real mailpit,
// carries each organisation's own portal link; the link read from the
// mail opens that organisation's page and no other; a preview never shows
// it; the link of an earlier generation and tampered links open nothing;
// the link is in no log and no event. On both stores.
func TestPortalLinkMailed(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		p := newPortalMailDesk(t, d)
		secretA, secretB := p.sendFirstNotice(t)
		if secretA == secretB {
			t.Fatal("both organisations were mailed the same link")
		}
		// A message sent again renders the link the store recomputes.
		if _, again, err := p.cfg.Portal.LivePortalLink(t.Context(), 1, "O-A"); err != nil || again != secretA {
			t.Errorf("the link recomputed for a resend differs from the one mailed: %v", err)
		}

		ofB := []string{"Bea Beta", "Beta SA", "iban", "Zed Second", "passport"}
		page := p.do(http.MethodGet, "/portal/"+secretA, "")
		if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "Ada Alpha") {
			t.Fatalf("A's page from the mail: %d %s", page.Code, page.Body)
		}
		for _, s := range ofB {
			if strings.Contains(page.Body.String(), s) {
				t.Errorf("A's page shows %q", s)
			}
		}
		if page := p.do(http.MethodGet, "/portal/"+secretB, ""); page.Code != http.StatusOK || strings.Contains(page.Body.String(), "Ada Alpha") {
			t.Errorf("B's page from the mail: %d, shows A: %v", page.Code, strings.Contains(page.Body.String(), "Ada Alpha"))
		}

		preview := p.do(http.MethodPost, "/api/v1/incidents/1/notices/preview", `{"recipient": "A-1"}`, p.comms)
		if preview.Code != http.StatusOK || strings.Contains(preview.Body.String(), secretA) || !strings.Contains(preview.Body.String(), notify.PortalPlaceholder) {
			t.Errorf("a preview: %d, shows the link: %v", preview.Code, strings.Contains(preview.Body.String(), secretA))
		}

		// A new link for A: the mailed one, of the earlier generation, is dead.
		w := p.do(http.MethodPost, "/api/v1/incidents/1/portal/links", `{"org": "O-A"}`, p.comms)
		if w.Code != http.StatusOK {
			t.Fatalf("a new link for A: %d %s", w.Code, w.Body)
		}
		for name, path := range map[string]string{
			"earlier generation":    "/portal/" + secretA,
			"B's secret, A's tail":  "/portal/" + secretB[:len(secretB)-8] + secretA[len(secretA)-8:],
			"organisation ID":       "/portal/O-B",
			"A's secret, one byte":  "/portal/" + secretA[:len(secretA)-1] + flip(secretA[len(secretA)-1]),
			"earlier, org in query": "/portal/" + secretA + "?org=O-B",
		} {
			page := p.do(http.MethodGet, path, "")
			if page.Code != http.StatusUnauthorized {
				t.Errorf("%s: %d; want 401", name, page.Code)
			}
			for _, s := range append(ofB, "Ada Alpha", "Alpha Ltd") {
				if strings.Contains(page.Body.String(), s) {
					t.Errorf("%s: the refusal shows %q", name, s)
				}
			}
		}
		if page := p.do(http.MethodGet, "/portal/"+secretB+"?org=O-A", ""); page.Code != http.StatusOK || strings.Contains(page.Body.String(), "Ada Alpha") {
			t.Errorf("B's link naming A in its query: %d, shows A: %v", page.Code, strings.Contains(page.Body.String(), "Ada Alpha"))
		}
		p.noSecretsKept(t, secretA, secretB)
	})
}

// TestPortalAnswerMailed: a question asked on the page names which of the
// organisation's people gets the answer, and only those are accepted; the
// console's answer reaches that person once through a real mailpit, with
// the organisation's live link and without the question's text, is on the page and on the timeline as a
// delivery; the address is in no log. On both stores.
func TestPortalAnswerMailed(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		p := newPortalMailDesk(t, d)
		_, secret, err := p.cfg.Portal.IssuePortalLink(t.Context(), 1, "O-A", leakdesk.DefaultPortalLifetime, "local:setup")
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{}
		for _, incident := range []int64{1, 2} {
			people, err := p.notices.Recipients(t.Context(), incident)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range people {
				ids[r.Key] = itoa(r.ID)
			}
		}
		page := p.do(http.MethodGet, "/portal/"+secret, "")
		if !strings.Contains(page.Body.String(), `<option value="`+ids["A-1"]+`">Ada Alpha</option>`) || strings.Contains(page.Body.String(), "alpha.example") {
			t.Fatalf("the page offers Ada without her address:\n%s", page.Body)
		}

		before := p.snapshot()
		for name, form := range map[string]url.Values{
			"B's person":          {"question": {"to B?"}, "reply_to": {ids["B-1"]}},
			"B's address":         {"question": {"to B?"}, "reply_address": {"bea@beta.example"}},
			"an outside address":  {"question": {"to anyone?"}, "reply_address": {"someone@elsewhere.example"}},
			"another incident's":  {"question": {"to Zed?"}, "reply_to": {ids["Z-1"]}},
			"A's person, typed B": {"question": {"mixed"}, "reply_to": {ids["A-1"]}, "reply_address": {"bea@beta.example"}},
		} {
			body, asForm := postForm(form)
			w := p.do(http.MethodPost, "/portal/"+secret+"/questions", body, asForm)
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "choose one from the list") {
				t.Errorf("%s: %d; want 400 and the reason", name, w.Code)
			}
			if strings.Contains(w.Body.String(), "Bea Beta") {
				t.Errorf("%s: the refusal names B's person", name)
			}
		}
		p.unchanged("refused questions", before)

		body, asForm := postForm(url.Values{"question": {"Was our VPN configuration in the leak?"}, "reply_to": {ids["A-1"]}})
		if w := p.do(http.MethodPost, "/portal/"+secret+"/questions", body, asForm); w.Code != http.StatusSeeOther {
			t.Fatalf("ask: %d %s", w.Code, w.Body)
		}
		questions, err := p.cfg.Portal.Questions(t.Context(), 1)
		if err != nil || len(questions) != 1 || itoa(questions[0].ReplyTo) != ids["A-1"] {
			t.Fatalf("questions: %+v, %v", questions, err)
		}
		p.showsReplyTo(t, secret)
		answerPath := "/api/v1/incidents/1/questions/" + itoa(questions[0].ID) + "/answer"
		w := p.do(http.MethodPost, answerPath, `{"answer": "Yes: the March export held it."}`, p.comms)
		answered := decodeBody[leakdesk.PortalQuestion](t, w.Body.String())
		if w.Code != http.StatusOK || answered.AnswerNotice == 0 {
			t.Fatalf("answer: %d %s", w.Code, w.Body)
		}
		if w := p.do(http.MethodPost, answerPath, `{"answer": "again"}`, p.comms); w.Code != http.StatusConflict {
			t.Errorf("a second answer: %d", w.Code)
		}
		waitSent(t, p.notices, answered.AnswerNotice)
		mails := p.mailsTo("ada@alpha.example", "Answer to your question")
		if len(mails) != 1 {
			t.Fatalf("answers mailed to Ada: %d; want 1", len(mails))
		}
		for _, want := range []string{"Yes: the March export held it.", "Alpha Ltd"} {
			if !strings.Contains(mails[0].Text, want) {
				t.Errorf("the answer mail lacks %q:\n%s", want, mails[0].Text)
			}
		}
		// What a visitor typed is never mailed under the responder's name.
		if strings.Contains(mails[0].Text+mails[0].HTML, "VPN configuration") {
			t.Errorf("the answer mail quotes the question")
		}
		if got := mailedSecret(t, mails[0]); got != secret {
			t.Errorf("the answer mail links to another page than the organisation's live one")
		}
		if n := len(p.mp.Messages()); n != 1 {
			t.Errorf("mailpit holds %d messages; want the answer alone", n)
		}
		if page := p.do(http.MethodGet, "/portal/"+secret, ""); !strings.Contains(page.Body.String(), "Yes: the March export held it.") {
			t.Errorf("the page does not show the answer")
		}

		events, err := p.incidents.FindEvents(t.Context(), 1)
		if err != nil {
			t.Fatal(err)
		}
		delivered := false
		for _, ev := range events {
			if ev.Kind != leakdesk.EventDeliveryChanged {
				continue
			}
			pl, err := leakdesk.DecodePayload(ev)
			if err != nil {
				t.Fatal(err)
			}
			d := pl.(*leakdesk.DeliveryChangedPayload)
			delivered = delivered || (d.Notice == answered.AnswerNotice && d.State == leakdesk.DeliverySent && d.Recipient == "A-1")
		}
		if !delivered {
			t.Error("the answer's delivery to A-1 is not on the timeline")
		}
		p.noSecretsKept(t, secret)
	})
}

// showsReplyTo checks that the console's tasks name the person the
// answer is mailed to, with their address for a role that sees personal
// data and masked for one that does not, and the organisation by name;
// and that the portal page names the person, without the address.
func (p *portalMailDesk) showsReplyTo(t *testing.T, secret string) {
	t.Helper()
	tasks := "/console/incidents/" + leakdesk.FormatIncidentID(1) + "/portal"
	for _, c := range []struct {
		caller     func(*http.Request)
		want, gone []string
	}{
		{p.comms, []string{"Alpha Ltd (O-A)", `<span class="reply-to">Ada Alpha</span> &lt;ada@alpha.example&gt;`}, []string{"recipient "}},
		{p.caller("lou", leakdesk.RoleLegal), []string{"Alpha Ltd (O-A)", `<span class="reply-to">A*** A***</span> &lt;a***@a***.example&gt;`, "masked for your role"}, []string{"Ada", "ada@"}},
	} {
		w := p.do(http.MethodGet, tasks, "", c.caller)
		body := w.Body.String()
		for _, want := range c.want {
			if w.Code != http.StatusOK || !strings.Contains(body, want) {
				t.Errorf("the tasks page (%d) lacks %q:\n%s", w.Code, want, body)
			}
		}
		for _, gone := range c.gone {
			if strings.Contains(body, gone) {
				t.Errorf("the tasks page shows %q", gone)
			}
		}
	}
	page := p.do(http.MethodGet, "/portal/"+secret, "").Body.String()
	if !strings.Contains(page, "e-mailed to Ada Alpha.") {
		t.Errorf("the portal page does not name whom the answer goes to:\n%s", page)
	}
}

// noSecretsKept checks that no log line and no event holds a portal
// secret or an address of the organisations' people.
func (p *portalMailDesk) noSecretsKept(t *testing.T, secrets ...string) {
	t.Helper()
	logs := p.logs.String()
	events, err := p.incidents.FindEvents(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var details strings.Builder
	for _, ev := range events {
		details.Write(ev.Details)
	}
	for _, s := range append(secrets, "ada@alpha.example", "bea@beta.example", store.PortalPrefix) {
		if strings.Contains(logs, s) {
			t.Errorf("the logs hold %q", s)
		}
		if strings.Contains(details.String(), s) {
			t.Errorf("the timeline holds %q", s)
		}
	}
}

// flip changes a base64url character into another.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
