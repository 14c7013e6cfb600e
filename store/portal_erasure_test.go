package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// TestPortalQuestionsAreErasable: a question's text and its answer are
// held by reference, never in the event; erasing a person erases the
// questions that name them to get the answer and those that mention
// them, from every table (the mailed answer too), and keeps the others;
// the page then shows the erased marker and the record still verifies.
func TestPortalQuestionsAreErasable(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db)
		inc, svc := portalIncident(t, h)
		link, _ := openNewLink(t, svc, inc.ID, "O-A")
		ids := map[string]int64{}
		for _, r := range mustRecipients(t, h, inc.ID) {
			ids[r.Name] = r.ID
		}
		ask := func(text string, replyTo int64) *leakdesk.PortalQuestion {
			t.Helper()
			q, err := svc.AskQuestion(ctx, link, leakdesk.QuestionRequest{Text: text, ReplyTo: replyTo})
			if err != nil {
				t.Fatal(err)
			}
			return q
		}
		toAda := ask("Was my questmarkerone file in it?", ids["Ada Alpha"])
		aboutAbel := ask("Is Abel Alpha questmarkertwo affected?", 0)
		kept := ask("What is questmarkerkept?", 0)
		var mailed enqueued
		if _, err := svc.AnswerQuestion(ctx, inc.ID, toAda.ID, "Yes, answermarkerone.", "carl", &leakdesk.AnswerMail{Domain: "desk.example", Enqueue: mailed.fn}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AnswerQuestion(ctx, inc.ID, kept.ID, "answermarkerkept", "carl", nil); err != nil {
			t.Fatal(err)
		}

		incidents := newIncidents(t, h.db)
		events, err := incidents.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			if strings.Contains(string(ev.Details), "marker") {
				t.Errorf("event %d (%s) holds the text: %s", ev.Seq, ev.Kind, ev.Details)
			}
		}
		for _, marker := range []string{"questmarkerone", "answermarkerone", "questmarkertwo", "questmarkerkept"} {
			if storeHolds(t, h, marker) == "" {
				t.Fatalf("the search finds no %q before the erasure: it proves nothing", marker)
			}
		}
		if report, err := incidents.VerifyTimeline(ctx, inc.ID); err != nil || !report.OK || report.Personal.Held != 5 {
			t.Fatalf("verify before erasure: %+v %+v, %v; want 5 held (3 questions, 2 answers)", report, report.Personal, err)
		}

		// Ada named herself to get the answer; Abel is mentioned.
		for _, key := range []string{"A-1", "A-2"} {
			if _, err := incidents.ErasePersonal(ctx, inc.ID, key, "local:dpo"); err != nil {
				t.Fatal(err)
			}
		}
		for _, gone := range []string{"questmarkerone", "answermarkerone", "questmarkertwo"} {
			if where := storeHolds(t, h, gone); where != "" {
				t.Errorf("%q is still in the store: %s", gone, where)
			}
		}
		for _, still := range []string{"questmarkerkept", "answermarkerkept"} {
			if storeHolds(t, h, still) == "" {
				t.Errorf("%q, about nobody erased, is gone", still)
			}
		}
		view, err := svc.PortalPage(ctx, link)
		if err != nil {
			t.Fatal(err)
		}
		shown := map[int64]*leakdesk.PortalQuestion{}
		for _, q := range view.Questions {
			shown[q.ID] = q
		}
		if q := shown[toAda.ID]; q.Text != leakdesk.ErasedValue || q.Answer != leakdesk.ErasedValue {
			t.Errorf("the erased question shows %q, answered %q", q.Text, q.Answer)
		}
		if q := shown[aboutAbel.ID]; q.Text != leakdesk.ErasedValue || q.Answer != "" {
			t.Errorf("the question mentioning Abel shows %q, answered %q", q.Text, q.Answer)
		}
		if q := shown[kept.ID]; q.Text != kept.Text || q.Answer != "answermarkerkept" {
			t.Errorf("the other question shows %q, answered %q", q.Text, q.Answer)
		}
		values, err := incidents.PersonalValues(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		events, err = incidents.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var timeline strings.Builder
		for _, ev := range events {
			timeline.Write(values.ShowDetails(ev.Details))
		}
		if got := timeline.String(); strings.Contains(got, "questmarkerone") || !strings.Contains(got, `"text":"erased"`) || !strings.Contains(got, "questmarkerkept") {
			t.Errorf("the timeline as shown: %s", got)
		}
		report, err := incidents.VerifyTimeline(ctx, inc.ID)
		if err != nil || !report.OK || report.Personal.Held != 2 || report.Personal.Erased != 3 {
			t.Fatalf("verify after erasure: %+v %+v, %v; want 2 held, 3 erased", report, report.Personal, err)
		}
	})
}

// TestOldPortalQuestionsStayInline: a question and an answer an older
// release wrote with their text inline read back as it, verify, and count
// as not erasable; erasing the person leaves them, as an inline note.
func TestOldPortalQuestionsStayInline(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		inc, _ := portalIncident(t, h)
		incidents := newIncidents(t, h.db)
		old := []struct {
			kind    string
			details string
		}{
			{leakdesk.EventPortalQuestion, `{"link_id":1,"org_id":"O-A","question_id":1,"reply_to":"A-1","text":"Ada Alpha asks, inline"}`},
			{leakdesk.EventPortalAnswer, `{"answer":"an inline answer","org_id":"O-A","question_id":1}`},
		}
		for _, e := range old {
			if err := incidents.AppendEvent(ctx, leakdesk.NewEvent(inc.ID, "portal:O-A (link 1)", e.kind, inc.CreatedAt, json.RawMessage(e.details))); err != nil {
				t.Fatal(err)
			}
		}
		events, err := incidents.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var inline []string
		for _, ev := range events {
			if ev.Kind != leakdesk.EventPortalQuestion && ev.Kind != leakdesk.EventPortalAnswer {
				continue
			}
			p, err := leakdesk.DecodePayload(ev)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range leakdesk.PersonalFields(p) {
				if f.Sealed() {
					t.Errorf("event %d: an inline value read as a reference", ev.Seq)
				}
				inline = append(inline, f.Value)
			}
		}
		if strings.Join(inline, "|") != "Ada Alpha asks, inline|an inline answer" {
			t.Fatalf("inline values read back as %q", inline)
		}
		erased, err := incidents.ErasePersonal(ctx, inc.ID, "A-1", "local:dpo")
		if err != nil {
			t.Fatal(err)
		}
		if len(erased.Remaining) != 1 {
			t.Errorf("remaining mentions %+v; want the old question, which names Ada", erased.Remaining)
		}
		report, err := incidents.VerifyTimeline(ctx, inc.ID)
		if err != nil || !report.OK || report.Personal.NotErasable != 2 {
			t.Fatalf("verify: %+v %+v, %v; want OK and 2 not erasable", report, report.Personal, err)
		}
	})
}

// TestPortalQuestionsExpire: the retention erasure of a closed incident
// erases every question and answer, whoever they name, and the record
// still verifies.
func TestPortalQuestionsExpire(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		inc, svc := portalIncident(t, h)
		link, _ := openNewLink(t, svc, inc.ID, "O-A")
		q, err := svc.AskQuestion(ctx, link, leakdesk.QuestionRequest{Text: "Is retainmarker in it?"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AnswerQuestion(ctx, inc.ID, q.ID, "No, retainanswer.", "carl", nil); err != nil {
			t.Fatal(err)
		}
		incidents := newIncidents(t, h.db)
		if err := incidents.CloseIncident(ctx, inc.ID, "bob", "done", time.Time{}, waiveAll(t, h.db, incidents, inc.ID)); err != nil {
			t.Fatal(err)
		}
		if storeHolds(t, h, "retainmarker") == "" {
			t.Fatal("the search finds nothing before the erasure: it proves nothing")
		}
		erased, err := incidents.ExpirePersonal(ctx, inc.ID, time.Now().Add(-time.Hour), "local:dpo")
		if err != nil || len(erased.Refs) != 2 {
			t.Fatalf("retention: %+v, %v; want the question and the answer erased", erased, err)
		}
		for _, gone := range []string{"retainmarker", "retainanswer"} {
			if where := storeHolds(t, h, gone); where != "" {
				t.Errorf("%q is still in the store: %s", gone, where)
			}
		}
		list, err := svc.Questions(ctx, inc.ID)
		if err != nil || len(list) != 1 || list[0].Text != leakdesk.ErasedValue || list[0].Answer != leakdesk.ErasedValue {
			t.Fatalf("questions after the retention erasure: %+v, %v", list, err)
		}
		mustVerify(t, incidents, inc.ID)
	})
}

func mustRecipients(t *testing.T, h *harness, incidentID int64) []*leakdesk.Recipient {
	t.Helper()
	list, err := store.NewNoticeService(h.db).Recipients(context.Background(), incidentID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}
