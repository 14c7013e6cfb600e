package http

import (
	"context"
	"net/http"

	"github.com/leakdesk/leakdesk"
)

// The requests the two-person rule holds, shown on the incident's page
// with a button for another principal to approve each: the approval
// carries the request out, as POST /api/v1/.../approvals/{req}/approve
// does.

// pendingApprovals lists the incident's requests that wait for a second
// approval, none on a desk that keeps no approvals. A waiver's summary
// quotes its note about the person: a role that does not see personal
// data reads what is asked, not the note.
func (c *console) pendingApprovals(ctx context.Context, id int64, personal bool) ([]*leakdesk.Approval, error) {
	if c.deps.Approvals == nil {
		return nil, nil
	}
	all, err := c.deps.Approvals.FindApprovals(ctx, id)
	if err != nil {
		return nil, err
	}
	var pending []*leakdesk.Approval
	for _, a := range all {
		if a.Status != leakdesk.ApprovalPending {
			continue
		}
		if !personal && a.Action == leakdesk.ActionRecipientWaive {
			shown := *a
			shown.Summary = "waive a recipient (the note is hidden for your role)"
			a = &shown
		}
		pending = append(pending, a)
	}
	return pending, nil
}

// approveRequest approves another principal's request of the path's
// incident; the two-person rule refuses the requester and checks the
// approver's right to the action held.
func (c *console) approveRequest() http.Handler {
	return c.act(leakdesk.ActionApprovalDecide, "approve", func(r *http.Request, p *leakdesk.Principal, id int64) (string, error) {
		if c.deps.Approvals == nil {
			return "", leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server keeps no approvals")
		}
		n, err := pathNumber(r, "req")
		if err != nil {
			return "", err
		}
		req, err := c.deps.Approvals.FindApprovalByID(r.Context(), n)
		if err != nil {
			return "", err
		}
		if req.IncidentID != id {
			return "", leakdesk.Errorf(leakdesk.ENOTFOUND, "request %d is not on %s", n, leakdesk.FormatIncidentID(id))
		}
		if _, err := c.twoPersonRule().Approve(r.Context(), n, *p); err != nil {
			return "", err
		}
		return incidentPath(id, "?approved="+r.PathValue("req")), nil
	}, c.showIncident)
}
