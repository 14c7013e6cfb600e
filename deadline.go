package leakdesk

import "time"

// Deadline states.
const (
	DeadlineDue           = "due"            // running, not yet filed
	DeadlineMet           = "met"            // filed in time
	DeadlineLate          = "late"           // past due, or filed after it
	DeadlineNotStarted    = "not-started"    // its clock has not started
	DeadlineNotApplicable = "not-applicable" // does not apply to this incident
)

// Deadline is one obligation's clock for one incident.
type Deadline struct {
	Regime     string    `json:"regime"`
	Obligation string    `json:"obligation"` // e.g. "gdpr.art33.authority"
	Title      string    `json:"title"`
	Article    string    `json:"article"`
	From       string    `json:"from"`
	To         string    `json:"to"`
	Status     string    `json:"status"`
	Due        time.Time `json:"due,omitzero"` // zero when the law sets no fixed time ("without undue delay") or the clock has not started
	Reason     string    `json:"reason,omitempty"`
}
