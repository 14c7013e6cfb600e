// Package http serves leakdesk over HTTP: the acknowledgement links in
// notices, the delivery-report webhook, and health checks.
package http

import (
	"embed"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

//go:embed views/*.html
var views embed.FS

// Config holds what the server needs.
type Config struct {
	Logger  *slog.Logger
	Notices leakdesk.NoticeService
	Acks    *notify.Acknowledgements
	// WebhookToken, when set, enables POST /api/reports for delivery
	// reports, for callers that send it as a bearer token.
	WebhookToken string
}

// NewServer returns the handler for every route in routes.go. Views are
// parsed here, so that a broken one fails at start-up, not on a request.
func NewServer(cfg Config) (http.Handler, error) {
	tmpl, err := template.ParseFS(views, "views/*.html")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	addRoutes(mux, cfg, tmpl)
	return mux, nil
}

// encode writes v as JSON with status.
func encode[T any](w http.ResponseWriter, status int, v T) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// statusOf maps a leakdesk error code to an HTTP status.
func statusOf(err error) int {
	switch leakdesk.ErrorCode(err) {
	case leakdesk.EINVALID:
		return http.StatusBadRequest
	case leakdesk.ENOTFOUND:
		return http.StatusNotFound
	case leakdesk.ECONFLICT:
		return http.StatusConflict
	case leakdesk.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case leakdesk.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// render shows a view with status, and logs a failure once, here.
func render(w http.ResponseWriter, log *slog.Logger, tmpl *template.Template, status int, view string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	if err := tmpl.ExecuteTemplate(w, view, data); err != nil {
		log.Error("render view", "view", view, "error", err)
	}
}
