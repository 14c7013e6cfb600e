package rules

import "github.com/leakdesk/leakdesk"

// Services are what an incident's summary, assessment and reports are
// assembled from. The command line and the HTTP API call the same methods,
// so that a second front end never copies the first.
type Services struct {
	Incidents leakdesk.IncidentService
	Findings  leakdesk.FindingsService
	Notices   leakdesk.NoticeService
	Evidence  leakdesk.EvidenceService
	// Profiler reads the evidence for the assessment (package dump's).
	Profiler leakdesk.EvidenceProfiler
	Rules    *Rules
	// Signatures, when a signing key is configured, says how far each
	// timeline is signed; reports state it (package proof's).
	Signatures leakdesk.SignatureChecker

	checks recordChecks
}
