package leakdesk

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Findings is what matching concluded about a leak: who is in it, which of
// their data, on which rows, and what needs a person's review. Its JSON is
// the contract of "leakdesk match --format json".
type Findings struct {
	ID            int64                  `json:"id,omitempty"`
	IncidentID    int64                  `json:"-"`
	Registry      string                 `json:"registry,omitempty"`
	Leaks         []string               `json:"leaks,omitempty"`
	Rows          int64                  `json:"rows"`
	MatchedRows   int64                  `json:"matched_rows"`
	Contacts      []AffectedContact      `json:"contacts"`
	Organisations []AffectedOrganisation `json:"organisations"`
	Review        []ReviewItem           `json:"review"`
	Invalid       InvalidCounts          `json:"invalid"`
	// Unread names the leaked files, or archive members, that yielded no
	// record or stopped early: their content is unknown, not empty.
	Unread []Unread `json:"unread"`
	// Weights are the linkage weights used, by outcome ("email.equal"),
	// when they were estimated from the leak rather than the defaults.
	Weights   map[string]float64 `json:"weights,omitempty"`
	Actor     string             `json:"actor,omitempty"`
	CreatedAt time.Time          `json:"created_at,omitzero"`
}

// AffectedContact is a registry contact whose data is in the leak, found
// with certainty or high probability.
type AffectedContact struct {
	ID           string `json:"id"`
	OrgID        string `json:"org_id"`
	Organisation string `json:"organisation"`
	Name         string `json:"name"`
	// How to reach them, as the registry says: its first e-mail address and
	// phone number, country and language, for the notices.
	Email      string      `json:"email,omitempty"`
	Phone      string      `json:"phone,omitempty"`
	Country    string      `json:"country,omitempty"`
	Language   string      `json:"language,omitempty"`
	Class      string      `json:"class"` // certain or probable
	Confidence float64     `json:"confidence"`
	Fields     []string    `json:"fields"` // kinds of their data in the leak
	Rows       []int64     `json:"rows"`   // 1-based records in reading order
	Evidence   []Agreement `json:"evidence"`
}

// Agreement is one piece of evidence for or against a link.
type Agreement struct {
	Field  string  `json:"field"`
	How    string  `json:"how"`
	Weight float64 `json:"weight"`
}

// AffectedOrganisation is an organisation with affected contacts.
type AffectedOrganisation struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Contacts int    `json:"contacts"`
}

// ReviewItem is a leaked row whose link is too weak or ambiguous to count.
type ReviewItem struct {
	Row        int64       `json:"row"`
	Candidates []Candidate `json:"candidates"`
}

// Candidate is a contact a reviewed row may be.
type Candidate struct {
	ID         string  `json:"id"`
	Confidence float64 `json:"confidence"`
}

// Unread is a file, or an archive member, that yielded no record, or whose
// reading stopped before its end. "Nobody is affected" must never be said
// of a file that was not read, so every such file is named with the reason.
type Unread struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
	// Records counts what was read before reading stopped; 0 when nothing
	// was.
	Records int64 `json:"records,omitempty"`
}

func (u Unread) String() string {
	if u.Records > 0 {
		return fmt.Sprintf("%s: %d records read, then %s", u.File, u.Records, u.Reason)
	}
	// A reason that starts with a place in the file ("[sheet] ...",
	// "line 12: ...") reads on from the file's name.
	if strings.HasPrefix(u.Reason, "[") || strings.HasPrefix(u.Reason, "line ") {
		return u.File + " " + u.Reason
	}
	return u.File + ": " + u.Reason
}

// InvalidCounts counts leaked values that could not be read as what their
// column holds.
type InvalidCounts struct {
	Emails int64 `json:"emails"`
	Phones int64 `json:"phones"`
	Births int64 `json:"dates_of_birth"`
}

// Add counts o's values in c too.
func (c *InvalidCounts) Add(o InvalidCounts) {
	c.Emails, c.Phones, c.Births = c.Emails+o.Emails, c.Phones+o.Phones, c.Births+o.Births
}

// EventFindingsRecorded is the timeline event of stored findings.
const EventFindingsRecorded = "findings.recorded"

// FindingsService stores what matching found for incidents.
type FindingsService interface {
	// RecordFindings stores f for its incident and adds it to the timeline.
	// Returns ENOTFOUND for an unknown incident.
	RecordFindings(ctx context.Context, f *Findings) error

	// LatestFindings returns the incident's most recent findings, or
	// ENOTFOUND when matching has not run.
	LatestFindings(ctx context.Context, incidentID int64) (*Findings, error)
}
