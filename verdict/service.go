package verdict

import (
	"context"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
)

// Service draws verdicts on an incident's leak and records them on its
// timeline, so that the command line and the API record the same event
// the same way.
type Service struct {
	evidence  leakdesk.EvidenceService
	incidents leakdesk.IncidentService
	now       func() time.Time
}

// NewService returns a service reading evidence through evidence (each
// read logged) and recording verdicts through incidents, dated by now.
func NewService(evidence leakdesk.EvidenceService, incidents leakdesk.IncidentService, now func() time.Time) *Service {
	return &Service{evidence: evidence, incidents: incidents, now: now}
}

// VerifyAndRecord draws the verdict on r.Leak and records it on the
// incident's timeline as actor. Nothing is recorded when the verdict
// cannot be drawn.
func (s *Service) VerifyAndRecord(ctx context.Context, incidentID int64, actor string, r Request) (*Report, error) {
	rep, err := Run(ctx, r)
	if err != nil {
		return nil, err
	}
	ev := leakdesk.NewEvent(incidentID, actor, leakdesk.EventLeakVerified, s.now(), rep.Payload())
	if err := s.incidents.AppendEvent(ctx, ev); err != nil {
		return nil, err
	}
	return rep, nil
}

// VerifyEvidence draws the verdict on the piece of the incident's
// evidence that ref names (its number or a SHA-256 prefix; the only one
// when empty), read through the vault with the read logged, and records
// it as VerifyAndRecord does. r.Leak is ignored.
func (s *Service) VerifyEvidence(ctx context.Context, incidentID int64, ref, actor string, r Request) (*Report, error) {
	leak, err := match.EvidenceSource(ctx, s.evidence, incidentID, ref, actor, "verify the leak")
	if err != nil {
		return nil, err
	}
	r.Leak = leak
	return s.VerifyAndRecord(ctx, incidentID, actor, r)
}
