package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

func (a *app) approvals(ctx context.Context) (*store.ApprovalService, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	return store.NewApprovalService(db), nil
}

func (a *app) twoPersonRule(ctx context.Context) (leakdesk.TwoPersonRule, error) {
	incidents, err := a.incidentStore(ctx)
	if err != nil {
		return leakdesk.TwoPersonRule{}, err
	}
	return leakdesk.TwoPersonRule{Approvals: store.NewApprovalService(a.db), Incidents: incidents, Notices: store.NewNoticeService(a.db)}, nil
}

// holdForApproval records a request instead of acting when the incident
// requires a second approval, and says so; held is true when it did.
func (a *app) holdForApproval(ctx context.Context, incidentID int64, action leakdesk.Action, summary string, params any) (held bool, err error) {
	rule, err := a.twoPersonRule(ctx)
	if err != nil {
		return false, err
	}
	req, err := rule.Hold(ctx, incidentID, action, summary, params, a.actor)
	if err != nil || req == nil {
		return false, err
	}
	return true, a.printHeld(req)
}

// printHeld says that req waits for a second approval, and how to give it.
func (a *app) printHeld(req *leakdesk.Approval) error {
	if a.format == "json" {
		return writeJSON(a.stdout, req)
	}
	_, err := fmt.Fprintf(a.stdout, "%s requires a second approval: nothing is changed yet. Request %d (%s) is recorded; another account approves it with:\n  leakdesk approve %d\n",
		leakdesk.FormatIncidentID(req.IncidentID), req.ID, req.Summary, req.ID)
	return err
}

func (a *app) approvalsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "approvals",
		Short: "The two-person rule: require a second approval, and list requests",
		Long: `On an incident that requires it, closing, moving the awareness time
(incident aware, or incident confirm --aware-at) and waiving a recipient
(log-contact --outcome waived) are recorded as requests and changed only
when another principal approves them (leakdesk approve).`,
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
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return leakdesk.Errorf(leakdesk.EINVALID, "invalid request %q: want the number approvals list shows", args[0])
			}
			rule, err := a.twoPersonRule(cmd.Context())
			if err != nil {
				return err
			}
			req, err := rule.Approve(cmd.Context(), id, a.principal)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, req)
			}
			_, err = fmt.Fprintf(a.stdout, "request %d approved and done: %s\n", id, req.Summary)
			return err
		},
	}
}
