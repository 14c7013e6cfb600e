package http

import (
	"html/template"
	"net/http"
)

// addRoutes lists every route the server answers.
func addRoutes(mux *http.ServeMux, cfg Config, tmpl *template.Template) {
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /ack/{token}", handleAckForm(cfg, tmpl))
	mux.Handle("POST /ack/{token}", handleAck(cfg, tmpl))
	mux.Handle("POST /api/reports", handleReports(cfg))
}

func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		encode(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}
