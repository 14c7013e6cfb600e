package http

import (
	"net/http"
	"strconv"

	"github.com/leakdesk/leakdesk"
)

// The affected organisations' portal. Each page is reached by the link's
// secret alone: the incident and the organisation come from the stored
// link, and no path or query parameter names either, so that nothing a
// visitor changes in the address can show another organisation. Every
// refusal is the same page, whatever the reason, and names nobody.

// portalPage is what the portal view shows.
type portalPage struct {
	View   *leakdesk.PortalView
	Action string // the page's own path, where its forms post
	Error  string // why a question was not recorded
	Done   string // what was just recorded
}

// handlePortal shows an organisation's page. Opening it records nothing:
// mail scanners open links too.
func (s *server) handlePortal() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		link, ok := s.openPortal(w, r)
		if !ok {
			return
		}
		var done string
		switch r.URL.Query().Get("done") {
		case "ack":
			done = "Thank you: your confirmation is recorded."
		case "question":
			done = "Your question is recorded; the answer will appear on this page, and be e-mailed to the person you chose, if any."
		}
		s.renderPortal(w, r, link, http.StatusOK, "", done)
	})
}

// handlePortalAck records that the organisation read its page, once.
func (s *server) handlePortalAck() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		link, ok := s.openPortal(w, r)
		if !ok {
			return
		}
		recorded, err := s.cfg.Portal.AcknowledgePortal(r.Context(), link)
		if err != nil {
			s.portalRefusal(w, err)
			return
		}
		s.log.Info("portal acknowledged", "incident", link.IncidentID, "org", link.OrgID, "again", !recorded)
		http.Redirect(w, r, portalPath(r)+"?done=ack", http.StatusSeeOther)
	})
}

// handlePortalQuestion records a question, which becomes a task in the
// console.
func (s *server) handlePortalQuestion() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		link, ok := s.openPortal(w, r)
		if !ok {
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 4*leakdesk.MaxQuestionLength)
		replyTo, _ := strconv.ParseInt(r.PostFormValue("reply_to"), 10, 64)
		_, err := s.cfg.Portal.AskQuestion(r.Context(), link, leakdesk.QuestionRequest{
			Text: r.PostFormValue("question"), ReplyTo: replyTo, ReplyAddress: r.PostFormValue("reply_address")})
		switch {
		case leakdesk.ErrorCode(err) == leakdesk.EINVALID:
			s.renderPortal(w, r, link, http.StatusBadRequest, leakdesk.ErrorMessage(err), "")
			return
		case err != nil:
			s.portalRefusal(w, err)
			return
		}
		s.log.Info("portal question", "incident", link.IncidentID, "org", link.OrgID)
		http.Redirect(w, r, portalPath(r)+"?done=question#questions", http.StatusSeeOther)
	})
}

// openPortal returns the link of the request's secret, or answers with
// the refusal page.
func (s *server) openPortal(w http.ResponseWriter, r *http.Request) (*leakdesk.PortalLink, bool) {
	if s.cfg.Portal == nil {
		s.portalRefusal(w, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server has no portal"))
		return nil, false
	}
	link, err := s.cfg.Portal.OpenPortal(r.Context(), r.PathValue("secret"))
	if err != nil {
		s.portalRefusal(w, err)
		return nil, false
	}
	return link, true
}

func (s *server) renderPortal(w http.ResponseWriter, r *http.Request, link *leakdesk.PortalLink, status int, problem, done string) {
	view, err := s.cfg.Portal.PortalPage(r.Context(), link)
	if err != nil {
		s.portalRefusal(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	render(w, s.log, s.tmpl, status, "portal.html", portalPage{View: view, Action: portalPath(r), Error: problem, Done: done})
}

// portalPath is the page's own path, rebuilt from the secret alone.
func portalPath(r *http.Request) string { return "/portal/" + r.PathValue("secret") }

// portalRefusal shows the one refusal page. Its status says what kind of
// failure it was; its text says nothing of any incident or organisation.
func (s *server) portalRefusal(w http.ResponseWriter, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("portal", "error", err)
	}
	w.Header().Set("Cache-Control", "no-store")
	render(w, s.log, s.tmpl, status, "portal_refused.html", nil)
}
