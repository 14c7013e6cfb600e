package http

import (
	"net/http"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/status"
)

// handleStatus is the incident on one page, as "leakdesk incident status
// --format json".
func (s *server) handleStatus() http.Handler {
	return call(s, func(r *http.Request, _ none) (*status.Status, error) {
		svc := &status.Services{Incidents: s.cfg.Incidents, Findings: s.cfg.Findings, Notices: s.cfg.Notices, Evidence: s.cfg.Evidence, Rules: s.cfg.Rules.Rules}
		return svc.Status(r.Context(), incidentID(r), s.cfg.Now())
	})
}

// handleEvidenceVerify re-hashes every piece of evidence, as "leakdesk
// evidence verify --format json"; the check is on the timeline. A
// mismatch is a check with ok false and its problem, in a 200 answer.
func (s *server) handleEvidenceVerify() http.Handler {
	return call(s, func(r *http.Request, _ none) ([]leakdesk.EvidenceCheck, error) {
		checks, err := s.cfg.Evidence.VerifyEvidence(r.Context(), incidentID(r), principal(r).String())
		if checks == nil {
			checks = []leakdesk.EvidenceCheck{}
		}
		return checks, err
	})
}
