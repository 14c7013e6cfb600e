package http

import (
	"net/http"
	"strconv"

	"github.com/leakdesk/leakdesk"
)

func (s *server) handleApprovals() http.Handler {
	return call(s, func(r *http.Request, _ none) ([]*leakdesk.Approval, error) {
		return s.cfg.Approvals.FindApprovals(r.Context(), incidentID(r))
	})
}

// approvalRequired is the body of PUT .../approvals/required, and its answer.
type approvalRequired struct {
	ID       string `json:"id,omitempty"`
	Required bool   `json:"approval_required"`
}

func (s *server) handleApprovalRequired() http.Handler {
	return call(s, func(r *http.Request, in approvalRequired) (approvalRequired, error) {
		id := incidentID(r)
		if err := s.cfg.Approvals.SetApprovalRequired(r.Context(), id, in.Required, principal(r).String()); err != nil {
			return approvalRequired{}, err
		}
		return approvalRequired{ID: leakdesk.FormatIncidentID(id), Required: in.Required}, nil
	})
}

// handleApprove carries out another principal's request through the
// two-person rule, which checks the approver's rights to the action too.
func (s *server) handleApprove() http.Handler {
	return call(s, func(r *http.Request, _ none) (*leakdesk.Approval, error) {
		id, err := strconv.ParseInt(r.PathValue("req"), 10, 64)
		if err != nil || id <= 0 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid request %q: want the number the approvals list shows", r.PathValue("req"))
		}
		// The request must belong to the incident the route authorised.
		req, err := s.cfg.Approvals.FindApprovalByID(r.Context(), id)
		if err != nil {
			return nil, err
		}
		if req.IncidentID != incidentID(r) {
			return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "request %d is not on %s", id, r.PathValue("id"))
		}
		return s.twoPersonRule().Approve(r.Context(), id, *principal(r))
	})
}
