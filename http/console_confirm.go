package http

import (
	"net/http"

	"github.com/leakdesk/leakdesk"
)

// confirmIncident confirms an incident that an alert proposed, as POST
// /api/v1/.../confirm does: kept at the alert's time it is one step;
// corrected, it moves the start of the legal clocks, so the two-person
// rule may hold it for a second approval.
func (c *console) confirmIncident() http.Handler {
	return c.act(leakdesk.ActionIncidentAware, "confirm", func(r *http.Request, p *leakdesk.Principal, id int64) (string, error) {
		at, err := formTime(r, "aware_at", "The corrected awareness time")
		if err != nil {
			return "", err
		}
		reason, err := formText(r, "reason", "The reason for the corrected time", !at.IsZero())
		if err != nil {
			return "", err
		}
		held, err := c.twoPersonRule().Confirm(r.Context(), id, at, reason, p.String())
		if err != nil {
			return "", err
		}
		if held != nil {
			return incidentPath(id, "?held=confirm"), nil
		}
		return incidentPath(id, ""), nil
	}, c.showIncident)
}
