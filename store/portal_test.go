package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// portalIncident is an incident whose recipients belong to two
// organisations, A (two people) and B (one), each sent the first notice,
// with one public fact, one withdrawn and one internal.
func portalIncident(t *testing.T, h *harness) (*leakdesk.Incident, *store.PortalService) {
	t.Helper()
	ctx := context.Background()
	incidents := newIncidents(t, h.db)
	inc := mustCreate(t, incidents, newIncident("portal"))
	notices := store.NewNoticeService(h.db)
	people := []*leakdesk.Recipient{
		{Key: "A-1", Kind: leakdesk.RecipientAffected, Name: "Ada Alpha", OrgID: "O-A", Organisation: "Alpha Ltd", Email: "ada@alpha.example", Fields: []string{"email", "phone"}, Language: "en"},
		{Key: "A-2", Kind: leakdesk.RecipientAffected, Name: "Abel Alpha", OrgID: "O-A", Organisation: "Alpha Ltd", Email: "abel@alpha.example", Fields: []string{"email"}, Language: "en"},
		{Key: "B-1", Kind: leakdesk.RecipientAffected, Name: "Bea Beta", OrgID: "O-B", Organisation: "Beta SA", Email: "bea@beta.example", Fields: []string{"iban"}, Language: "en"},
	}
	if _, err := notices.AddRecipients(ctx, inc.ID, "alice", people); err != nil {
		t.Fatal(err)
	}
	var q enqueued
	if _, _, err := notices.CreateNotice(ctx, &leakdesk.Notice{IncidentID: inc.ID, Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first", Actor: "alice"}, q.fn); err != nil {
		t.Fatal(err)
	}
	var c *leakdesk.Claim
	for _, id := range q.ids {
		var done *leakdesk.Outcome
		if c != nil {
			done = sent(c)
		}
		c = advance(t, notices, done, id)
	}
	advance(t, notices, sent(c), 0)
	for _, f := range []leakdesk.FactPayload{
		{Key: "measures", Public: true, Value: "passwords reset"},
		{Key: "circumstances", Public: true, Value: "first draft"},
		{Key: "circumstances", Value: "internal wording"}, // withdrawn from the portal
		{Key: "root_cause", Value: "misconfigured bucket"},
	} {
		if err := incidents.AppendEvent(ctx, leakdesk.NewEvent(inc.ID, "lea", leakdesk.EventFact, time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC), f)); err != nil {
			t.Fatal(err)
		}
	}
	return inc, store.NewPortalService(h.db)
}

// TestPortalShowsOneOrganisation: a link opens its organisation's page
// and only it: its people and their leaked fields, the public facts, the
// notices sent to its people, its questions; never another's.
func TestPortalShowsOneOrganisation(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db)
		inc, svc := portalIncident(t, h)
		linkA, secretA, err := svc.IssuePortalLink(ctx, inc.ID, "O-A", leakdesk.DefaultPortalLifetime, "carl")
		if err != nil {
			t.Fatal(err)
		}
		_, secretB, err := svc.IssuePortalLink(ctx, inc.ID, "O-B", leakdesk.DefaultPortalLifetime, "carl")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.IssuePortalLink(ctx, inc.ID, "O-Z", time.Hour, "carl"); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Errorf("a link for an organisation none of the recipients belongs to: %v", err)
		}
		if _, _, err := svc.IssuePortalLink(ctx, inc.ID, "O-A", 2*leakdesk.MaxPortalLifetime, "carl"); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("a link beyond the longest lifetime: %v", err)
		}
		a, err := svc.OpenPortal(ctx, secretA)
		if err != nil || a.ID != linkA.ID || a.OrgID != "O-A" || a.IncidentID != inc.ID {
			t.Fatalf("open A's link: %+v, %v", a, err)
		}
		for _, bad := range []string{"", secretA[:len(secretA)-1], secretA + "x", strings.Replace(secretA, "ldp_", "ldt_", 1), "ldp_" + strings.Repeat("A", 43)} {
			if _, err := svc.OpenPortal(ctx, bad); leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED {
				t.Errorf("secret %q: %v; want EUNAUTHORIZED", bad, err)
			}
		}
		b, err := svc.OpenPortal(ctx, secretB)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AskQuestion(ctx, a, leakdesk.QuestionRequest{Text: "Was our VPN configuration in the leak?"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AskQuestion(ctx, b, leakdesk.QuestionRequest{Text: "Beta asks about IBANs"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AskQuestion(ctx, a, leakdesk.QuestionRequest{Text: "   "}); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("an empty question: %v", err)
		}

		view, err := svc.PortalPage(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range view.People {
			names = append(names, p.Name+":"+strings.Join(p.Fields, "+"))
		}
		if got := strings.Join(names, ","); got != "Abel Alpha:email,Ada Alpha:email+phone" {
			t.Errorf("A's people: %s", got)
		}
		if len(view.Facts) != 1 || view.Facts[0] != (leakdesk.PortalFact{Key: "measures", Value: "passwords reset"}) {
			t.Errorf("A's facts: %+v; want the public one alone", view.Facts)
		}
		if len(view.Notices) != 1 || view.Notices[0].Sent != 2 || view.Notices[0].Kind != leakdesk.NoticeFirst {
			t.Errorf("A's notices: %+v; want the first notice, sent to its 2 people", view.Notices)
		}
		if len(view.Questions) != 1 || view.Questions[0].OrgID != "O-A" {
			t.Errorf("A's questions: %+v", view.Questions)
		}
		if all := portalText(view); strings.Contains(all, "Beta") || strings.Contains(all, "Bea") || strings.Contains(all, "iban") || strings.Contains(all, "O-B") {
			t.Errorf("A's page shows B: %s", all)
		}
	})
}

// TestPortalQuestionsAreTasks: questions are the console's tasks, open
// ones first, answered once, and both question and answer are on the
// timeline, which still verifies; acknowledging is recorded once; a
// revoked or expired link opens nothing.
func TestPortalQuestionsAreTasks(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		inc, svc := portalIncident(t, h)
		_, secret, err := svc.IssuePortalLink(ctx, inc.ID, "O-A", 48*time.Hour, "carl")
		if err != nil {
			t.Fatal(err)
		}
		link, err := svc.OpenPortal(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		first, err := svc.AskQuestion(ctx, link, leakdesk.QuestionRequest{Text: "first question"})
		if err != nil {
			t.Fatal(err)
		}
		second, err := svc.AskQuestion(ctx, link, leakdesk.QuestionRequest{Text: "second question"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AnswerQuestion(ctx, inc.ID, first.ID, "  ", "carl", nil); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("an empty answer: %v", err)
		}
		if _, err := svc.AnswerQuestion(ctx, inc.ID+1, first.ID, "an answer", "carl", nil); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Errorf("an answer through another incident: %v", err)
		}
		if _, err := svc.AnswerQuestion(ctx, inc.ID, first.ID, "Yes, the file of March.", "carl", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AnswerQuestion(ctx, inc.ID, first.ID, "again", "lea", nil); leakdesk.ErrorCode(err) != leakdesk.ECONFLICT {
			t.Errorf("a second answer: %v", err)
		}
		tasks, err := svc.Questions(ctx, inc.ID)
		if err != nil || len(tasks) != 2 || tasks[0].ID != second.ID || !tasks[0].Open() || tasks[1].Answer != "Yes, the file of March." || tasks[1].AnsweredBy != "carl" {
			t.Fatalf("tasks: %+v, %v", tasks, err)
		}
		for i, want := range []bool{true, false} {
			if recorded, err := svc.AcknowledgePortal(ctx, link); err != nil || recorded != want {
				t.Errorf("acknowledgement %d: recorded %v, %v", i, recorded, err)
			}
		}

		incidents := newIncidents(t, h.db)
		mustVerify(t, incidents, inc.ID)
		events, err := incidents.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, ev := range events {
			if !strings.HasPrefix(ev.Kind, "portal.") {
				continue
			}
			kinds[ev.Kind]++
			if _, err := leakdesk.DecodePayload(ev); err != nil {
				t.Errorf("event %d: %v", ev.Seq, err)
			}
			if ev.Kind == leakdesk.EventPortalQuestion && ev.Actor != leakdesk.PortalActor(link) {
				t.Errorf("question asked by %q", ev.Actor)
			}
		}
		if kinds[leakdesk.EventPortalQuestion] != 2 || kinds[leakdesk.EventPortalAnswer] != 1 || kinds[leakdesk.EventPortalAcknowledged] != 1 || kinds[leakdesk.EventPortalLinkIssued] != 1 {
			t.Errorf("portal events on the timeline: %v", kinds)
		}

		clk.advance(49 * time.Hour)
		if _, err := svc.OpenPortal(ctx, secret); leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED {
			t.Errorf("an expired link: %v", err)
		}
		other, secret2, err := svc.IssuePortalLink(ctx, inc.ID, "O-A", time.Hour, "carl")
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.RevokePortalLink(ctx, inc.ID+1, other.ID, "carl"); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Errorf("revoking through another incident: %v", err)
		}
		if err := svc.RevokePortalLink(ctx, inc.ID, other.ID, "carl"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.OpenPortal(ctx, secret2); leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED {
			t.Errorf("a revoked link: %v", err)
		}
	})
}

// portalText is everything a page's view holds, as text.
func portalText(v *leakdesk.PortalView) string {
	var b strings.Builder
	b.WriteString(v.OrgID + v.Organisation)
	for _, p := range v.People {
		b.WriteString(p.Name + p.Role + strings.Join(p.Fields, ","))
	}
	for _, f := range v.Facts {
		b.WriteString(f.Key + f.Value)
	}
	for _, q := range v.Questions {
		b.WriteString(q.OrgID + q.Text + q.Answer)
	}
	for _, n := range v.Notices {
		b.WriteString(n.Kind + n.Message)
	}
	return b.String()
}
