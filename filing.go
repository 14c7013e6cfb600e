package leakdesk

import (
	"strings"
	"time"
)

// Filing records that an obligation was met: a notification sent to an
// authority, a report filed, a register entry made. A notification in
// phases (GDPR Art. 33(4)) has several filings.
type Filing struct {
	ID          int64     `json:"id"`
	IncidentID  int64     `json:"-"`
	Obligation  string    `json:"obligation"`
	FiledAt     time.Time `json:"filed_at"`
	Ref         string    `json:"ref"`                    // the authority's reference, or where the filing is kept
	DelayReason string    `json:"delay_reason,omitempty"` // required when filed after the deadline (GDPR Art. 33(1))
	Actor       string    `json:"actor"`
	RecordedAt  time.Time `json:"recorded_at"`
	// Warnings are what the clocks found odd when it was recorded; kept on
	// the timeline event, not in the filings table.
	Warnings []string `json:"warnings,omitempty"`
}

// Validate reports the first problem with a filing about to be recorded.
func (f *Filing) Validate() error {
	switch {
	case f.IncidentID <= 0:
		return Errorf(EINVALID, "filing has no incident")
	case strings.TrimSpace(f.Obligation) == "":
		return Errorf(EINVALID, "filing names no obligation")
	case f.FiledAt.IsZero():
		return Errorf(EINVALID, "filing time is required (--at)")
	case strings.TrimSpace(f.Ref) == "":
		return Errorf(EINVALID, "filing reference is required (--ref): the authority's receipt number, or where the filing is kept")
	case f.Actor == "":
		return Errorf(EINVALID, "filing actor is required")
	}
	return nil
}

// EventObligationFiled is the timeline event of a filing.
const EventObligationFiled = "obligation.filed"
