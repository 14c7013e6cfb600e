package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// enqueued records what a notice queued, in place of the job queue: the
// store's contract is to call it in the transaction, with every delivery.
type enqueued struct{ ids []int64 }

func (e *enqueued) fn(ctx context.Context, tx *sql.Tx, noticeID int64, ids []int64) error {
	e.ids = append(e.ids, ids...)
	return nil
}

func recipients() []*leakdesk.Recipient {
	return []*leakdesk.Recipient{
		{Key: "C-1", Kind: leakdesk.RecipientAffected, ContactID: "C-1", Name: "Ana", Organisation: "Acme", Email: "ana@acme.example", Language: "fr", Fields: []string{"email"}, Rows: []int64{1}},
		{Key: "C-2", Kind: leakdesk.RecipientAffected, ContactID: "C-2", Name: "Bo", Organisation: "Acme", Email: "bo@acme.example", Phone: "+33100000002", Language: "en"},
		{Key: "C-3", Kind: leakdesk.RecipientAffected, ContactID: "C-3", Name: "Cy", Organisation: "Acme", Email: "cy@acme.example", Language: "en"},
		{Key: "C-4", Kind: leakdesk.RecipientAffected, ContactID: "C-4", Name: "Di", Organisation: "Acme", Phone: "+33100000004", Language: "fr"},
	}
}

// queueCampaign adds n recipients to an incident, their keys sorting in
// the order added, and creates the first notice for them.
func queueCampaign(t testing.TB, svc *store.NoticeService, incidentID int64, n int) *enqueued {
	t.Helper()
	ctx := context.Background()
	var rs []*leakdesk.Recipient
	for i := range n {
		key := fmt.Sprintf("C-%05d", i)
		rs = append(rs, &leakdesk.Recipient{Key: key, Kind: leakdesk.RecipientAffected, Name: key, Email: strings.ToLower(key) + "@x.example", Language: "en"})
	}
	if _, err := svc.AddRecipients(ctx, incidentID, "alice", rs); err != nil {
		t.Fatal(err)
	}
	q := &enqueued{}
	if _, _, err := svc.CreateNotice(ctx, &leakdesk.Notice{IncidentID: incidentID, Campaign: "c", Kind: leakdesk.NoticeFirst, Template: "first", Actor: "a"}, q.fn); err != nil {
		t.Fatal(err)
	}
	return q
}

func advance(t *testing.T, svc *store.NoticeService, done *leakdesk.Outcome, next int64) *leakdesk.Claim {
	t.Helper()
	c, err := svc.Advance(context.Background(), done, next, time.Minute)
	if err != nil {
		t.Fatalf("advance: %v", err)
	}
	return c
}

func sent(c *leakdesk.Claim) *leakdesk.Outcome {
	return &leakdesk.Outcome{Claim: c, State: leakdesk.DeliverySent}
}

func TestNoticeDeliveryLifecycle(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		incidents := newIncidents(t, h.db)
		svc := store.NewNoticeService(h.db)
		inc := mustCreate(t, incidents, newIncident("notices"))

		added, err := svc.AddRecipients(ctx, inc.ID, "alice", recipients())
		if err != nil || added != 4 {
			t.Fatalf("add recipients: %d, %v", added, err)
		}
		again := recipients()
		again[0].Email = "ana.new@acme.example"
		if added, err := svc.AddRecipients(ctx, inc.ID, "alice", again); err != nil || added != 0 {
			t.Fatalf("re-adding the same keys: %d new, %v; want 0", added, err)
		}
		if _, err := svc.AddRecipients(ctx, inc.ID, "alice", []*leakdesk.Recipient{{Name: "no key"}}); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Fatalf("recipient without key: %v", err)
		}

		var q enqueued
		first := &leakdesk.Notice{IncidentID: inc.ID, Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first", Actor: "alice", Domain: "acme.example"}
		n, created, err := svc.CreateNotice(ctx, first, q.fn)
		if err != nil || !created {
			t.Fatalf("create notice: %v, %v", created, err)
		}
		if len(q.ids) != 3 {
			t.Fatalf("enqueued %d deliveries, want 3 (C-4 has no address)", len(q.ids))
		}
		if ev := lastEvent(t, incidents, inc.ID); ev.Kind != leakdesk.EventNoticeCreated || !strings.Contains(string(ev.Details), `"without_address":1`) {
			t.Fatalf("last event %s %s", ev.Kind, ev.Details)
		}

		// A campaign started twice joins the first and queues nothing more.
		var q2 enqueued
		joined, created, err := svc.CreateNotice(ctx, &leakdesk.Notice{IncidentID: inc.ID, Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first", Actor: "bob"}, q2.fn)
		if err != nil || created || joined.ID != n.ID || len(q2.ids) != 0 {
			t.Fatalf("second start: created %v, notice %d (want %d), queued %d, %v", created, joined.ID, n.ID, len(q2.ids), err)
		}
		_, _, err = svc.CreateNotice(ctx, &leakdesk.Notice{IncidentID: inc.ID, Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "other", Actor: "bob"}, q2.fn)
		wantCode(t, err, leakdesk.ECONFLICT)
		_, _, err = svc.CreateNotice(ctx, &leakdesk.Notice{IncidentID: inc.ID, Campaign: "again", Kind: leakdesk.NoticeFirst, Template: "first", Actor: "bob"}, q2.fn)
		wantCode(t, err, leakdesk.ECONFLICT)

		// Claims: one sender at a time, and the outcome with the next claim.
		c1 := advance(t, svc, nil, q.ids[0])
		if c1.Delivery.State != leakdesk.DeliverySending || c1.Delivery.Attempts != 1 || c1.Recipient.Key != "C-1" || c1.Recipient.Email != "ana.new@acme.example" ||
			c1.Notice.ID != n.ID || !strings.HasSuffix(c1.Delivery.MessageID, "@acme.example>") {
			t.Fatalf("claim = %+v %+v %+v", c1.Delivery, c1.Recipient, c1.Notice)
		}
		if busy := advance(t, svc, nil, q.ids[0]); busy.Wait <= 0 || busy.Wait > time.Minute {
			t.Fatalf("a delivery in flight must make another sender wait; wait = %s", busy.Wait)
		}
		c2 := advance(t, svc, sent(c1), q.ids[1])
		c3 := advance(t, svc, &leakdesk.Outcome{Claim: c2, State: leakdesk.DeliveryBounced, Detail: "550 no such user"}, q.ids[2])
		if again := advance(t, svc, nil, q.ids[0]); again.Delivery.State != leakdesk.DeliverySent || again.Wait != 0 {
			t.Fatalf("a sent delivery is claimed again: %+v", again.Delivery)
		}

		// The sender of c3 dies; once its lease runs out the delivery goes
		// again under the same Message-ID, and the dead sender's outcome is
		// refused.
		clk.advance(time.Minute + time.Second)
		c3b := advance(t, svc, nil, q.ids[2])
		if !c3b.Resent || c3b.Delivery.Uncertain != 1 || c3b.Delivery.Attempts != 2 || c3b.Delivery.MessageID != c3.Delivery.MessageID {
			t.Fatalf("resent claim = %+v (resent %v)", c3b.Delivery, c3b.Resent)
		}
		_, err = svc.Advance(ctx, sent(c3), 0, time.Minute)
		wantCode(t, err, leakdesk.ECONFLICT)
		advance(t, svc, sent(c3b), 0)
		if p, err := svc.Pending(ctx, n.ID); err != nil || p != 0 {
			t.Fatalf("pending = %d, %v", p, err)
		}
		progress, err := svc.Progress(ctx, n.ID)
		if err != nil || progress[leakdesk.DeliverySent] != 2 || progress[leakdesk.DeliveryBounced] != 1 || !progress.Done() {
			t.Fatalf("progress = %v, %v", progress, err)
		}

		// An update reaches everyone told, skips the bounced address, and
		// sends a recipient added since the first notice before the update.
		dpo := &leakdesk.Recipient{Kind: leakdesk.RecipientOther, Name: "DPO", Email: "dpo@cust.example", Language: "en"}
		if _, err := svc.AddRecipients(ctx, inc.ID, "alice", []*leakdesk.Recipient{dpo}); err != nil {
			t.Fatal(err)
		}
		var qu enqueued
		update := &leakdesk.Notice{IncidentID: inc.ID, Campaign: "update-1", Kind: leakdesk.NoticeUpdate, Template: "update", Message: "Source found.",
			Translations: map[string]string{"fr": "Source trouvée."}, Actor: "alice"}
		u, _, err := svc.CreateNotice(ctx, update, qu.fn)
		if err != nil {
			t.Fatal(err)
		}
		if len(qu.ids) != 4 {
			t.Fatalf("update queued %d deliveries, want 4: C-1, C-3, and the first notice and update for the DPO", len(qu.ids))
		}
		// Deliveries are queued recipient by recipient, a first notice before
		// its update: the DPO's are the last two.
		for _, id := range qu.ids[:2] {
			c := advance(t, svc, nil, id)
			if c.Notice.ID != u.ID || c.Wait != 0 {
				t.Fatalf("update for %s: notice %d, wait %s", c.Recipient.Key, c.Notice.ID, c.Wait)
			}
			advance(t, svc, sent(c), 0)
		}
		dpoFirst, dpoUpdate := qu.ids[2], qu.ids[3]
		if early := advance(t, svc, nil, dpoUpdate); early.Wait == 0 || early.Delivery.State != leakdesk.DeliveryQueued {
			t.Fatalf("the DPO's update was claimed before their first notice: %+v", early.Delivery)
		}
		cf := advance(t, svc, nil, dpoFirst)
		if cf.Notice.ID != n.ID || cf.Recipient.Key != dpo.Key {
			t.Fatalf("late first notice: notice %d for %s", cf.Notice.ID, cf.Recipient.Key)
		}
		advance(t, svc, sent(cf), 0)
		cu := advance(t, svc, nil, dpoUpdate)
		if cu.Wait != 0 || cu.Notice.Text("fr") != "Source trouvée." || cu.Notice.Text("en") != "Source found." {
			t.Fatalf("update claim after the first notice: wait %s, notice %+v", cu.Wait, cu.Notice)
		}
		advance(t, svc, sent(cu), 0)

		// Delivery reports.
		// One that names another recipient than the delivery's is refused
		// and changes nothing.
		_, err = svc.ReportDelivery(ctx, c1.Delivery.MessageID, []string{"attacker@elsewhere.example"}, leakdesk.DeliveryBounced, "failed 5.1.1")
		wantCode(t, err, leakdesk.ECONFLICT)
		// The original recipient, when a relay forwarded the message, is
		// the delivery's address too, written in any case.
		if d, err := svc.ReportDelivery(ctx, c1.Delivery.MessageID, []string{"forwarded@elsewhere.example", strings.ToUpper(c1.Delivery.Address)}, leakdesk.DeliveryDone, "delivered 2.0.0"); err != nil || d.State != leakdesk.DeliveryDone {
			t.Fatalf("report delivered: %+v, %v", d, err)
		}
		_, err = svc.ReportDelivery(ctx, "<nobody@else>", []string{"x@y.example"}, leakdesk.DeliveryBounced, "x")
		wantCode(t, err, leakdesk.ENOTFOUND)

		// Coverage, and the incident cannot close while someone is unreached.
		cov := coverage(t, svc, inc.ID)
		want := map[string]string{"C-1": "delivered", "C-2": "bounced", "C-3": "sent", "C-4": "no-address", dpo.Key: "sent"}
		for key, state := range want {
			if cov[key].State != state {
				t.Errorf("coverage of %s = %s, want %s", key, cov[key].State, state)
			}
		}
		if !strings.Contains(cov["C-2"].Next, "+33100000002") || cov["C-3"].Notices != 2 {
			t.Errorf("C-2 next = %q; C-3 notices = %d", cov["C-2"].Next, cov["C-3"].Notices)
		}
		err = incidents.CloseIncident(ctx, inc.ID, "alice", "done", time.Time{}, nil)
		wantCode(t, err, leakdesk.ECONFLICT)
		if !strings.Contains(err.Error(), "C-2 (bounced)") || !strings.Contains(err.Error(), "C-4 (no-address)") {
			t.Fatalf("close refusal does not name who is unreached: %v", err)
		}

		wantCode(t, svc.RecordContact(ctx, &leakdesk.ContactAttempt{RecipientID: cov["C-2"].Recipient.ID, Channel: "phone", Outcome: "maybe", Actor: "alice"}), leakdesk.EINVALID)
		wantCode(t, svc.RecordContact(ctx, &leakdesk.ContactAttempt{RecipientID: cov["C-4"].Recipient.ID, Channel: "letter", Outcome: "waived", Actor: "alice"}), leakdesk.EINVALID)
		wantCode(t, svc.RecordContact(ctx, &leakdesk.ContactAttempt{RecipientID: 9999, Channel: "phone", Outcome: "reached", Actor: "alice"}), leakdesk.ENOTFOUND)
		wantCode(t, svc.RecordContact(ctx, &leakdesk.ContactAttempt{RecipientID: cov["C-2"].Recipient.ID, Channel: "phone", Outcome: "reached", Actor: "alice", At: h.db.Now().Add(48 * time.Hour)}), leakdesk.EINVALID)
		for _, a := range []*leakdesk.ContactAttempt{
			{RecipientID: cov["C-2"].Recipient.ID, Channel: "phone", Outcome: "no-answer", Actor: "alice"},
			{RecipientID: cov["C-2"].Recipient.ID, Channel: "phone", Outcome: "reached", Note: "told by phone", Actor: "alice"},
			{RecipientID: cov["C-4"].Recipient.ID, Channel: "letter", Outcome: "waived", Note: "left the company in 2025", Actor: "alice"},
			{RecipientID: cov["C-3"].Recipient.ID, Channel: "ack", Outcome: "acknowledged", Actor: leakdesk.AckActor},
		} {
			if err := svc.RecordContact(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		cov = coverage(t, svc, inc.ID)
		if cov["C-2"].State != leakdesk.CoverageOther || cov["C-4"].State != leakdesk.CoverageWaived || cov["C-4"].Reason != "left the company in 2025" || cov["C-3"].State != leakdesk.CoverageAcknowledged {
			t.Fatalf("coverage after contacts: C-2 %s, C-4 %s (%q), C-3 %s", cov["C-2"].State, cov["C-4"].State, cov["C-4"].Reason, cov["C-3"].State)
		}
		// Reached on evidence only: C-1 delivered, C-2 by phone, C-3
		// acknowledged; the DPO's notice was sent, and nothing more is known.
		if cov["C-2"].Channel != "phone" || cov["C-3"].Channel != "" {
			t.Errorf("channels: C-2 %q, C-3 %q", cov["C-2"].Channel, cov["C-3"].Channel)
		}
		entries, err := svc.Coverage(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		sum := leakdesk.SummariseCoverage(entries)
		if got := (leakdesk.CoverageCounts{Recipients: 5, Acknowledged: 1, ByPhone: 1, Delivered: 1, Sent: 1, Waived: 1}); sum.All != got || sum.All.Reached() != 3 {
			t.Errorf("summary = %+v, want %+v", sum.All, got)
		}
		if other := sum.ByKind[leakdesk.RecipientOther]; other.Sent != 1 || other.Reached() != 0 {
			t.Errorf("others = %+v", other)
		}
		if err := incidents.CloseIncident(ctx, inc.ID, "alice", "everyone reached", time.Time{}, waiveAll(t, h.db, incidents, inc.ID)); err != nil {
			t.Fatalf("close once everyone is reached: %v", err)
		}
		if report, err := incidents.VerifyTimeline(ctx, inc.ID); err != nil || !report.OK {
			t.Fatalf("timeline after a campaign: %+v, %v", report, err)
		}
	})
}

func coverage(t *testing.T, svc *store.NoticeService, incidentID int64) map[string]*leakdesk.CoverageEntry {
	t.Helper()
	entries, err := svc.Coverage(context.Background(), incidentID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*leakdesk.CoverageEntry{}
	for _, e := range entries {
		out[e.Recipient.Key] = e
	}
	return out
}

// TestAffectedContactsOutsideTheAudienceBlockClosing: findings name people
// who were never made recipients, so nobody has told them.
func TestAffectedContactsOutsideTheAudienceBlockClosing(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		incidents := newIncidents(t, h.db)
		inc := mustCreate(t, incidents, newIncident("unnotified"))
		f := &leakdesk.Findings{IncidentID: inc.ID, Actor: "alice", Contacts: []leakdesk.AffectedContact{{ID: "C-9", Class: "certain", Fields: []string{"email"}}}}
		if err := store.NewFindingsService(h.db).RecordFindings(ctx, f); err != nil {
			t.Fatal(err)
		}
		n, err := store.NewNoticeService(h.db).AffectedOutsideAudience(ctx, inc.ID)
		if err != nil || n != 1 {
			t.Fatalf("outside audience = %d, %v", n, err)
		}
		err = incidents.CloseIncident(ctx, inc.ID, "alice", "done", time.Time{}, nil)
		wantCode(t, err, leakdesk.ECONFLICT)
		if !strings.Contains(err.Error(), "1 affected contact(s) of the findings were never notified") {
			t.Fatalf("refusal: %v", err)
		}
	})
}

// TestConcurrentClaimsSendEachOnce races senders over the same deliveries:
// each delivery is claimed by exactly one of them.
func TestConcurrentClaimsSendEachOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		incidents := newIncidents(t, h.db)
		svc := store.NewNoticeService(h.db)
		q := queueCampaign(t, svc, mustCreate(t, incidents, newIncident("race")).ID, 40)
		const senders = 4
		claimed := make(chan int64, senders*len(q.ids))
		errs := make(chan error, senders)
		for range senders {
			go func() {
				for _, id := range q.ids {
					c, err := svc.Advance(ctx, nil, id, time.Minute)
					if err != nil {
						errs <- err
						return
					}
					if c.Wait == 0 && c.Delivery.State == leakdesk.DeliverySending {
						claimed <- id
						if _, err := svc.Advance(ctx, sent(c), 0, time.Minute); err != nil {
							errs <- err
							return
						}
					}
				}
				errs <- nil
			}()
		}
		for range senders {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		close(claimed)
		var got []int64
		for id := range claimed {
			got = append(got, id)
		}
		slices.Sort(got)
		if !slices.Equal(got, q.ids) {
			t.Fatalf("claimed %d deliveries for %d: %v", len(got), len(q.ids), got)
		}
	})
}

// A campaign larger than one INSERT statement gets one delivery per
// recipient, queued in the order the recipients were added, each
// addressed to its own recipient.
func TestLargeCampaignQueuesEveryRecipientOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		incidents := newIncidents(t, h.db)
		svc := store.NewNoticeService(h.db)
		const n = 1234 // two full statements and part of a third
		q := queueCampaign(t, svc, mustCreate(t, incidents, newIncident("large")).ID, n)
		if len(q.ids) != n {
			t.Fatalf("%d deliveries queued, want %d", len(q.ids), n)
		}
		var keys []string
		for _, id := range q.ids {
			c := advance(t, svc, nil, id)
			if c.Delivery.ID != id || c.Delivery.Address != c.Recipient.Email {
				t.Fatalf("delivery %d: claimed %d for %s at %s", id, c.Delivery.ID, c.Recipient.Key, c.Delivery.Address)
			}
			keys = append(keys, c.Recipient.Key)
		}
		if !slices.IsSorted(keys) || len(slices.Compact(keys)) != n {
			t.Fatalf("deliveries are not one per recipient in order: first %v, last %v", keys[:3], keys[len(keys)-3:])
		}
	})
}

// TestReleaseGivesBackAnUnsentClaim: a delivery claimed ahead but never
// sent goes back to the queue without counting an attempt, and a release
// that comes after another sender took over is refused.
func TestReleaseGivesBackAnUnsentClaim(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		svc := store.NewNoticeService(h.db)
		inc := mustCreate(t, newIncidents(t, h.db), newIncident("release"))
		q := queueCampaign(t, svc, inc.ID, 2)

		c := advance(t, svc, nil, q.ids[0])
		if err := svc.Release(ctx, c); err != nil {
			t.Fatal(err)
		}
		again := advance(t, svc, nil, q.ids[0])
		if again.Wait != 0 || again.Resent || again.Delivery.State != leakdesk.DeliverySending || again.Delivery.Attempts != 1 {
			t.Fatalf("claim after a release = %+v (resent %v, wait %s); want a first attempt", again.Delivery, again.Resent, again.Wait)
		}

		// Its lease runs out and another sender takes it: the first sender
		// can no longer give it back.
		clk.advance(time.Minute + time.Second)
		taken := advance(t, svc, nil, q.ids[0])
		if !taken.Resent {
			t.Fatalf("expired claim not taken over: %+v", taken.Delivery)
		}
		wantCode(t, svc.Release(ctx, again), leakdesk.ECONFLICT)
		if got := advance(t, svc, sent(taken), 0); got != nil {
			t.Fatalf("recording an outcome alone returned a claim: %+v", got)
		}
	})
}

// BenchmarkAdvance is the store's share of each message of a campaign: the
// transaction that records a message's outcome, with its timeline event,
// and claims the next delivery. ns/op is per message.
func BenchmarkAdvance(b *testing.B) {
	eachBenchStore(b, func(b *testing.B, h *harness) {
		svc := store.NewNoticeService(h.db)
		inc := mustCreate(b, newIncidents(b, h.db), newIncident("bench"))
		ids := queueCampaign(b, svc, inc.ID, b.N+1).ids
		ctx := context.Background()
		c, err := svc.Advance(ctx, nil, ids[0], time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := range b.N {
			if c, err = svc.Advance(ctx, sent(c), ids[i+1], time.Minute); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Former contacts are stored as recipients of their own kind, and counted
// apart in the coverage.
func TestFormerContactsAreRecipientsOfTheirOwnKind(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		inc := mustCreate(t, newIncidents(t, h.db), newIncident("former"))
		svc := store.NewNoticeService(h.db)
		_, err := svc.AddRecipients(ctx, inc.ID, "alice", []*leakdesk.Recipient{{Key: "x", Kind: "ex-customer", Name: "X", Email: "x@example.org", Language: "en"}})
		wantCode(t, err, leakdesk.EINVALID)
		rs := []*leakdesk.Recipient{
			{Key: "C-1", Kind: leakdesk.RecipientAffected, ContactID: "C-1", Name: "Ann", Email: "ann@example.org", Language: "en"},
			{Key: "former:bob@example.org", Kind: leakdesk.RecipientFormer, ContactID: "C-7", Name: "Bob", Email: "bob@example.org", Language: "fr", Rows: []int64{4}},
		}
		if _, err := svc.AddRecipients(ctx, inc.ID, "alice", rs); err != nil {
			t.Fatal(err)
		}
		cov := coverage(t, svc, inc.ID)
		if r := cov["former:bob@example.org"].Recipient; r.Kind != leakdesk.RecipientFormer || r.ContactID != "C-7" || len(r.Rows) != 1 {
			t.Fatalf("former recipient = %+v", r)
		}
		entries, err := svc.Coverage(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s := leakdesk.SummariseCoverage(entries); s.ByKind[leakdesk.RecipientFormer].Recipients != 1 || s.ByKind[leakdesk.RecipientFormer].Unreached != 1 || s.All.Recipients != 2 {
			t.Fatalf("summary = %+v", s)
		}
	})
}
