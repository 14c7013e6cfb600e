package leakdesk

import (
	"context"
	"time"
)

// RecordFact checks the fact f and appends it to the incident's timeline
// through svc as actor, dated at, when it became true. languages are those
// the notices come in, which a key's language suffix must be one of.
// Returns EINVALID, and whatever AppendEvent returns; nothing is recorded
// on error.
func RecordFact(ctx context.Context, svc IncidentService, incidentID int64, actor string, at time.Time, f FactPayload, languages []string) (*Event, error) {
	if err := CheckFact(f.Key, f.Value, languages); err != nil {
		return nil, err
	}
	ev := NewEvent(incidentID, actor, EventFact, at, f)
	if err := svc.AppendEvent(ctx, ev); err != nil {
		return nil, err
	}
	return ev, nil
}
