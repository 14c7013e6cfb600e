package store_test

import (
	"context"
	"fmt"
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
		link, secret := openNewLink(t, svc, inc.ID, "O-A")
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

// openNewLink issues a link of organisation org, for two days, and opens
// it.
func openNewLink(t *testing.T, svc *store.PortalService, incidentID int64, org string) (*leakdesk.PortalLink, string) {
	t.Helper()
	_, secret, err := svc.IssuePortalLink(context.Background(), incidentID, org, 48*time.Hour, "carl")
	if err != nil {
		t.Fatal(err)
	}
	link, err := svc.OpenPortal(context.Background(), secret)
	if err != nil {
		t.Fatal(err)
	}
	return link, secret
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

// TestPortalLinksAreDerived: a link's secret is recomputed, the same
// every time, for what a notice carries; issuing the organisation a link
// again makes a new generation and the secrets of the earlier ones open
// nothing; every organisation of the audience gets one live link, once.
func TestPortalLinksAreDerived(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		inc, svc := portalIncident(t, h)
		if _, _, err := svc.LivePortalLink(ctx, inc.ID, "O-A"); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Errorf("the live link of an organisation that has none: %v", err)
		}
		if issued, err := svc.EnsurePortalLinks(ctx, inc.ID, 48*time.Hour, "carl"); err != nil || issued != 2 {
			t.Fatalf("links for both organisations: %d, %v", issued, err)
		}
		if issued, err := svc.EnsurePortalLinks(ctx, inc.ID, 48*time.Hour, "carl"); err != nil || issued != 0 {
			t.Fatalf("links again: %d, %v; want none, both are live", issued, err)
		}
		first, secret, err := svc.LivePortalLink(ctx, inc.ID, "O-A")
		if err != nil {
			t.Fatal(err)
		}
		if _, again, err := svc.LivePortalLink(ctx, inc.ID, "O-A"); err != nil || again != secret {
			t.Fatalf("the secret recomputed differs: %v", err)
		}
		_, secretB, err := svc.LivePortalLink(ctx, inc.ID, "O-B")
		if err != nil || secretB == secret {
			t.Fatalf("B's secret: %v (the same as A's: %v)", err, secretB == secret)
		}
		if l, err := svc.OpenPortal(ctx, secret); err != nil || l.ID != first.ID || l.OrgID != "O-A" || l.Generation != 1 {
			t.Fatalf("open A's derived link: %+v, %v", l, err)
		}

		rotated, newSecret, err := svc.IssuePortalLink(ctx, inc.ID, "O-A", 48*time.Hour, "carl")
		if err != nil {
			t.Fatal(err)
		}
		if rotated.Generation != 2 || newSecret == secret {
			t.Fatalf("the new link: generation %d, same secret %v", rotated.Generation, newSecret == secret)
		}
		if _, err := svc.OpenPortal(ctx, secret); leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED {
			t.Errorf("the link of the earlier generation: %v; want EUNAUTHORIZED", err)
		}
		if l, live, err := svc.LivePortalLink(ctx, inc.ID, "O-A"); err != nil || live != newSecret || l.ID != rotated.ID {
			t.Errorf("the live link after rotation: %+v, %v", l, err)
		}
		if l, err := svc.OpenPortal(ctx, secretB); err != nil || l.OrgID != "O-B" {
			t.Errorf("B's link after A's rotation: %+v, %v", l, err)
		}

		// Expired, B's link is replaced on the next notice; A's live one is kept.
		clk.advance(49 * time.Hour)
		if _, _, err := svc.IssuePortalLink(ctx, inc.ID, "O-A", 48*time.Hour, "carl"); err != nil {
			t.Fatal(err)
		}
		if issued, err := svc.EnsurePortalLinks(ctx, inc.ID, 48*time.Hour, "carl"); err != nil || issued != 1 {
			t.Errorf("links after B's expired: %d, %v; want 1", issued, err)
		}
		if _, err := svc.EnsurePortalLinks(ctx, inc.ID, 2*leakdesk.MaxPortalLifetime, "carl"); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("links beyond the longest lifetime: %v", err)
		}
		mustVerify(t, newIncidents(t, h.db), inc.ID)
	})
}

// TestPortalAnswerMailed: the asker chooses, or types, which of the
// organisation's people gets the answer, and nobody else is accepted; the
// answer is then one notice with one delivery, to that person, queued in
// the same transaction; it does not count as telling them of the leak;
// the timeline names the person by key, never by address.
func TestPortalAnswerMailed(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db)
		inc, svc := portalIncident(t, h)
		link, _ := openNewLink(t, svc, inc.ID, "O-A")
		view, err := svc.PortalPage(ctx, link)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, p := range view.People {
			if !p.Reachable {
				t.Errorf("%s has an address but is not reachable", p.Name)
			}
			ids[p.Name] = p.ID
		}
		notices := store.NewNoticeService(h.db)
		all, err := notices.Recipients(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var beaID int64
		for _, r := range all {
			if r.OrgID == "O-B" {
				beaID = r.ID
			}
		}
		before := countEvents(t, h, inc.ID)
		for _, bad := range []leakdesk.QuestionRequest{
			{Text: "to B by ID", ReplyTo: beaID},
			{Text: "to B by address", ReplyAddress: "bea@beta.example"},
			{Text: "to anyone", ReplyAddress: "someone@elsewhere.example"},
			{Text: "to nobody known", ReplyTo: 999999},
		} {
			if _, err := svc.AskQuestion(ctx, link, bad); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
				t.Errorf("%s: %v; want EINVALID", bad.Text, err)
			}
		}
		if after := countEvents(t, h, inc.ID); after != before {
			t.Errorf("refused questions wrote %d events", after-before)
		}
		typed, err := svc.AskQuestion(ctx, link, leakdesk.QuestionRequest{Text: "Typed", ReplyAddress: " ABEL@alpha.example "})
		if err != nil || typed.ReplyTo != ids["Abel Alpha"] {
			t.Fatalf("a typed address of A's: %+v, %v", typed, err)
		}
		chosen, err := svc.AskQuestion(ctx, link, leakdesk.QuestionRequest{Text: "Chosen", ReplyTo: ids["Ada Alpha"]})
		if err != nil || chosen.ReplyTo != ids["Ada Alpha"] {
			t.Fatalf("a chosen person of A's: %+v, %v", chosen, err)
		}
		coverage := func() map[string]int {
			entries, err := notices.Coverage(ctx, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int{}
			for _, e := range entries {
				out[e.Recipient.Key] = e.Notices
			}
			return out
		}
		was := coverage()

		var q enqueued
		answered, err := svc.AnswerQuestion(ctx, inc.ID, chosen.ID, "Yes, the March file.", "carl", &leakdesk.AnswerMail{Domain: "desk.example", Enqueue: q.fn})
		if err != nil || answered.AnswerNotice == 0 {
			t.Fatalf("answer: %+v, %v", answered, err)
		}
		if len(q.ids) != 1 {
			t.Fatalf("the answer enqueued %d deliveries; want 1", len(q.ids))
		}
		c := advance(t, notices, nil, q.ids[0])
		if c.Notice.Kind != leakdesk.NoticeAnswer || c.Notice.Message != "Yes, the March file." || c.Recipient.ID != ids["Ada Alpha"] || c.Delivery.Address != "ada@alpha.example" {
			t.Fatalf("the answer's delivery: %+v to %+v", c.Notice, c.Recipient)
		}
		advance(t, notices, sent(c), 0)
		if now := coverage(); fmt.Sprint(now) != fmt.Sprint(was) {
			t.Errorf("coverage counted the answer: %v, was %v", now, was)
		}
		view, err = svc.PortalPage(ctx, link)
		if err != nil {
			t.Fatal(err)
		}
		if len(view.Notices) != 1 || view.Notices[0].Kind != leakdesk.NoticeFirst {
			t.Errorf("A's notices list the answer: %+v", view.Notices)
		}
		// Without a way to mail, the answer is only on the page.
		if q, err := svc.AnswerQuestion(ctx, inc.ID, typed.ID, "No.", "carl", nil); err != nil || q.AnswerNotice != 0 {
			t.Errorf("an answer not mailed: %+v, %v", q, err)
		}

		incidents := newIncidents(t, h.db)
		mustVerify(t, incidents, inc.ID)
		events, err := incidents.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var replyKeys []string
		answerDelivered := false
		for _, ev := range events {
			if p, err := leakdesk.DecodePayload(ev); err == nil && ev.Kind == leakdesk.EventDeliveryChanged {
				answerDelivered = answerDelivered || p.(*leakdesk.DeliveryChangedPayload).Notice == answered.AnswerNotice
			}
			if d := string(ev.Details); strings.Contains(d, "@alpha.example") || strings.Contains(d, "@beta.example") || strings.Contains(d, store.PortalPrefix) {
				t.Errorf("event %d (%s) holds an address or a link: %s", ev.Seq, ev.Kind, ev.Details)
			}
			if ev.Kind == leakdesk.EventPortalQuestion {
				p, err := leakdesk.DecodePayload(ev)
				if err != nil {
					t.Fatal(err)
				}
				replyKeys = append(replyKeys, p.(*leakdesk.PortalQuestionPayload).ReplyTo)
			}
		}
		if !answerDelivered {
			t.Error("the answer's delivery is not on the timeline")
		}
		if strings.Join(replyKeys, ",") != "A-2,A-1" {
			t.Errorf("the questions name whom to answer as %v; want A-2,A-1", replyKeys)
		}
	})
}

func countEvents(t *testing.T, h *harness, incidentID int64) int {
	t.Helper()
	events, err := newIncidents(t, h.db).FindEvents(context.Background(), incidentID)
	if err != nil {
		t.Fatal(err)
	}
	return len(events)
}

// BenchmarkLivePortalLink is what the portal link adds to each message
// with an organisation: reading the live link and recomputing its secret.
// Run it beside BenchmarkAdvance, the store's share of each message.
func BenchmarkLivePortalLink(b *testing.B) {
	eachBenchStore(b, func(b *testing.B, h *harness) {
		ctx := context.Background()
		incidents := newIncidents(b, h.db)
		inc := mustCreate(b, incidents, newIncident("bench"))
		notices := store.NewNoticeService(h.db)
		var people []*leakdesk.Recipient
		for i := range 200 {
			org := fmt.Sprintf("O-%d", i%20)
			people = append(people, &leakdesk.Recipient{Key: fmt.Sprintf("C-%d", i), Kind: leakdesk.RecipientAffected, Name: "Person", OrgID: org, Organisation: org,
				Email: fmt.Sprintf("p%d@example.org", i), Language: "en"})
		}
		if _, err := notices.AddRecipients(ctx, inc.ID, "alice", people); err != nil {
			b.Fatal(err)
		}
		svc := store.NewPortalService(h.db)
		if _, err := svc.EnsurePortalLinks(ctx, inc.ID, leakdesk.DefaultPortalLifetime, "alice"); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := range b.N {
			if _, _, err := svc.LivePortalLink(ctx, inc.ID, people[i%len(people)].OrgID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzQuestionReply: whatever the form says of whom to answer, a question
// is refused (EINVALID) or names one of the link's organisation's people
// in its incident who has an address: the portal never mails anyone else.
func FuzzQuestionReply(f *testing.F) {
	h := openSQLite(f, store.Options{})
	ctx := context.Background()
	incidents := newIncidents(f, h.db)
	inc := mustCreate(f, incidents, newIncident("fuzz"))
	other := mustCreate(f, incidents, newIncident("other"))
	notices := store.NewNoticeService(h.db)
	for id, people := range map[int64][]*leakdesk.Recipient{
		inc.ID: {
			{Key: "A-1", Kind: leakdesk.RecipientAffected, Name: "Ada Alpha", OrgID: "O-A", Organisation: "Alpha Ltd", Email: "ada@alpha.example", Language: "en"},
			{Key: "A-2", Kind: leakdesk.RecipientAffected, Name: "Abel Alpha", OrgID: "O-A", Organisation: "Alpha Ltd", Phone: "+33100000002", Language: "en"},
			{Key: "B-1", Kind: leakdesk.RecipientAffected, Name: "Bea Beta", OrgID: "O-B", Organisation: "Beta SA", Email: "bea@beta.example", Language: "en"},
		},
		other.ID: {{Key: "Z-1", Kind: leakdesk.RecipientAffected, Name: "Zed", OrgID: "O-A", Organisation: "Alpha Ltd", Email: "zed@alpha.example", Language: "en"}},
	} {
		if _, err := notices.AddRecipients(ctx, id, "alice", people); err != nil {
			f.Fatal(err)
		}
	}
	svc := store.NewPortalService(h.db)
	_, secret, err := svc.IssuePortalLink(ctx, inc.ID, "O-A", time.Hour, "carl")
	if err != nil {
		f.Fatal(err)
	}
	link, err := svc.OpenPortal(ctx, secret)
	if err != nil {
		f.Fatal(err)
	}
	accepted := map[int64]bool{}
	for _, incident := range []int64{inc.ID, other.ID} {
		rs, err := notices.Recipients(ctx, incident)
		if err != nil {
			f.Fatal(err)
		}
		for _, r := range rs {
			f.Add(r.ID, "")
			f.Add(int64(0), r.Email)
			accepted[r.ID] = incident == inc.ID && r.OrgID == "O-A" && r.Email != ""
		}
	}
	f.Add(int64(0), " ADA@ALPHA.EXAMPLE ")
	f.Add(int64(-1), "ada@alpha.example' OR '1'='1")
	f.Add(int64(1), "%@alpha.example")
	f.Fuzz(func(t *testing.T, replyTo int64, address string) {
		q, err := svc.AskQuestion(ctx, link, leakdesk.QuestionRequest{Text: "whom?", ReplyTo: replyTo, ReplyAddress: address})
		switch {
		case err != nil && leakdesk.ErrorCode(err) != leakdesk.EINVALID:
			t.Fatalf("reply to %d / %q: %v", replyTo, address, err)
		case err == nil && q.ReplyTo != 0 && !accepted[q.ReplyTo]:
			t.Fatalf("reply to %d / %q: accepted recipient %d, who is not one of O-A's people with an address", replyTo, address, q.ReplyTo)
		case err == nil && q.ReplyTo == 0 && (replyTo != 0 || strings.TrimSpace(address) != ""):
			t.Fatalf("reply to %d / %q: accepted as nobody", replyTo, address)
		}
	})
}
