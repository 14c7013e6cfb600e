// What a person states on an incident's timeline: facts and notes, each
// checked before it is recorded, whichever front end records it.

package leakdesk

import (
	"context"
	"strings"
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

// RecordNote appends the note text to the incident's timeline through svc
// as actor, dated at, when what it says happened. Returns EINVALID for an
// empty note, and whatever AppendEvent returns.
func RecordNote(ctx context.Context, svc IncidentService, incidentID int64, actor string, at time.Time, text string) (*Event, error) {
	if strings.TrimSpace(text) == "" {
		return nil, Errorf(EINVALID, "the note is empty")
	}
	ev := NewEvent(incidentID, actor, EventNote, at, NotePayload{Text: text})
	if err := svc.AppendEvent(ctx, ev); err != nil {
		return nil, err
	}
	return ev, nil
}
