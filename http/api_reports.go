package http

import (
	"cmp"
	"net/http"
)

// handleDeliveryReports records the delivery reports of the body, one
// message (message/rfc822) or an mbox file of them, as "notify reports"
// does with files, and answers what it found in the same shape. Unlike
// POST /api/reports, the caller is an authenticated principal.
func (s *server) handleDeliveryReports() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := cmp.Or(r.URL.Query().Get("name"), "upload")
		res, err := s.cfg.Campaigns.ReadReportsFrom(r.Context(), name, r.Body, maxReportUpload)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		encode(w, http.StatusOK, res)
	})
}

// maxReportUpload bounds an upload of delivery reports: an mbox of a
// campaign's bounces, not a whole mail store.
const maxReportUpload = 64 << 20
