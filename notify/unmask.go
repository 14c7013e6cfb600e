package notify

import (
	"context"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// Unmask returns one recipient of the incident's audience, by ID, with
// their contact details, for a principal whose role sees them masked.
// The unmasking is an event on the timeline naming actor and the reason,
// written before the record is returned: no record is shown unrecorded.
func (c *Campaigns) Unmask(ctx context.Context, incidentID, recipientID int64, reason, actor string) (*leakdesk.Recipient, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "say why the record is unmasked: the reason goes on the timeline")
	}
	list, err := c.deps.Notices.Recipients(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(list, func(r *leakdesk.Recipient) bool { return r.ID == recipientID })
	if i < 0 {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "no recipient %d in the audience of %s", recipientID, leakdesk.FormatIncidentID(incidentID))
	}
	rcpt := list[i]
	ev := leakdesk.NewEvent(incidentID, actor, leakdesk.EventPersonalUnmasked, c.deps.Now(), leakdesk.PersonalUnmaskedPayload{Reason: reason, Recipient: rcpt.Key})
	if err := c.deps.Incidents.AppendEvent(ctx, ev); err != nil {
		return nil, err
	}
	return rcpt, nil
}
