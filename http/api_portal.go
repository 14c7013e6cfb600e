package http

import (
	"context"
	"net/http"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

// portalLinkRequest is the body of POST .../portal/links, as the flags of
// "portal link": the organisation, and for how many days the link works.
type portalLinkRequest struct {
	Org  string `json:"org"`
	Days int    `json:"days,omitempty"`
}

// issuedPortalLink is a link with its address, shown this once, as
// "portal link --format json" prints it.
type issuedPortalLink struct {
	*leakdesk.PortalLink
	URL string `json:"url"`
}

func (s *server) portal() (leakdesk.PortalService, error) {
	if s.cfg.Portal == nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server has no portal")
	}
	return s.cfg.Portal, nil
}

// handleIssuePortalLink makes an organisation's link; its address is on
// the host the request came to, as the caller reaches the server.
func (s *server) handleIssuePortalLink() http.Handler {
	return call(s, func(r *http.Request, in portalLinkRequest) (*issuedPortalLink, error) {
		portal, err := s.portal()
		if err != nil {
			return nil, err
		}
		lifetime := leakdesk.DefaultPortalLifetime
		if in.Days != 0 {
			lifetime = time.Duration(in.Days) * 24 * time.Hour
		}
		link, secret, err := portal.IssuePortalLink(r.Context(), incidentID(r), in.Org, lifetime, principal(r).String())
		if err != nil {
			return nil, err
		}
		return &issuedPortalLink{link, absoluteURL(r, "/portal/"+secret)}, nil
	})
}

func (s *server) handleRevokePortalLink() http.Handler {
	return call(s, func(r *http.Request, _ none) (none, error) {
		portal, err := s.portal()
		if err != nil {
			return none{}, err
		}
		link, err := pathNumber(r, "link")
		if err != nil {
			return none{}, err
		}
		return none{}, portal.RevokePortalLink(r.Context(), incidentID(r), link, principal(r).String())
	})
}

func (s *server) handleQuestions() http.Handler {
	return call(s, func(r *http.Request, _ none) ([]*leakdesk.PortalQuestion, error) {
		portal, err := s.portal()
		if err != nil {
			return nil, err
		}
		return portal.Questions(r.Context(), incidentID(r))
	})
}

// answer is the body of POST .../questions/{question}/answer.
type answer struct {
	Answer string `json:"answer"`
}

func (s *server) handleAnswer() http.Handler {
	return call(s, func(r *http.Request, in answer) (*leakdesk.PortalQuestion, error) {
		portal, err := s.portal()
		if err != nil {
			return nil, err
		}
		question, err := pathNumber(r, "question")
		if err != nil {
			return nil, err
		}
		return answerQuestion(r.Context(), portal, s.cfg.Dispatcher, incidentID(r), question, in.Answer, principal(r).String())
	})
}

// answerQuestion records an answer: through the dispatcher, which mails
// it to whom the asker chose, when the server sends mail; otherwise only
// on the page.
func answerQuestion(ctx context.Context, portal leakdesk.PortalService, dispatcher *notify.Dispatcher, incident, question int64, text, actor string) (*leakdesk.PortalQuestion, error) {
	var mail *leakdesk.AnswerMail
	if dispatcher != nil {
		mail = dispatcher.AnswerMail(incident)
	}
	return portal.AnswerQuestion(ctx, incident, question, text, actor, mail)
}
