package http

import (
	"net/http"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/status"
	"github.com/leakdesk/leakdesk/verdict"
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

// handleInspect profiles one piece of evidence, as "leakdesk inspect
// --incident ID --evidence REF --format json" (samples masked); the read
// is on the timeline.
func (s *server) handleInspect() http.Handler {
	return call(s, func(r *http.Request, _ none) (map[string][]*dump.FileProfile, error) {
		fp, err := s.profiler.Inspect(r.Context(), incidentID(r), r.PathValue("ref"), principal(r).String(), "inspect", dump.Inspection{})
		if err != nil {
			return nil, err
		}
		return map[string][]*dump.FileProfile{"files": {fp}}, nil
	})
}

// matching is the body of POST .../match.
type matching struct {
	EstimateWeights bool `json:"estimate_weights,omitempty"`
}

// handleMatch matches all of the incident's evidence against the server's
// registry and stores the findings, as "leakdesk match --incident ID
// --format json". Nothing read from the leak is EUNREAD (422), and
// nothing is stored.
func (s *server) handleMatch() http.Handler {
	return call(s, func(r *http.Request, in matching) (*leakdesk.Findings, error) {
		return matchEvidence(r.Context(), match.NewService(s.cfg.Findings, s.log), s.cfg.Evidence, s.cfg.Registry, incidentID(r), principal(r).String(), in.EstimateWeights)
	})
}

// leakCheck is the body of POST .../verify-leak: which piece of evidence
// (the only one when omitted), and what is the organisation's own, as
// verify-leak's flags (comma-separated).
type leakCheck struct {
	Evidence    string `json:"evidence,omitempty"`
	OwnDomains  string `json:"own_domains,omitempty"`
	OwnNetworks string `json:"own_networks,omitempty"`
	OwnHosts    string `json:"own_hosts,omitempty"`
}

// handleVerifyLeak draws the verdict on a piece of evidence against the
// server's registry and records it on the timeline, as "leakdesk
// verify-leak --incident ID --format json".
func (s *server) handleVerifyLeak() http.Handler {
	return call(s, func(r *http.Request, in leakCheck) (*verdict.Report, error) {
		reg, err := s.registry()
		if err != nil {
			return nil, err
		}
		own, err := verdict.ParseOwn(in.OwnDomains, in.OwnNetworks, in.OwnHosts)
		if err != nil {
			return nil, err
		}
		svc := verdict.NewService(s.cfg.Evidence, s.cfg.Incidents, s.cfg.Now)
		return svc.VerifyEvidence(r.Context(), incidentID(r), in.Evidence, principal(r).String(), verdict.Request{Registry: reg.Path,
			RegistryOptions: reg.Options, History: reg.History, Exports: reg.PastExports, Own: own, Read: reg.Read})
	})
}

// registry is the server's registry of contacts, which it must have.
func (s *server) registry() (Registry, error) {
	if s.cfg.Registry.Path == "" {
		return Registry{}, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server has no registry of contacts: start it with --registry")
	}
	return s.cfg.Registry, nil
}
