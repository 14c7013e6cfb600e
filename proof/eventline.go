package proof

import (
	"time"

	"github.com/leakdesk/leakdesk"
)

// EventLine is an event as the bundle and proofs write it: every field the
// event hash covers, byte for byte. Details stay a string, because
// re-encoding JSON could change the bytes that were hashed; times are in
// leakdesk.CanonicalTime form, as hashed.
type EventLine struct {
	IncidentID int64  `json:"incident_id"`
	Seq        int64  `json:"seq"`
	Actor      string `json:"actor"`
	Kind       string `json:"kind"`
	Details    string `json:"details"`
	OccurredAt string `json:"occurred_at"`
	RecordedAt string `json:"recorded_at"`
	PrevHash   string `json:"prev_hash"`
	Hash       string `json:"hash"`
}

// NewEventLine writes ev as a line.
func NewEventLine(ev *leakdesk.Event) EventLine {
	return EventLine{
		IncidentID: ev.IncidentID, Seq: ev.Seq, Actor: ev.Actor, Kind: ev.Kind, Details: string(ev.Details),
		OccurredAt: leakdesk.CanonicalTime(ev.OccurredAt), RecordedAt: leakdesk.CanonicalTime(ev.RecordedAt),
		PrevHash: ev.PrevHash, Hash: ev.Hash,
	}
}

// Event reads the line back.
func (l EventLine) Event() (*leakdesk.Event, error) {
	occurred, err1 := time.Parse(time.RFC3339Nano, l.OccurredAt)
	recorded, err2 := time.Parse(time.RFC3339Nano, l.RecordedAt)
	if err1 != nil || err2 != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "event %d has an unreadable time", l.Seq)
	}
	return &leakdesk.Event{
		IncidentID: l.IncidentID, Seq: l.Seq, Actor: l.Actor, Kind: l.Kind, Details: []byte(l.Details),
		OccurredAt: occurred, RecordedAt: recorded, PrevHash: l.PrevHash, Hash: l.Hash,
	}, nil
}
