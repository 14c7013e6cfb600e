package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

func TestApprovals(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db)
		incidents := newIncidents(t, h.db)
		inc := mustCreate(t, incidents, newIncident("two-person rule"))
		svc := store.NewApprovalService(h.db)

		if on, err := svc.ApprovalRequired(ctx, inc.ID); err != nil || on {
			t.Fatalf("a new incident requires approval: %v %v", on, err)
		}
		wantCode(t, svc.SetApprovalRequired(ctx, inc.ID, false, "local:alice"), leakdesk.ECONFLICT)
		wantCode(t, svc.SetApprovalRequired(ctx, inc.ID, true, "local:alice"), "")
		if on, err := svc.ApprovalRequired(ctx, inc.ID); err != nil || !on {
			t.Fatalf("the rule did not turn on: %v %v", on, err)
		}
		_, err := svc.ApprovalRequired(ctx, 999)
		wantCode(t, err, leakdesk.ENOTFOUND)

		req := &leakdesk.Approval{IncidentID: inc.ID, Action: leakdesk.ActionIncidentClose, Summary: "close: done",
			Params: json.RawMessage(`{"reason":"done"}`), RequestedBy: "local:alice"}
		wantCode(t, svc.RequestApproval(ctx, &leakdesk.Approval{IncidentID: inc.ID, Action: leakdesk.ActionIncidentNote, Params: json.RawMessage(`{}`), RequestedBy: "x"}), leakdesk.EINVALID)
		wantCode(t, svc.RequestApproval(ctx, req), "")
		if req.ID == 0 || req.Status != leakdesk.ApprovalPending {
			t.Fatalf("request: %+v", req)
		}

		wantCode(t, svc.Approve(ctx, req.ID, "local:alice"), leakdesk.EFORBIDDEN)
		wantCode(t, svc.Approve(ctx, req.ID, "bob"), "")
		wantCode(t, svc.Approve(ctx, req.ID, "carol"), leakdesk.ECONFLICT)
		wantCode(t, svc.Approve(ctx, 999, "bob"), leakdesk.ENOTFOUND)

		got, err := svc.FindApprovalByID(ctx, req.ID)
		if err != nil || got.Status != leakdesk.ApprovalApproved || got.ApprovedBy != "bob" || string(got.Params) != `{"reason":"done"}` || got.ApprovedAt.IsZero() {
			t.Fatalf("FindApprovalByID: %+v, %v", got, err)
		}
		list, err := svc.FindApprovals(ctx, inc.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("FindApprovals: %v, %v", list, err)
		}

		// The rule, the request and the approval are on the timeline,
		// each naming who acted; nothing else changed.
		events, err := incidents.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, ev := range events[1:] {
			trail = append(trail, ev.Kind+" by "+ev.Actor)
		}
		want := []string{"approval.configured by local:alice", "approval.requested by local:alice", "approval.granted by bob"}
		if len(trail) != len(want) || trail[0] != want[0] || trail[1] != want[1] || trail[2] != want[2] {
			t.Errorf("timeline %q, want %q", trail, want)
		}
		if inc, _ := incidents.FindIncidentByID(ctx, inc.ID); inc.Status != leakdesk.StatusOpen {
			t.Error("approving closed the incident by itself")
		}
		mustVerify(t, incidents, inc.ID)
	})
}

// Only the acknowledgement handler records channel ack.
func TestAckOnlyByHandler(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db)
		inc := mustCreate(t, newIncidents(t, h.db), newIncident("ack"))
		notices := store.NewNoticeService(h.db)
		if _, err := notices.AddRecipients(ctx, inc.ID, "alice", []*leakdesk.Recipient{{Key: "C-1", Email: "a@example.org", Kind: leakdesk.RecipientAffected}}); err != nil {
			t.Fatal(err)
		}
		list, err := notices.Recipients(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		ack := func(actor string) error {
			return notices.RecordContact(ctx, &leakdesk.ContactAttempt{IncidentID: inc.ID, RecipientID: list[0].ID, Channel: "ack", Outcome: "acknowledged", Actor: actor})
		}
		wantCode(t, ack("local:alice"), leakdesk.EFORBIDDEN)
		wantCode(t, ack("recipient"), leakdesk.EFORBIDDEN)
		wantCode(t, ack(leakdesk.AckActor), "")
	})
}

// TwoPersonRule holds an action and carries it out for an approver who has
// both the right to approve and the right to the action.
func TestTwoPersonRule(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		incidents := newIncidents(t, h.db)
		inc := mustCreate(t, incidents, newIncident("rule"))
		rule := leakdesk.TwoPersonRule{Approvals: store.NewApprovalService(h.db), Incidents: incidents, Notices: store.NewNoticeService(h.db)}
		at := clk.now().Add(-48 * time.Hour)

		if req, err := rule.Hold(ctx, inc.ID, leakdesk.ActionIncidentAware, "earlier", leakdesk.AwarenessRequest{At: at, Reason: "earlier"}, "alice"); req != nil || err != nil {
			t.Fatalf("held without the rule: %v %v", req, err)
		}
		wantCode(t, rule.Approvals.SetApprovalRequired(ctx, inc.ID, true, "alice"), "")
		req, err := rule.Hold(ctx, inc.ID, leakdesk.ActionIncidentAware, "earlier", leakdesk.AwarenessRequest{At: at, Reason: "earlier"}, "alice")
		if err != nil || req == nil {
			t.Fatalf("not held: %v", err)
		}

		account := func(name string, role leakdesk.Role) leakdesk.Principal {
			return leakdesk.Principal{Kind: leakdesk.PrincipalAccount, Name: name, AccountID: 1, Grants: []leakdesk.Grant{{Role: role, IncidentID: inc.ID}}}
		}
		_, err = rule.Approve(ctx, req.ID, account("victor", leakdesk.RoleViewer))
		wantCode(t, err, leakdesk.EFORBIDDEN)
		_, err = rule.Approve(ctx, req.ID, account("lea", leakdesk.RoleLegal)) // may approve, but not move awareness
		wantCode(t, err, leakdesk.EFORBIDDEN)
		_, err = rule.Approve(ctx, req.ID, account("alice", leakdesk.RoleLead))
		wantCode(t, err, leakdesk.EFORBIDDEN)
		if got, _ := incidents.FindIncidentByID(ctx, inc.ID); !got.AwareAt.Equal(inc.AwareAt) {
			t.Fatalf("a refused approval moved the awareness time to %s", got.AwareAt)
		}

		done, err := rule.Approve(ctx, req.ID, account("bob", leakdesk.RoleLead))
		if err != nil || done.Status != leakdesk.ApprovalApproved || done.ApprovedBy != "bob" {
			t.Fatalf("Approve: %+v, %v", done, err)
		}
		if got, _ := incidents.FindIncidentByID(ctx, inc.ID); !got.AwareAt.Equal(at.Truncate(leakdesk.TimePrecision)) {
			t.Errorf("the approved request did not move the awareness time: %s", got.AwareAt)
		}
		mustVerify(t, incidents, inc.ID)
	})
}
