package leakdesk

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Roles an organisation can hold for the leaked data under GDPR.
const (
	RoleController = "controller"
	RoleProcessor  = "processor"
)

// Incident states.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
	// StatusProposed is an open incident that an alert or a decoy alarm
	// opened, waiting for a person to confirm or correct its awareness
	// time (ConfirmIncident).
	StatusProposed = "proposed"
)

// Incident is one personal-data leak being handled.
type Incident struct {
	ID           int64     `json:"-"`
	Title        string    `json:"title"`
	Status       string    `json:"status"`
	AwareAt      time.Time `json:"aware_at,omitzero"` // when the organisation became aware; starts the legal clocks; zero until known
	DiscoveredBy string    `json:"discovered_by,omitempty"`
	Role         string    `json:"role"`
	Regimes      []string  `json:"regimes"`
	// RegimeFiles holds, by ID, the regime files the incident was created
	// with that leakdesk does not embed (read from --rules), so that its
	// clocks, the embedded regimes' too, are computed without the directory.
	RegimeFiles map[string]json.RawMessage `json:"regime_files,omitempty"`
	Country     string                     `json:"country,omitempty"`
	TimeZone    string                     `json:"time_zone"` // IANA name, used to present times and to compute calendar deadlines
	CreatedAt   time.Time                  `json:"created_at"`
	ClosedAt    time.Time                  `json:"closed_at,omitzero"`

	// The head of the timeline's hash chain, kept on the incident so that
	// truncating the timeline is detected, not only editing it.
	EventCount int64  `json:"event_count"`
	HeadHash   string `json:"head_hash"`
}

// IncidentView is an incident as the command line and the API show it:
// with the ID users name it by.
type IncidentView struct {
	ID string `json:"id"`
	*Incident
}

// View returns the incident as the command line and the API show it.
func (inc *Incident) View() IncidentView { return IncidentView{ID: inc.PublicID(), Incident: inc} }

// PublicID is how users name an incident.
func (inc *Incident) PublicID() string { return FormatIncidentID(inc.ID) }

// FormatIncidentID formats an incident number as users see it.
func FormatIncidentID(id int64) string { return fmt.Sprintf("INC-%04d", id) }

// ParseIncidentID accepts "INC-0007", "inc-7" or "7".
func ParseIncidentID(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if len(t) > 4 && strings.EqualFold(t[:4], "INC-") {
		t = t[4:]
	}
	id, err := strconv.ParseInt(t, 10, 64)
	if err != nil || id <= 0 {
		return 0, Errorf(EINVALID, "invalid incident ID %q: want INC-0001 or a number", s)
	}
	return id, nil
}

// Location returns the incident's time zone, or UTC when it has none.
func (inc *Incident) Location() *time.Location {
	if loc, err := time.LoadLocation(inc.TimeZone); err == nil && inc.TimeZone != "" {
		return loc
	}
	return time.UTC
}

// Validate reports the first problem with a new incident.
func (inc *Incident) Validate() error {
	switch {
	case strings.TrimSpace(inc.Title) == "":
		return Errorf(EINVALID, "incident title is required")
	case inc.Role != RoleController && inc.Role != RoleProcessor:
		return Errorf(EINVALID, "invalid role %q: want %s or %s", inc.Role, RoleController, RoleProcessor)
	case inc.Country != "" && !isCountryCode(inc.Country):
		return Errorf(EINVALID, "invalid country %q: want a two-letter ISO 3166 code such as FR", inc.Country)
	case len(inc.Regimes) == 0:
		return Errorf(EINVALID, "at least one regime is required")
	}
	if inc.TimeZone != "" {
		if _, err := time.LoadLocation(inc.TimeZone); err != nil {
			return Errorf(EINVALID, "invalid time zone %q: want an IANA name such as Europe/Paris", inc.TimeZone)
		}
	}
	seen := make(map[string]bool, len(inc.Regimes))
	for _, r := range inc.Regimes {
		if strings.TrimSpace(r) == "" || strings.ToLower(r) != r {
			return Errorf(EINVALID, "invalid regime name %q: want lower-case names such as gdpr", r)
		}
		if seen[r] {
			return Errorf(EINVALID, "regime %q is listed twice", r)
		}
		seen[r] = true
	}
	for id := range inc.RegimeFiles {
		if !seen[id] {
			return Errorf(EINVALID, "a regime file is stored for %q, which the incident does not name", id)
		}
	}
	return nil
}

func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// IncidentProposal is what proposes an incident: an alert about a leaked file or
// a decoy alarm.
type IncidentProposal struct {
	Key string // the alert's or alarm's key: one incident per key
	// CouldStart is when the clock could have started at the earliest
	// (zero if unknown); it is recorded on the opening event.
	CouldStart time.Time
	// Evidence is the file the alert rests on, already in the blob store
	// under its SHA256 (with Size, Filename, Source and Note): it becomes
	// the incident's first evidence, without a copy. Nil if none.
	Evidence *Evidence
}

// IncidentFilter selects incidents. Zero fields match everything.
type IncidentFilter struct {
	ID     *int64
	Status string
}

// IncidentService manages incidents and their timelines.
type IncidentService interface {
	// CreateIncident stores inc, sets its ID and opens its timeline with an
	// "incident.opened" event. Returns EINVALID if inc does not validate.
	CreateIncident(ctx context.Context, inc *Incident, actor string) error

	// FindIncidentByID returns ENOTFOUND if there is no such incident.
	FindIncidentByID(ctx context.Context, id int64) (*Incident, error)

	// FindIncidents returns the matching incidents, newest first.
	FindIncidents(ctx context.Context, filter IncidentFilter) ([]*Incident, error)

	// CloseIncident closes an open incident. It refuses (ECONFLICT) while a
	// recipient or an affected contact is unreached with no recorded
	// reason, and while any legal obligation is due, not started, or
	// overdue and never filed, unless waived names it with a reason
	// (obligation ID to reason). Returns ENOTFOUND, EINVALID for a waiver
	// of an obligation that is not outstanding, or ECONFLICT if it is
	// already closed.
	CloseIncident(ctx context.Context, id int64, actor, reason string, at time.Time, waived map[string]string) error

	// ReopenIncident reopens a closed incident, with the reason, on the
	// timeline. Returns ENOTFOUND, EINVALID without a reason, or ECONFLICT
	// if it is open.
	ReopenIncident(ctx context.Context, id int64, actor, reason string, at time.Time) error

	// SetAwareness records when the organisation became aware of the
	// incident, which starts or moves its legal clocks, with the reason for
	// the change. The previous value stays on the timeline.
	SetAwareness(ctx context.Context, id int64, actor string, at time.Time, reason string) error

	// ProposeIncident opens inc as a proposed incident for the alert or
	// alarm p names, unless one was opened for it already: then inc is
	// that one and created is false, so an alert worked twice proposes
	// once. In the same transaction it attaches p's evidence and links the
	// decoy alarm of p's key, if any, recording it on the timeline.
	ProposeIncident(ctx context.Context, p IncidentProposal, inc *Incident, actor string) (created bool, err error)

	// ConfirmIncident confirms a proposed incident on behalf of actor,
	// with its awareness time corrected to at unless at is zero. It
	// returns ECONFLICT if the incident is not proposed, or was confirmed.
	ConfirmIncident(ctx context.Context, id int64, actor string, at time.Time, reason string) error

	// AppendEvent adds ev to the end of its incident's timeline and sets its
	// Seq, RecordedAt and hashes. Returns ENOTFOUND or EINVALID.
	AppendEvent(ctx context.Context, ev *Event) error

	// FindEvents returns an incident's timeline in order. Returns ENOTFOUND.
	FindEvents(ctx context.Context, incidentID int64) ([]*Event, error)

	// RecordFiling checks a filing against the incident's clocks, stores
	// it and adds it to the timeline, with the warnings it raised (also set
	// on f.Warnings). Returns ENOTFOUND, EINVALID for a filing that cannot
	// be (see Clocks.CheckFiling), or ECONFLICT on a closed incident.
	RecordFiling(ctx context.Context, f *Filing) error

	// FindFilings lists an incident's filings in the order they were made.
	FindFilings(ctx context.Context, incidentID int64) ([]*Filing, error)

	// VerifyTimeline recomputes the hash chain. Returns ENOTFOUND; a broken
	// chain is reported in the result, not as an error.
	VerifyTimeline(ctx context.Context, incidentID int64) (*ChainReport, error)
}

// Clocks computes an incident's legal clocks from its regimes and filings.
// Package rules implements it; the incident service consults it so that
// every front end refuses the same impossible filings and closings.
type Clocks interface {
	// Deadlines returns every obligation of the incident's regimes at now.
	Deadlines(inc *Incident, filings []*Filing, now time.Time) ([]Deadline, error)
	// CheckFiling refuses (EINVALID) a filing that cannot be, and returns
	// warnings on one that is odd.
	CheckFiling(inc *Incident, filings []*Filing, f *Filing, now time.Time) ([]string, error)
}

// EventIncidentReopened is the timeline event of a reopening.
const EventIncidentReopened = "incident.reopened"
