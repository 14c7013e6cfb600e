package http

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
)

func (s *server) incidentView(r *http.Request) (leakdesk.IncidentView, error) {
	inc, err := s.cfg.Incidents.FindIncidentByID(r.Context(), incidentID(r))
	if err != nil {
		return leakdesk.IncidentView{}, err
	}
	return inc.View(), nil
}

// handleIncidentList lists, newest first, the incidents the principal may
// read, optionally only those in ?status=open, proposed or closed.
func (s *server) handleIncidentList() http.Handler {
	return call(s, func(r *http.Request, _ none) ([]leakdesk.IncidentView, error) {
		status := r.URL.Query().Get("status")
		if status != "" && status != leakdesk.StatusOpen && status != leakdesk.StatusClosed && status != leakdesk.StatusProposed {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid status %q: want open, proposed or closed", status)
		}
		list, err := s.cfg.Incidents.FindIncidents(r.Context(), leakdesk.IncidentFilter{Status: status})
		if err != nil {
			return nil, err
		}
		all, ids := leakdesk.Scope(principal(r).Grants, leakdesk.ActionIncidentRead)
		views := []leakdesk.IncidentView{}
		for _, inc := range list {
			if all || slices.Contains(ids, inc.ID) {
				views = append(views, inc.View())
			}
		}
		return views, nil
	})
}

// newIncident is the body of POST /api/v1/incidents, as incident new's flags.
type newIncident struct {
	Title        string    `json:"title"`
	AwareAt      time.Time `json:"aware_at,omitzero"`
	DiscoveredBy string    `json:"discovered_by,omitempty"`
	Role         string    `json:"role,omitempty"` // controller (default) or processor
	Regimes      []string  `json:"regimes,omitempty"`
	Country      string    `json:"country,omitempty"`
	TimeZone     string    `json:"time_zone,omitempty"`
}

func (s *server) handleIncidentCreate() http.Handler {
	return call(s, func(r *http.Request, in newIncident) (leakdesk.IncidentView, error) {
		inc := &leakdesk.Incident{Title: in.Title, AwareAt: in.AwareAt, DiscoveredBy: in.DiscoveredBy, Role: in.Role,
			Regimes: in.Regimes, Country: strings.ToUpper(in.Country), TimeZone: in.TimeZone}
		if inc.Role == "" {
			inc.Role = leakdesk.RoleController
		}
		if len(inc.Regimes) == 0 {
			inc.Regimes = []string{"gdpr"}
		}
		regimes := s.cfg.Rules.Rules
		var err error
		if inc.RegimeFiles, err = regimes.ForIncident(inc.Regimes); err != nil {
			return leakdesk.IncidentView{}, leakdesk.Errorf(leakdesk.EINVALID, "%s", leakdesk.ErrorMessage(err))
		}
		if inc.TimeZone == "" {
			inc.TimeZone = regimes.TimeZone(inc.Country)
		}
		if err := s.cfg.Incidents.CreateIncident(r.Context(), inc, principal(r).String()); err != nil {
			return leakdesk.IncidentView{}, err
		}
		return inc.View(), nil
	})
}

func (s *server) handleIncidentShow() http.Handler {
	return call(s, func(r *http.Request, _ none) (*rules.IncidentSummary, error) {
		return s.cfg.Rules.Summary(r.Context(), incidentID(r), s.cfg.Now())
	})
}

// reasoned is the body of the routes that change an incident's state for
// a reason, at a time (now when omitted).
type reasoned struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at,omitzero"`
}

func (s *server) handleAware() http.Handler {
	return call(s, func(r *http.Request, in reasoned) (any, error) {
		if in.At.IsZero() || strings.TrimSpace(in.Reason) == "" {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "at and reason are required: when the organisation became aware, and why")
		}
		summary := "move the awareness time to " + in.At.Format(time.RFC3339) + ": " + in.Reason
		if req, err := s.hold(r, leakdesk.ActionIncidentAware, summary, leakdesk.AwarenessRequest{At: in.At, Reason: in.Reason}); req != nil || err != nil {
			return held{req}, err
		}
		if err := s.cfg.Incidents.SetAwareness(r.Context(), incidentID(r), principal(r).String(), in.At, in.Reason); err != nil {
			return nil, err
		}
		return s.incidentView(r)
	})
}

// closing is the body of POST .../close: waived maps each outstanding
// obligation to why it is not needed.
type closing struct {
	reasoned
	Waived map[string]string `json:"waived,omitempty"`
}

func (s *server) handleClose() http.Handler {
	return call(s, func(r *http.Request, in closing) (any, error) {
		if strings.TrimSpace(in.Reason) == "" {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "reason is required: why the incident is closed")
		}
		if req, err := s.hold(r, leakdesk.ActionIncidentClose, "close: "+in.Reason, leakdesk.CloseRequest{Reason: in.Reason, At: in.At, Waived: in.Waived}); req != nil || err != nil {
			return held{req}, err
		}
		if err := s.cfg.Incidents.CloseIncident(r.Context(), incidentID(r), principal(r).String(), in.Reason, in.At, in.Waived); err != nil {
			return nil, err
		}
		return s.incidentView(r)
	})
}

func (s *server) handleReopen() http.Handler {
	return call(s, func(r *http.Request, in reasoned) (leakdesk.IncidentView, error) {
		if err := s.cfg.Incidents.ReopenIncident(r.Context(), incidentID(r), principal(r).String(), in.Reason, in.At); err != nil {
			return leakdesk.IncidentView{}, err
		}
		return s.incidentView(r)
	})
}

func (s *server) handleVerify() http.Handler {
	return call(s, func(r *http.Request, _ none) (*leakdesk.ChainReport, error) {
		return s.cfg.Incidents.VerifyTimeline(r.Context(), incidentID(r))
	})
}

// handleEvents is the timeline, as "incident log --format json". Roles
// that do not see personal data (legal, viewer) get it masked (see
// leakdesk.MaskEvent).
func (s *server) handleEvents() http.Handler {
	return call(s, func(r *http.Request, _ none) ([]*leakdesk.Event, error) {
		events, err := s.cfg.Incidents.FindEvents(r.Context(), incidentID(r))
		if err != nil || leakdesk.SeesPersonalData(principal(r).Grants, incidentID(r)) {
			return events, err
		}
		for i, ev := range events {
			events[i] = leakdesk.MaskEvent(ev)
		}
		return events, nil
	})
}

// note is the body of POST .../notes.
type note struct {
	Text string    `json:"text"`
	At   time.Time `json:"at,omitzero"`
}

func (s *server) handleNote() http.Handler {
	return call(s, func(r *http.Request, in note) (*leakdesk.Event, error) {
		return leakdesk.RecordNote(r.Context(), s.cfg.Incidents, incidentID(r), principal(r).String(), s.orNow(in.At), in.Text)
	})
}

// appendEvent records an event of kind under the principal, which
// happened at (now when zero).
func (s *server) appendEvent(r *http.Request, kind string, at time.Time, payload any) (*leakdesk.Event, error) {
	ev := leakdesk.NewEvent(incidentID(r), principal(r).String(), kind, s.orNow(at), payload)
	if err := s.cfg.Incidents.AppendEvent(r.Context(), ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// orNow is at, or now when a request leaves it out.
func (s *server) orNow(at time.Time) time.Time {
	if at.IsZero() {
		return s.cfg.Now()
	}
	return at
}
