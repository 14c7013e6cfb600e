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
	Due        time.Time `json:"due,omitzero"`      // zero when the law sets no fixed time ("without undue delay") or the clock has not started
	FiledAt    time.Time `json:"filed_at,omitzero"` // the first filing, when filed
	Reason     string    `json:"reason,omitempty"`
}

// Unfinished returns the deadlines that stand between an incident and its
// closing: those still due, not started, or overdue and never filed.
func Unfinished(deadlines []Deadline) []Deadline {
	var out []Deadline
	for _, d := range deadlines {
		if d.Status == DeadlineDue || d.Status == DeadlineNotStarted || (d.Status == DeadlineLate && d.FiledAt.IsZero()) {
			out = append(out, d)
		}
	}
	return out
}
