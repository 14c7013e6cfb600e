package http

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/leakdesk/leakdesk/notify"
)

// handleAckForm shows the acknowledgement page. Opening the link records
// nothing: mail scanners open links too. The person confirms with a button.
func handleAckForm(cfg Config, tmpl *template.Template) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := cfg.Acks.Check(r.Context(), r.PathValue("token")); err != nil {
			renderAckRefusal(w, cfg.Logger, tmpl, err)
			return
		}
		render(w, cfg.Logger, tmpl, http.StatusOK, "ack.html", map[string]string{"Action": r.URL.Path})
	})
}

// handleAck records the acknowledgement on the incident's timeline, once.
func handleAck(cfg Config, tmpl *template.Template) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ack, recorded, err := cfg.Acks.Acknowledge(r.Context(), r.PathValue("token"))
		if err != nil {
			renderAckRefusal(w, cfg.Logger, tmpl, err)
			return
		}
		cfg.Logger.Info("acknowledged", "incident", ack.Incident, "recipient", ack.Recipient, "notice", ack.Notice, "again", !recorded)
		render(w, cfg.Logger, tmpl, http.StatusOK, "ack_done.html", nil)
	})
}

// renderAckRefusal says why a link records nothing: it expired, or it is
// not valid.
func renderAckRefusal(w http.ResponseWriter, log *slog.Logger, tmpl *template.Template, err error) {
	var expired *notify.LinkExpiredError
	if errors.As(err, &expired) {
		render(w, log, tmpl, http.StatusGone, "ack_expired.html", map[string]string{"Date": expired.Expired.UTC().Format("2006-01-02")})
		return
	}
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		log.Error("acknowledgement", "error", err)
	}
	render(w, log, tmpl, status, "ack_invalid.html", nil)
}
