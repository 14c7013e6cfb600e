package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// The inputs of each action the two-person rule can hold, as stored in a
// request, so that what is approved is exactly what was asked.
type (
	closeParams struct {
		Reason string            `json:"reason"`
		At     time.Time         `json:"at,omitzero"`
		Waived map[string]string `json:"waived,omitempty"`
	}
	awareParams struct {
		At     time.Time `json:"at"`
		Reason string    `json:"reason"`
	}
	// A waiver is a contact attempt with the outcome "waived".
	waiveParams = leakdesk.ContactAttempt
)

func (a *app) approvals(ctx context.Context) (*store.ApprovalService, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	return store.NewApprovalService(db), nil
}

// holdForApproval records a request instead of acting when the incident
// requires a second approval, and says so; held is true when it did.
func (a *app) holdForApproval(ctx context.Context, incidentID int64, action leakdesk.Action, summary string, params any) (held bool, err error) {
	svc, err := a.approvals(ctx)
	if err != nil {
		return false, err
	}
	required, err := svc.ApprovalRequired(ctx, incidentID)
	if err != nil || !required {
		return false, err
	}
	data, err := json.Marshal(params)
	if err != nil {
		return false, fmt.Errorf("encode the request: %w", err)
	}
	req := &leakdesk.Approval{IncidentID: incidentID, Action: action, Summary: summary, Params: data, RequestedBy: a.actor}
	if err := svc.RequestApproval(ctx, req); err != nil {
		return false, err
	}
	if a.format == "json" {
		return true, writeJSON(a.stdout, req)
	}
	fmt.Fprintf(a.stdout, "%s requires a second approval: nothing is changed yet. Request %d (%s) is recorded; another account approves it with:\n  leakdesk approve %d\n",
		leakdesk.FormatIncidentID(incidentID), req.ID, summary, req.ID)
	return true, nil
}

func (a *app) approvalsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "approvals",
		Short: "The two-person rule: require a second approval, and list requests",
		Long: `On an incident that requires it, closing, moving the awareness time and
waiving a recipient (log-contact --outcome waived) are recorded as requests
and changed only when another principal approves them (leakdesk approve).`,
		Args: noArgs,
	}
	cmd.AddCommand(a.approvalsRequireCommand(), a.approvalsListCommand())
	return cmd
}

func (a *app) approvalsRequireCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "require ID on|off",
		Short: "Turn the two-person rule on or off for an incident",
		Args:  exactArgs("ID", "on|off"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			if args[1] != "on" && args[1] != "off" {
				return leakdesk.Errorf(leakdesk.EINVALID, "invalid %q: want on or off", args[1])
			}
			svc, err := a.approvals(cmd.Context())
			if err != nil {
				return err
			}
			if err := svc.SetApprovalRequired(cmd.Context(), id, args[1] == "on", a.actor); err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, map[string]any{"id": leakdesk.FormatIncidentID(id), "approval_required": args[1] == "on"})
			}
			_, err = fmt.Fprintf(a.stdout, "%s: two-person rule %s\n", leakdesk.FormatIncidentID(id), args[1])
			return err
		},
	}
}

func (a *app) approvalsListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list ID",
		Short: "List an incident's requests for a second approval",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			svc, err := a.approvals(cmd.Context())
			if err != nil {
				return err
			}
			list, err := svc.FindApprovals(cmd.Context(), id)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, list)
			}
			t := newTable(a.stdout, "REQ", "STATUS", "ACTION", "REQUESTED BY", "APPROVED BY", "WHAT")
			for _, r := range list {
				t.row(strconv.FormatInt(r.ID, 10), r.Status, string(r.Action), r.RequestedBy, orDash(r.ApprovedBy), r.Summary)
			}
			return t.flush()
		},
	}
}

func (a *app) approveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "approve REQ",
		Short: "Approve another principal's request, which is then carried out",
		Args:  exactArgs("REQ"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return leakdesk.Errorf(leakdesk.EINVALID, "invalid request %q: want the number approvals list shows", args[0])
			}
			svc, err := a.approvals(ctx)
			if err != nil {
				return err
			}
			req, err := svc.FindApprovalByID(ctx, id)
			if err != nil {
				return err
			}
			if err := a.principal.Authorize(req.IncidentID, req.Action); err != nil {
				return err
			}
			// Checked before acting, so that a refused approval changes
			// nothing; Approve checks again when it records the approval.
			if err := req.CheckApprover(a.actor); err != nil {
				return err
			}
			if err := a.performApproved(ctx, req); err != nil {
				return err
			}
			if err := svc.Approve(ctx, id, a.actor); err != nil {
				return err
			}
			if a.format == "json" {
				req, err = svc.FindApprovalByID(ctx, id)
				if err != nil {
					return err
				}
				return writeJSON(a.stdout, req)
			}
			_, err = fmt.Fprintf(a.stdout, "request %d approved and done: %s\n", id, req.Summary)
			return err
		},
	}
}

// performApproved carries out an approved request, as the approver.
func (a *app) performApproved(ctx context.Context, req *leakdesk.Approval) error {
	svc, err := a.incidentStore(ctx)
	if err != nil {
		return err
	}
	var close closeParams
	var aware awareParams
	var waive waiveParams
	params := map[leakdesk.Action]any{leakdesk.ActionIncidentClose: &close, leakdesk.ActionIncidentAware: &aware, leakdesk.ActionRecipientWaive: &waive}[req.Action]
	if params == nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "request %d holds %s, which leakdesk cannot carry out", req.ID, req.Action)
	}
	if err := json.Unmarshal(req.Params, params); err != nil {
		return fmt.Errorf("request %d: %w", req.ID, err)
	}
	switch req.Action {
	case leakdesk.ActionIncidentClose:
		return svc.CloseIncident(ctx, req.IncidentID, a.actor, close.Reason, close.At, close.Waived)
	case leakdesk.ActionIncidentAware:
		return svc.SetAwareness(ctx, req.IncidentID, a.actor, aware.At, aware.Reason)
	default:
		waive.IncidentID, waive.Actor = req.IncidentID, a.actor
		return store.NewNoticeService(a.db).RecordContact(ctx, &waive)
	}
}
