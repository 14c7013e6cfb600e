package http

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

// maxReportBody bounds a posted delivery report.
const maxReportBody = 10 << 20

// handleReports takes a delivery status notification (the raw message, as
// a mail system's webhook forwards it) and records what it says.
func handleReports(cfg Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !webhookAuthorized(cfg, w, r) {
			return
		}
		reports, err := notify.ReadReport(http.MaxBytesReader(w, r.Body, maxReportBody))
		if err != nil {
			encode(w, statusOf(err), map[string]string{"error": leakdesk.ErrorMessage(err)})
			return
		}
		type result struct {
			MessageID string `json:"message_id"`
			State     string `json:"state"`
			Error     string `json:"error,omitempty"`
		}
		var out []result
		for _, rep := range reports {
			res := result{MessageID: rep.MessageID, State: rep.State()}
			if res.State != "" {
				if _, err := cfg.Notices.ReportDelivery(r.Context(), rep.MessageID, rep.Recipients(), res.State, rep.Detail()); err != nil {
					res.Error = leakdesk.ErrorMessage(err)
				}
			}
			out = append(out, res)
		}
		encode(w, http.StatusOK, map[string]any{"reports": out})
	})
}

// handleDecoyCalls takes a phone system's report of calls, which raises
// an alarm for each call to a decoy number.
func handleDecoyCalls(cfg Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cfg.DecoyCalls == nil {
			http.NotFound(w, r)
			return
		}
		if webhookAuthorized(cfg, w, r) {
			cfg.DecoyCalls.ServeHTTP(w, r)
		}
	})
}

// webhookAuthorized checks the bearer token of a system that posts to a
// webhook (a mail system's reports, a phone system's calls), answering
// 404 when no token enables webhooks and 401 for a wrong one.
func webhookAuthorized(cfg Config, w http.ResponseWriter, r *http.Request) bool {
	if cfg.WebhookToken == "" {
		http.NotFound(w, r)
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(cfg.WebhookToken)) != 1 {
		encode(w, http.StatusUnauthorized, map[string]string{"error": "a valid bearer token is required"})
		return false
	}
	return true
}
