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
		At     time.Time `json:"at"`
		Reason string    `json:"reason"`
	}
)

// TwoPersonRule holds the actions that need a second approval and carries
// them out once approved, the same way for every front end.
type TwoPersonRule struct {
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
		return r.Incidents.SetAwareness(ctx, req.IncidentID, actor, aware.At, aware.Reason)
	default:
		waive.IncidentID, waive.Actor = req.IncidentID, actor
		return r.Notices.RecordContact(ctx, &waive)
	}
}
