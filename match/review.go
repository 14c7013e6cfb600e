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
// EINVALID for a decision that names no candidate of the row. It returns
// ECONFLICT when seen (the findings row the person decided on; 0 for the
// latest) is no longer the latest, or becomes so before the decision is
// stored: a decision never overwrites another taken at the same moment.
func (s *Service) Decide(ctx context.Context, incidentID, seen int64, d leakdesk.ReviewDecision) (*leakdesk.Findings, error) {
	f, err := s.findings.LatestFindings(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	if seen != 0 && seen != f.ID {
		return nil, leakdesk.Errorf(leakdesk.ECONFLICT, "the findings changed since you read them (another decision or match was recorded): read them again and decide once more")
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
