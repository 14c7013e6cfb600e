package leakdesk

// EventLeakVerified records a verdict on a leak and its seller's claims.
const EventLeakVerified = "leak.verified"

// LeakVerifiedPayload is the detail of EventLeakVerified: each finding's
// verdict with its evidence, never a bare score. Evidence holds counts,
// shares, dates, file names and row numbers: no personal data, no secret.
type LeakVerifiedPayload struct {
	Leak       string           `json:"leak"`
	EvidenceID int64            `json:"evidence_id,omitempty"` // the leak, when read from the incident's evidence
	Rows       int64            `json:"rows"`
	Findings   []VerdictFinding `json:"findings"`
	Secrets    []SecretCount    `json:"secrets"` // by type, never the values: what a CERT may be told
}

// SecretCount is how often one kind of secret or configuration fragment
// was recognised in a leak.
type SecretCount struct {
	Rule        string `json:"rule"`
	Category    string `json:"category"` // secret, configuration, detection-rule
	Description string `json:"description"`
	Count       int64  `json:"count"`
}

// VerdictFinding is one finding of a verdict: what was asked (authentic,
// current, complete, recycled, or a claim of access), the answer, and why.
type VerdictFinding struct {
	Question string   `json:"question"`
	Verdict  string   `json:"verdict"`
	Evidence []string `json:"evidence"`
}
