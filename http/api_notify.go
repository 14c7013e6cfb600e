package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

// handleRecipients lists the audience: only roles that edit recipients
// call it, and they see personal data.
func (s *server) handleRecipients() http.Handler {
	return call(s, func(r *http.Request, _ none) ([]*leakdesk.Recipient, error) {
		return s.cfg.Campaigns.Recipients(r.Context(), incidentID(r))
	})
}

// recipientsAdded is the answer of POST .../recipients.
type recipientsAdded struct {
	Read  int `json:"read"`
	Added int `json:"added"`
}

// handleRecipientsAdd adds the other recipients of a CSV body (see
// notify.ReadOthers), as notify recipients --add does.
func (s *server) handleRecipientsAdd() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		read, added, err := s.cfg.Campaigns.AddRecipients(r.Context(), incidentID(r), principal(r).String(), http.MaxBytesReader(w, r.Body, maxJSONBody))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		encode(w, http.StatusOK, recipientsAdded{read, added})
	})
}

// handleCoverage says who is reached. Roles that do not see personal data
// (legal, viewer) get every recipient masked.
func (s *server) handleCoverage() http.Handler {
	return call(s, func(r *http.Request, _ none) (*notify.Coverage, error) {
		cov, err := s.cfg.Campaigns.Coverage(r.Context(), incidentID(r))
		if err != nil || leakdesk.SeesPersonalData(principal(r).Grants, incidentID(r)) {
			return cov, err
		}
		for _, e := range cov.Entries {
			e.Recipient = masked(e.Recipient)
		}
		return cov, nil
	})
}

// masked returns a copy of r with its name and contact details masked.
func masked(r *leakdesk.Recipient) *leakdesk.Recipient {
	if r == nil {
		return nil
	}
	m := *r
	m.Key = leakdesk.MaskRecipientKey(r.Key)
	m.Name, m.Email, m.Phone = leakdesk.MaskName(r.Name), leakdesk.MaskEmail(r.Email), leakdesk.MaskPhone(r.Phone)
	return &m
}

// unmasking is the body of POST .../recipients/{recipient}/unmask.
type unmasking struct {
	Reason string `json:"reason"`
}

// handleUnmask shows one recipient, by ID, unmasked, to a role that sees
// them masked in the coverage; the unmasking is on the timeline first.
func (s *server) handleUnmask() http.Handler {
	return call(s, func(r *http.Request, in unmasking) (*leakdesk.Recipient, error) {
		id, err := strconv.ParseInt(r.PathValue("recipient"), 10, 64)
		if err != nil || id <= 0 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid recipient %q: want the id the coverage shows", r.PathValue("recipient"))
		}
		return s.cfg.Campaigns.Unmask(r.Context(), incidentID(r), id, in.Reason, principal(r).String())
	})
}

// contact is the body of POST .../contacts, as notify log-contact's flags.
type contact struct {
	Recipient string    `json:"recipient"` // its key or e-mail address
	Channel   string    `json:"channel"`
	Outcome   string    `json:"outcome"`
	Note      string    `json:"note,omitempty"`
	At        time.Time `json:"at,omitzero"`
}

// handleLogContact records a call, letter or meeting, or a waiver, which
// the two-person rule may hold (202).
func (s *server) handleLogContact() http.Handler {
	return call(s, func(r *http.Request, in contact) (any, error) {
		logged, err := s.cfg.Campaigns.LogContact(r.Context(), notify.Contact{Incident: incidentID(r), Recipient: in.Recipient,
			Channel: in.Channel, Outcome: in.Outcome, Note: in.Note, Actor: principal(r).String(), At: in.At})
		if err != nil {
			return nil, err
		}
		if logged.Held != nil {
			return held{logged.Held}, nil
		}
		return logged.Attempt, nil
	})
}
