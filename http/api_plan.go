package http

import (
	"cmp"
	"net/http"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

// planning is the body of POST .../notices/plan and, with a recipient,
// of .../notices/preview: notify plan's and notify preview's flags.
type planning struct {
	Template  string `json:"template,omitempty"` // first when omitted
	Former    bool   `json:"former,omitempty"`
	Recipient string `json:"recipient,omitempty"` // preview: key or e-mail address
	Language  string `json:"language,omitempty"`  // preview: instead of the recipient's
	Message   string `json:"message,omitempty"`   // preview: an update's text
}

// previewRequest is what the body asks of the incident's campaigns.
func (s *server) previewRequest(r *http.Request, in planning) (notify.PreviewRequest, error) {
	if !s.cfg.Composes {
		return notify.PreviewRequest{}, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server composes no notices: start it with --from")
	}
	return notify.PreviewRequest{AudienceRequest: notify.AudienceRequest{Incident: incidentID(r), Former: in.Former},
		Template: cmp.Or(in.Template, "first"), Recipient: in.Recipient, Language: in.Language, Message: in.Message}, nil
}

// handlePlan shows who would get which notice and what cannot be sent,
// storing and sending nothing, as "leakdesk notify plan --format json". A
// plan that is not ready says why in problem and traps, in a 200 answer.
func (s *server) handlePlan() http.Handler {
	return call(s, func(r *http.Request, in planning) (*notify.Plan, error) {
		req, err := s.previewRequest(r, in)
		if err != nil {
			return nil, err
		}
		return s.cfg.Campaigns.Plan(r.Context(), req.AudienceRequest, req.Template)
	})
}

// handlePreview renders a notice for one recipient, as "leakdesk notify
// preview --format json".
func (s *server) handlePreview() http.Handler {
	return call(s, func(r *http.Request, in planning) (*notify.Preview, error) {
		req, err := s.previewRequest(r, in)
		if err != nil {
			return nil, err
		}
		return s.cfg.Campaigns.Preview(r.Context(), req)
	})
}
