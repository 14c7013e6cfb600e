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
	ID         int64 `json:"id,omitempty"`
	IncidentID int64 `json:"-"`
	// Base is the findings row these were derived from by a review
	// decision, or 0. Recording them is refused with ECONFLICT once Base
	// is no longer the incident's latest row: two decisions taken at the
	// same moment must not overwrite each other.
	Base          int64                  `json:"-"`
	Registry      string                 `json:"registry,omitempty"`
	Leaks         []string               `json:"leaks,omitempty"`
	Rows          int64                  `json:"rows"`
	MatchedRows   int64                  `json:"matched_rows"`
	Contacts      []AffectedContact      `json:"contacts"`
	Organisations []AffectedOrganisation `json:"organisations"`
	Review        []ReviewItem           `json:"review"`
	// Former lists the leaked people who are no longer registry contacts
	// but were once: found in a past export or the registry's history.
	// They are data subjects still.
	Former []LeakedPerson `json:"former"`
	// Unknown lists the leaked people found nowhere (strangers, or
	// fabricated rows), at most UnknownListed of them; People counts all.
	Unknown []LeakedPerson `json:"unknown"`
	// People counts the leak's people and accounts for every row.
	People  People        `json:"people"`
	Invalid InvalidCounts `json:"invalid"`
	// Unread names the leaked files, or archive members, that yielded no
	// record or stopped early: their content is unknown, not empty.
	Unread []Unread `json:"unread"`
	// Weights are the linkage weights used, by outcome ("email.equal"),
	// when they were estimated from the leak rather than the defaults.
	Weights map[string]float64 `json:"weights,omitempty"`
	// Decisions are the review decisions taken on these findings, or on
	// earlier ones of the same leak, oldest first.
	Decisions []ReviewDecision `json:"decisions,omitempty"`
	Actor     string           `json:"actor,omitempty"`
	CreatedAt time.Time        `json:"created_at,omitzero"`
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
	// Past, when the row is also someone of the past (a past export or
	// the registry's history), says who and what ties them: a former
	// contact, or a current one whose values changed.
	Past string `json:"past,omitempty"`
	// Leaked is what the row says, to be read beside each candidate's
	// record; nil in findings made before it was kept.
	Leaked *LeakedPerson `json:"leaked,omitempty"`
}

// Candidate is a contact a reviewed row may be.
type Candidate struct {
	ID         string  `json:"id"`
	Confidence float64 `json:"confidence"`
	// Contact is the candidate's registry record with the evidence for
	// and against this row, and what the findings count when a person
	// links the row to them; nil in findings made before it was kept.
	Contact *AffectedContact `json:"contact,omitempty"`
}

// LeakedPerson is a person in the leak who is not a current registry
// contact: a former contact, or someone unknown.
type LeakedPerson struct {
	// Name, organisation, country, e-mail and phone: as the past export
	// held them for a former contact, else as the leak has them.
	Name         string   `json:"name"`
	Organisation string   `json:"organisation,omitempty"`
	Country      string   `json:"country,omitempty"`
	Email        string   `json:"email,omitempty"`
	Phone        string   `json:"phone,omitempty"`
	Fields       []string `json:"fields"` // kinds of their data in the leak
	Rows         []int64  `json:"rows"`   // 1-based records in reading order
	// For former contacts: where they were found ("export", "history"),
	// their registry ID when the history gives it, and the values that
	// tie them, in words ("e-mail held by C-00123 until 2026-04-02").
	Sources   []string `json:"sources,omitempty"`
	ContactID string   `json:"contact_id,omitempty"`
	Ties      []string `json:"ties,omitempty"`
}

// UnknownListed bounds Findings.Unknown: a huge dump of strangers is
// counted, not listed.
const UnknownListed = 1000

// People accounts for a leak's people and rows. Every row is counted
// once: linked to an affected contact (Findings.MatchedRows), to review,
// a former contact's, an unknown person's, an address or number alone,
// or no contact details at all.
type People struct {
	Total    int64 `json:"total"`    // Affected + Former + Unknown
	Affected int64 `json:"affected"` // registry contacts found in the leak
	Former   int64 `json:"former"`   // former contacts: found in the past
	Unknown  int64 `json:"unknown"`  // persons found nowhere
	// UnknownApprox is true when so many unknown people were met that the
	// last were counted by row, not told apart.
	UnknownApprox bool `json:"unknown_approx,omitempty"`
	// UnknownNotListed counts the unknown people beyond UnknownListed.
	UnknownNotListed int64 `json:"unknown_not_listed"`
	ReviewRows       int64 `json:"review_rows"`
	FormerRows       int64 `json:"former_rows"`
	UnknownRows      int64 `json:"unknown_rows"`
	// IdentifierRows hold an e-mail address or phone number of nobody
	// known, without a name: combolist lines. Counted, not listed.
	IdentifierRows int64 `json:"identifier_rows"`
	// NoContactRows hold no e-mail address or phone number: blank rows,
	// noise, or a name alone.
	NoContactRows int64 `json:"no_contact_rows"`
	// Searched names the past exports and history where former contacts
	// were looked for; empty when none was given, and then every
	// unlinked person is unknown.
	Searched []string `json:"searched"`
}

// Count returns the findings' people. Findings stored before they were
// counted give their affected contacts and review rows only.
func (f *Findings) Count() People {
	p := f.People
	if p.Total == 0 && len(f.Former)+len(f.Unknown) == 0 {
		p.Affected, p.ReviewRows = int64(len(f.Contacts)), int64(len(f.Review))
		p.Total = p.Affected
	}
	return p
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

	// FindAffected returns the incident's most recent findings with only
	// the page q selects of the affected contacts that match q, and the
	// number of all that match. Returns ENOTFOUND when matching has not
	// run.
	FindAffected(ctx context.Context, incidentID int64, q AffectedQuery) (*Findings, int, error)
}

// AffectedQuery selects a page of the affected contacts of findings.
type AffectedQuery struct {
	// Text, when not empty, is looked for, ignoring case, in a contact's
	// ID and organisation and, when Personal, in their name, e-mail
	// address and phone number: a role that does not see personal data
	// cannot probe who is in the leak.
	Text     string
	Personal bool
	Offset   int
	Limit    int // 0 returns no contact, only the count
}

// Matches reports whether the contact is one that q's text selects.
func (q AffectedQuery) Matches(c *AffectedContact) bool {
	if q.Text == "" {
		return true
	}
	text := strings.ToLower(q.Text)
	fields := []string{c.ID, c.OrgID, c.Organisation}
	if q.Personal {
		fields = append(fields, c.Name, c.Email, c.Phone)
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), text) {
			return true
		}
	}
	return false
}

// NothingRead reports whether nothing of the leak could be read: such
// findings say what was not read, and are not stored as findings.
func (f *Findings) NothingRead() bool { return f.Rows == 0 && len(f.Unread) > 0 }
