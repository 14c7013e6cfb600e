package leakdesk

import (
	"slices"
	"strings"
)

// Role is what an account may do, granted on one incident or on all of
// them. (Not to be confused with an organisation's GDPR role on an
// incident, RoleController or RoleProcessor.)
type Role string

// Roles an account can be granted.
const (
	RoleLead           Role = "lead"           // everything on the incident
	RoleAnalyst        Role = "analyst"        // evidence, inspect, match, trace, review decisions
	RoleLegal          Role = "legal"          // facts, assessment, filings, reports
	RoleCommunications Role = "communications" // notices, updates, contact log, coverage
	RoleViewer         Role = "viewer"         // reads only, with personal data masked
	RoleAdmin          Role = "admin"          // accounts only: no right to read any incident
	RoleIntake         Role = "intake"         // a feed's: takes leaked files in for triage, reads no incident
)

// Roles lists every role, in the order documentation shows them.
func Roles() []Role {
	return []Role{RoleLead, RoleAnalyst, RoleLegal, RoleCommunications, RoleViewer, RoleAdmin, RoleIntake}
}

// ParseRole accepts a role's name in any case.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(Roles(), r) {
		return "", Errorf(EINVALID, "invalid role %q: want one of %s", s, joinRoles(Roles()))
	}
	return r, nil
}

// ConcernsNoIncident reports whether the role is about no single incident
// (accounts, or files taken in before any incident exists), so that it is
// granted on all incidents only.
func (r Role) ConcernsNoIncident() bool {
	return r == RoleAdmin || r == RoleIntake
}

// SeesPersonalData reports whether the role needs contact details and
// evidence content unmasked to do its work. The others see them masked
// (MaskEmail, MaskPhone, MaskName) unless they unmask one record, which
// is an event on the timeline.
func (r Role) SeesPersonalData() bool {
	return r == RoleLead || r == RoleAnalyst || r == RoleCommunications
}

// AllIncidents is the IncidentID of a grant that covers every incident.
const AllIncidents int64 = 0

// Grant gives an account a role on one incident, or on all incidents when
// IncidentID is AllIncidents.
type Grant struct {
	AccountID  int64 `json:"account_id,omitempty"`
	Role       Role  `json:"role"`
	IncidentID int64 `json:"incident_id,omitempty"`
}

// Validate reports the first problem with a grant.
func (g Grant) Validate() error {
	if _, err := ParseRole(string(g.Role)); err != nil {
		return err
	}
	switch {
	case g.IncidentID < 0:
		return Errorf(EINVALID, "invalid incident %d in a grant", g.IncidentID)
	case g.Role == RoleAdmin && g.IncidentID != AllIncidents:
		return Errorf(EINVALID, "admin manages accounts, which belong to no incident: grant it without an incident")
	case g.Role == RoleIntake && g.IncidentID != AllIncidents:
		return Errorf(EINVALID, "intake takes files in before any incident exists: grant it without an incident")
	}
	return nil
}

// Covers reports whether the grant applies to the incident. A grant on one
// incident never covers AllIncidents: listing every incident, or creating
// one, needs a grant on all of them.
func (g Grant) Covers(incidentID int64) bool {
	return g.IncidentID == AllIncidents || g.IncidentID == incidentID
}

// String is how the CLI shows a grant: "lead on INC-0003" or "viewer on all incidents".
func (g Grant) String() string {
	if g.IncidentID == AllIncidents {
		return string(g.Role) + " on all incidents"
	}
	return string(g.Role) + " on " + FormatIncidentID(g.IncidentID)
}

// SeesPersonalData reports whether any of grants lets its holder see the
// personal data of the incident unmasked.
func SeesPersonalData(grants []Grant, incidentID int64) bool {
	return slices.ContainsFunc(grants, func(g Grant) bool { return g.Covers(incidentID) && g.Role.SeesPersonalData() })
}

func joinRoles(roles []Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}
