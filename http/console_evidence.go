package http

import (
	"net/http"

	"github.com/leakdesk/leakdesk"
)

// maxEvidenceUpload bounds an upload from the console's form. Larger
// leaks are added from the command line, which reads a path.
const maxEvidenceUpload = 4 << 30

// addEvidence stores a file uploaded from the incident page, streamed
// into the vault as the API's upload is.
func (c *console) addEvidence() http.Handler {
	return c.act(leakdesk.ActionEvidenceAdd, "evidence", func(r *http.Request, p *leakdesk.Principal, id int64) (string, error) {
		r.Body = http.MaxBytesReader(nil, r.Body, maxEvidenceUpload)
		e := &leakdesk.Evidence{IncidentID: id, AddedBy: p.String()}
		if err := streamEvidence(r, c.deps.Evidence, e); err != nil {
			return "", err
		}
		return incidentPath(id, "#evidence"), nil
	}, c.showIncident)
}
