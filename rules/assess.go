package rules

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/leakdesk/leakdesk"
)

// adjustable are the factors a responder may set by hand, in the order
// they are checked.
func adjustable() []string {
	return []string{"dpc", "ei", "confidentiality", "integrity", "availability", "malicious"}
}

// AssessRequest asks for an incident's assessment.
type AssessRequest struct {
	Actor string // who reads the evidence, and confirms
	// Set holds the factors set by hand, by name (dpc, ei,
	// confidentiality, integrity, availability, malicious), and Why the
	// reason for each: a value set without a reason is refused.
	Set     map[string]float64
	Why     map[string]string
	Confirm bool      // record the assessment on the timeline
	Now     time.Time // when it is confirmed
}

// Assessment is an incident's assessment, and whether it was recorded.
// Its JSON is the contract of "leakdesk assess --format json".
type Assessment struct {
	Assessment leakdesk.AssessmentConfirmed `json:"assessment"`
	Confirmed  bool                         `json:"confirmed"`
}

// Assess computes the ENISA severity of incident id from what its evidence
// holds (each read logged as req.Actor) and the people matching counted,
// with the responder's adjustments, and records it on the timeline when
// req.Confirm. Returns EINVALID for an adjustment without its reason or
// a reason without its adjustment, and ENOTFOUND.
func (s *Services) Assess(ctx context.Context, id int64, req AssessRequest) (*Assessment, error) {
	if err := checkAdjustments(req.Set, req.Why); err != nil {
		return nil, err
	}
	profile, err := s.Profiler.ProfileEvidence(ctx, id, req.Actor, "assess severity")
	if err != nil {
		return nil, err
	}
	// Matching, where it ran, counts the people themselves.
	switch matched, err := s.Findings.LatestFindings(ctx, id); {
	case err == nil:
		p := matched.Count()
		profile.Persons, profile.PersonsHow, profile.People = p.Total, PeopleHow("en", p), &p
	case leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND:
		return nil, err
	}
	in := DefaultSeverityInput(profile.Categories, profile.Sources)
	adjust(&in, req.Set, req.Why)
	sev, err := Assess(in)
	if err != nil {
		return nil, err
	}
	out := &Assessment{Assessment: leakdesk.AssessmentConfirmed{Severity: sev, Findings: *profile}, Confirmed: req.Confirm}
	if req.Confirm {
		ev := leakdesk.NewEvent(id, req.Actor, leakdesk.EventAssessmentConfirmed, req.Now, out.Assessment)
		if err := s.Incidents.AppendEvent(ctx, ev); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkAdjustments refuses a reason for an unknown factor or for one that
// is not set, which would be recorded nowhere, and a factor set without a
// reason.
func checkAdjustments(set map[string]float64, why map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(why)) {
		if !slices.Contains(adjustable(), name) {
			return leakdesk.Errorf(leakdesk.EINVALID, "--why %s: unknown factor; want dpc, ei, confidentiality, integrity, availability or malicious", name)
		}
		if _, ok := set[name]; !ok {
			return leakdesk.Errorf(leakdesk.EINVALID, "--why %s gives a reason, but --%s is not set", name, name)
		}
	}
	for _, name := range adjustable() {
		if _, ok := set[name]; ok && why[name] == "" {
			return leakdesk.Errorf(leakdesk.EINVALID, "--%s needs a reason: --why %s=\"...\"", name, name)
		}
	}
	for name := range set {
		if !slices.Contains(adjustable(), name) {
			return leakdesk.Errorf(leakdesk.EINVALID, "unknown factor %q: want dpc, ei, confidentiality, integrity, availability or malicious", name)
		}
	}
	return nil
}

// adjust sets the factors given by hand, with their reasons.
func adjust(in *SeverityInput, set map[string]float64, why map[string]string) {
	factors := map[string]*Factor{"dpc": &in.DPC, "ei": &in.EI, "confidentiality": &in.CBConf, "integrity": &in.CBInteg, "availability": &in.CBAvail, "malicious": &in.Malicious}
	for name, v := range set {
		*factors[name] = Factor{Value: v, Reason: why[name], Set: true}
	}
}
