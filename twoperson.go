package leakdesk

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// CloseRequest holds the inputs of IncidentService.CloseIncident, and
// AwarenessRequest those of SetAwareness, as a request for a second
// approval stores them. A waiver's are its ContactAttempt.
type (
	CloseRequest struct {
		Reason string            `json:"reason"`
		At     time.Time         `json:"at,omitzero"`
		Waived map[string]string `json:"waived,omitempty"`
	}
	AwarenessRequest struct {
		At time.Time `json:"at"`
		// Confirm says that the awareness time is corrected as a proposed
		// incident is confirmed (ConfirmIncident), not set (SetAwareness).
		Confirm bool   `json:"confirm,omitempty"`
		Reason  string `json:"reason"`
	}
)

// TwoPersonRule holds the actions that need a second approval and carries
// them out once approved, the same way for every front end.
type TwoPersonRule struct {
	// Approvals keeps the requests; nil on a desk that keeps none, where
	// every action is taken at once.
	Approvals ApprovalService
	Incidents IncidentService
	Notices   interface {
		RecordContact(ctx context.Context, a *ContactAttempt) error
	}
}

// Hold records a request for action, with its params (CloseRequest,
// AwarenessRequest or *ContactAttempt), when the incident requires a
// second approval, and then returns it: the caller must not act. It returns
// nil when the caller may act at once.
func (r TwoPersonRule) Hold(ctx context.Context, incidentID int64, action Action, summary string, params any, requester string) (*Approval, error) {
	if r.Approvals == nil {
		return nil, nil
	}
	required, err := r.Approvals.ApprovalRequired(ctx, incidentID)
	if err != nil || !required {
		return nil, err
	}
	data, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("encode the request: %w", err)
	}
	req := &Approval{IncidentID: incidentID, Action: action, Summary: summary, Params: data, RequestedBy: requester}
	if err := r.Approvals.RequestApproval(ctx, req); err != nil {
		return nil, err
	}
	return req, nil
}

// Confirm confirms a proposed incident as actor. Kept at the awareness
// time the alert proposed, it is one step. Corrected to at, it moves the
// start of the legal clocks, as SetAwareness does: on an incident that
// requires a second approval, it is held and the request returned, and
// the incident stays proposed until another principal approves.
func (r TwoPersonRule) Confirm(ctx context.Context, incidentID int64, at time.Time, reason, actor string) (*Approval, error) {
	if !at.IsZero() {
		inc, err := r.Incidents.FindIncidentByID(ctx, incidentID)
		if err != nil {
			return nil, err
		}
		if inc.Status == StatusProposed && !at.UTC().Truncate(TimePrecision).Equal(inc.AwareAt) {
			summary := fmt.Sprintf("confirm %s with the awareness time moved from %s to %s",
				inc.PublicID(), inc.AwareAt.Format(time.RFC3339), at.Format(time.RFC3339))
			if reason != "" {
				summary += ": " + reason
			}
			held, err := r.Hold(ctx, incidentID, ActionIncidentAware, summary, AwarenessRequest{At: at, Confirm: true, Reason: reason}, actor)
			if held != nil || err != nil {
				return held, err
			}
		}
	}
	return nil, r.Incidents.ConfirmIncident(ctx, incidentID, actor, at, reason)
}

// Approve carries out a pending request as approver, then records the
// approval. The approver needs the right to approve and the right to the
// action itself; who made the request cannot approve it. Everything is
// checked before acting, so that a refused approval changes nothing.
func (r TwoPersonRule) Approve(ctx context.Context, id int64, approver Principal) (*Approval, error) {
	req, err := r.Approvals.FindApprovalByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := approver.Authorize(req.IncidentID, ActionApprovalDecide); err != nil {
		return nil, err
	}
	if err := approver.Authorize(req.IncidentID, req.Action); err != nil {
		return nil, err
	}
	actor := approver.String()
	if err := req.CheckApprover(actor); err != nil {
		return nil, err
	}
	if err := r.perform(ctx, req, actor); err != nil {
		return nil, err
	}
	if err := r.Approvals.Approve(ctx, id, actor); err != nil {
		return nil, err
	}
	return r.Approvals.FindApprovalByID(ctx, id)
}

func (r TwoPersonRule) perform(ctx context.Context, req *Approval, actor string) error {
	var close CloseRequest
	var aware AwarenessRequest
	var waive ContactAttempt
	params := map[Action]any{ActionIncidentClose: &close, ActionIncidentAware: &aware, ActionRecipientWaive: &waive}[req.Action]
	if params == nil {
		return Errorf(EINVALID, "request %d holds %s, which leakdesk cannot carry out", req.ID, req.Action)
	}
	if err := json.Unmarshal(req.Params, params); err != nil {
		return fmt.Errorf("request %d: %w", req.ID, err)
	}
	switch req.Action {
	case ActionIncidentClose:
		return r.Incidents.CloseIncident(ctx, req.IncidentID, actor, close.Reason, close.At, close.Waived)
	case ActionIncidentAware:
		if aware.Confirm {
			return r.Incidents.ConfirmIncident(ctx, req.IncidentID, actor, aware.At, aware.Reason)
		}
		return r.Incidents.SetAwareness(ctx, req.IncidentID, actor, aware.At, aware.Reason)
	default:
		waive.IncidentID, waive.Actor = req.IncidentID, actor
		return r.Notices.RecordContact(ctx, &waive)
	}
}
