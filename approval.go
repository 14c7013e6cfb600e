package leakdesk

import (
	"context"
	"encoding/json"
	"slices"
	"time"
)

// Approval states.
const (
	ApprovalPending  = "pending"
	ApprovalApproved = "approved"
)

// Timeline events of the two-person rule.
const (
	EventApprovalConfigured = "approval.configured"
	EventApprovalRequested  = "approval.requested"
	EventApprovalGranted    = "approval.granted"
)

// NeedsSecondApproval reports whether an action waits for a second
// principal's approval on an incident that requires it: the actions that
// can hide a breach or silence a person.
func NeedsSecondApproval(action Action) bool {
	return slices.Contains([]Action{ActionIncidentClose, ActionIncidentAware, ActionRecipientWaive}, action)
}

// Approval is a request to take an action that the two-person rule holds
// until another principal approves it. Params hold the action's inputs, so
// that what is approved is exactly what was asked.
type Approval struct {
	ID          int64           `json:"id"`
	IncidentID  int64           `json:"-"`
	Action      Action          `json:"action"`
	Summary     string          `json:"summary"` // what will be done, for the approver to read
	Params      json.RawMessage `json:"params"`
	Status      string          `json:"status"`
	RequestedBy string          `json:"requested_by"`
	RequestedAt time.Time       `json:"requested_at"`
	ApprovedBy  string          `json:"approved_by,omitempty"`
	ApprovedAt  time.Time       `json:"approved_at,omitzero"`
}

// Validate reports the first problem with a new request.
func (a *Approval) Validate() error {
	switch {
	case a.IncidentID <= 0:
		return Errorf(EINVALID, "an approval request needs an incident")
	case !NeedsSecondApproval(a.Action):
		return Errorf(EINVALID, "%s does not take a second approval", a.Action)
	case a.RequestedBy == "":
		return Errorf(EINVALID, "an approval request needs its requester")
	case !json.Valid(a.Params):
		return Errorf(EINVALID, "an approval request's parameters are not valid JSON")
	}
	return nil
}

// CheckApprover refuses an approval by the principal who asked, or of a
// request that is no longer pending.
func (a *Approval) CheckApprover(actor string) error {
	switch {
	case a.Status != ApprovalPending:
		return Errorf(ECONFLICT, "request %d is already %s", a.ID, a.Status)
	case actor == a.RequestedBy:
		return Errorf(EFORBIDDEN, "request %d was made by %s, who cannot approve it: the two-person rule needs another account", a.ID, actor)
	}
	return nil
}

// ApprovalService keeps the two-person rule: which incidents require a
// second approval, and the requests waiting for one. Each change is an
// event on the incident's timeline naming the principal.
type ApprovalService interface {
	// SetApprovalRequired turns the rule on or off for an incident.
	// Returns ENOTFOUND, or ECONFLICT if it is already so.
	SetApprovalRequired(ctx context.Context, incidentID int64, required bool, actor string) error

	// ApprovalRequired reports whether the incident requires a second
	// approval. Returns ENOTFOUND.
	ApprovalRequired(ctx context.Context, incidentID int64) (bool, error)

	// RequestApproval records a pending request and sets its ID, Status
	// and RequestedAt. Nothing else changes. Returns EINVALID or ENOTFOUND.
	RequestApproval(ctx context.Context, a *Approval) error

	// FindApprovalByID returns ENOTFOUND.
	FindApprovalByID(ctx context.Context, id int64) (*Approval, error)

	// FindApprovals lists an incident's requests, oldest first. Returns
	// ENOTFOUND.
	FindApprovals(ctx context.Context, incidentID int64) ([]*Approval, error)

	// Approve marks a pending request approved by actor, once the action it
	// holds was done. Returns ENOTFOUND, EFORBIDDEN when actor made the
	// request, or ECONFLICT if it is not pending.
	Approve(ctx context.Context, id int64, actor string) error
}
