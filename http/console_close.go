package http

import (
	"net/http"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// closeIncident closes the incident for a reason, as POST /api/v1/.../close
// does: the incident service refuses while an obligation is outstanding
// and not waived (a field waive:OBLIGATION with the reason), and the
// two-person rule may hold the request for a second approval.
func (c *console) closeIncident() http.Handler {
	return c.act(leakdesk.ActionIncidentClose, "close", func(r *http.Request, p *leakdesk.Principal, id int64) (string, error) {
		reason, err := formText(r, "reason", "The reason the incident is closed", true)
		if err != nil {
			return "", err
		}
		waived := map[string]string{}
		for field, values := range r.PostForm {
			if obligation, ok := strings.CutPrefix(field, "waive:"); ok && strings.TrimSpace(values[0]) != "" {
				waived[obligation] = strings.TrimSpace(values[0])
			}
		}
		held, err := c.twoPersonRule().Hold(r.Context(), id, leakdesk.ActionIncidentClose, "close: "+reason, leakdesk.CloseRequest{Reason: reason, Waived: waived}, p.String())
		if err != nil {
			return "", err
		}
		if held != nil {
			return incidentPath(id, "?held=close"), nil
		}
		if err := c.deps.Incidents.CloseIncident(r.Context(), id, p.String(), reason, c.deps.Now(), waived); err != nil {
			return "", err
		}
		return incidentPath(id, ""), nil
	}, c.showIncident)
}

// twoPersonRule holds the console's actions that need a second approval.
func (c *console) twoPersonRule() leakdesk.TwoPersonRule {
	return leakdesk.TwoPersonRule{Approvals: c.deps.Approvals, Incidents: c.deps.Incidents, Notices: c.deps.Notices}
}
