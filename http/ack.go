package http

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/leakdesk/leakdesk"
)

// handleAckForm shows the acknowledgement page. Opening the link records
// nothing: mail scanners open links too. The person confirms with a button.
func handleAckForm(cfg Config, tmpl *template.Template) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := cfg.Tokens.Check(r.PathValue("token")); err != nil {
			render(w, cfg.Logger, tmpl, statusOf(err), "ack_invalid.html", nil)
			return
		}
		render(w, cfg.Logger, tmpl, http.StatusOK, "ack.html", map[string]string{"Action": r.URL.Path})
	})
}

// handleAck records the acknowledgement on the incident's timeline.
func handleAck(cfg Config, tmpl *template.Template) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ack, err := cfg.Tokens.Check(r.PathValue("token"))
		if err != nil {
			render(w, cfg.Logger, tmpl, statusOf(err), "ack_invalid.html", nil)
			return
		}
		err = cfg.Notices.RecordContact(r.Context(), &leakdesk.ContactAttempt{
			IncidentID: ack.Incident, RecipientID: ack.Recipient, Channel: "ack", Outcome: "acknowledged",
			Note: fmt.Sprintf("notice %d acknowledged through its link", ack.Notice), Actor: leakdesk.AckHandlerPrincipal().String(),
		})
		if err != nil {
			status := statusOf(err)
			if status == http.StatusInternalServerError {
				cfg.Logger.Error("record acknowledgement", "incident", ack.Incident, "error", err)
			}
			render(w, cfg.Logger, tmpl, status, "ack_invalid.html", nil)
			return
		}
		cfg.Logger.Info("acknowledged", "incident", ack.Incident, "recipient", ack.Recipient, "notice", ack.Notice)
		render(w, cfg.Logger, tmpl, http.StatusOK, "ack_done.html", nil)
	})
}
