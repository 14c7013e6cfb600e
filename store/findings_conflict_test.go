package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// TestReviewDecisionsDoNotOverwrite: two people decide two rows of the
// same findings at the same moment. One decision is stored; the other is
// refused with ECONFLICT rather than recorded over it, and deciding again
// on the findings now latest keeps both.
func TestReviewDecisionsDoNotOverwrite(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		inc := mustCreate(t, newIncidents(t, h.db), newIncident("two decisions"))
		svc := store.NewFindingsService(h.db)
		candidate := func(id string) leakdesk.Candidate {
			return leakdesk.Candidate{ID: id, Confidence: 0.5, Contact: &leakdesk.AffectedContact{ID: id, OrgID: "O-1", Organisation: "Acme"}}
		}
		base := &leakdesk.Findings{IncidentID: inc.ID, Actor: "match", Rows: 2, Review: []leakdesk.ReviewItem{
			{Row: 1, Leaked: &leakdesk.LeakedPerson{Name: "A"}, Candidates: []leakdesk.Candidate{candidate("C-1")}},
			{Row: 2, Leaked: &leakdesk.LeakedPerson{Name: "B"}, Candidates: []leakdesk.Candidate{candidate("C-2")}},
		}}
		if err := svc.RecordFindings(ctx, base); err != nil {
			t.Fatal(err)
		}
		seen, err := svc.LatestFindings(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, who := range []string{"lea", "ana"} {
			next, err := seen.Decide(leakdesk.ReviewDecision{Row: int64(i + 1), Contact: "C-" + string(rune('1'+i)), Actor: who})
			if err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = svc.RecordFindings(ctx, next)
			}()
		}
		wg.Wait()
		var stored, refused int
		for _, err := range errs {
			switch leakdesk.ErrorCode(err) {
			case "":
				stored++
			case leakdesk.ECONFLICT:
				refused++
			default:
				t.Fatalf("recording a decision: %v", err)
			}
		}
		if stored != 1 || refused != 1 {
			t.Fatalf("%d decisions stored and %d refused, want one of each: %v", stored, refused, errs)
		}
		latest, err := svc.LatestFindings(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(latest.Decisions) != 1 || len(latest.Review) != 1 {
			t.Fatalf("after the race: decisions %+v, review %+v", latest.Decisions, latest.Review)
		}
		left := latest.Review[0]
		again, err := latest.Decide(leakdesk.ReviewDecision{Row: left.Row, Contact: left.Candidates[0].ID, Actor: "late"})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.RecordFindings(ctx, again); err != nil {
			t.Fatalf("deciding again on the latest findings: %v", err)
		}
		final, err := svc.LatestFindings(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(final.Decisions) != 2 || len(final.Review) != 0 || len(final.Contacts) != 2 {
			t.Fatalf("both decisions should be kept: decisions %+v, contacts %+v", final.Decisions, final.Contacts)
		}
		// A stale decision, made on the first findings, is still refused.
		stale, err := seen.Decide(leakdesk.ReviewDecision{Row: 1, Actor: "slow"})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.RecordFindings(ctx, stale); leakdesk.ErrorCode(err) != leakdesk.ECONFLICT {
			t.Fatalf("a decision on old findings: %v, want %s", err, leakdesk.ECONFLICT)
		}
	})
}
