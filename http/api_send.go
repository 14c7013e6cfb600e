package http

import (
	"cmp"
	"net/http"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

// sending is the body of POST .../notices (notify send's flags) and of
// .../notices/updates (notify update's: message and translations).
type sending struct {
	Campaign     string            `json:"campaign,omitempty"` // required for a first notice; an update is named by its content without
	Template     string            `json:"template,omitempty"` // first, or update for an update
	Former       bool              `json:"former,omitempty"`
	Message      string            `json:"message,omitempty"`
	Translations map[string]string `json:"translations,omitempty"` // language: the update's text in it
}

// handleSend queues the first notice to the whole audience, or joins the
// campaign of the same name, as "notify send --format json" but without
// waiting: the answer is 202 with the campaign as queued, and the server
// sends it in the background (see notify.Dispatcher).
func (s *server) handleSend() http.Handler {
	return s.dispatch(func(in sending) (*leakdesk.Notice, error) {
		if strings.TrimSpace(in.Campaign) == "" {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "campaign is required: its name, which the same request uses to resume it")
		}
		if in.Message != "" || len(in.Translations) > 0 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "a first notice has no message: send an update to .../notices/updates")
		}
		return &leakdesk.Notice{Campaign: in.Campaign, Kind: leakdesk.NoticeFirst, Template: cmp.Or(in.Template, "first")}, nil
	})
}

// handleUpdate queues a follow-up, as "notify update --format json" but
// without waiting (see handleSend).
func (s *server) handleUpdate() http.Handler {
	return s.dispatch(func(in sending) (*leakdesk.Notice, error) {
		return &leakdesk.Notice{Campaign: in.Campaign, Kind: leakdesk.NoticeUpdate, Template: cmp.Or(in.Template, "update"),
			Message: in.Message, Translations: in.Translations}, nil
	})
}

// dispatch makes the handler that queues the notice that notice makes of
// the body.
func (s *server) dispatch(notice func(sending) (*leakdesk.Notice, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := s.queueNotice(w, r, notice)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		encode(w, http.StatusAccepted, res)
	})
}

func (s *server) queueNotice(w http.ResponseWriter, r *http.Request, notice func(sending) (*leakdesk.Notice, error)) (*notify.CampaignResult, error) {
	in, err := decode[sending](w, r)
	if err != nil {
		return nil, err
	}
	if s.cfg.Dispatcher == nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server sends no notices: start it with --from, and --smtp or --outbox")
	}
	n, err := notice(in)
	if err != nil {
		return nil, err
	}
	return s.cfg.Dispatcher.Send(r.Context(), notify.SendRequest{AudienceRequest: notify.AudienceRequest{Incident: incidentID(r), Former: in.Former},
		Notice: n, Actor: principal(r).String()})
}
