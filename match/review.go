package match

import (
	"context"
	"slices"

	"github.com/leakdesk/leakdesk"
)

// Decide applies a person's decision on a row to review to the incident's
// latest findings and stores the result: new findings, on the timeline
// under the person who decided, which name the decision. It returns
// ENOTFOUND when matching has not run or the row is not to review, and
// EINVALID for a decision that names no candidate of the row.
func (s *Service) Decide(ctx context.Context, incidentID int64, d leakdesk.ReviewDecision) (*leakdesk.Findings, error) {
	f, err := s.findings.LatestFindings(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	next, err := f.Decide(d)
	if err != nil {
		return nil, err
	}
	next.IncidentID = incidentID
	if err := s.findings.RecordFindings(ctx, next); err != nil {
		return nil, err
	}
	return next, nil
}

// carryDecisions applies to next the decisions taken on prev, when both
// read the same leaks and the row is still to review with the candidate
// chosen: matching the same evidence again must not undo a person's work.
// A decision whose row changed is dropped, and the row is to review again.
func carryDecisions(prev, next *leakdesk.Findings) *leakdesk.Findings {
	if !slices.Equal(prev.Leaks, next.Leaks) {
		return next
	}
	for _, d := range prev.Decisions {
		if decided, err := next.Decide(d); err == nil {
			decided.ID, decided.CreatedAt, decided.Actor = next.ID, next.CreatedAt, next.Actor
			next = decided
		}
	}
	return next
}
