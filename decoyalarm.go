package leakdesk

import (
	"context"
	"database/sql"
	"slices"
	"time"
)

// EventDecoyAlarm records, on the incident a decoy alarm proposed, that a
// planted decoy was contacted.
const EventDecoyAlarm = "decoy.alarm"

// Decoy alarm channels: how the decoy was contacted.
const (
	AlarmByMail = "mail"
	AlarmByCall = "call"
)

// DecoyAlarm is a decoy contacted: mail to a decoy address or a call to a
// decoy number. Its JSON is also the body of the alarm's webhook.
type DecoyAlarm struct {
	// Key names the alarm, the same for the same message or call record
	// received again, so that it is recorded and sent once.
	Key    string   `json:"key"`
	Kind   string   `json:"kind"`   // the channel it came by: AlarmByMail or AlarmByCall
	Decoys []string `json:"decoys"` // the decoy addresses or numbers contacted
	// Evidence is the SHA-256 of the message or call record, kept in the
	// vault, and EvidenceSize its length.
	Evidence     string        `json:"evidence"`
	EvidenceSize int64         `json:"evidence_size"`
	Exports      []AlarmExport `json:"exports"` // the exports that carried the decoys, likeliest first
	At           time.Time     `json:"at"`
	Actor        string        `json:"actor"` // the principal running the desk that heard it
	// Incident is the proposed incident the alarm opened; zero until the
	// proposal is made, or when the desk proposes none.
	Incident int64 `json:"incident,omitempty"`
	// Shredded says when, by whom and why its evidence was destroyed;
	// nil while it is kept.
	Shredded *KeptFileShred `json:"shredded,omitempty"`
}

// AlarmExport is an export that carried a decoy contacted.
type AlarmExport struct {
	ID        string  `json:"export_id"`
	Recipient string  `json:"recipient"`
	Score     float64 `json:"score"`
}

// Validate reports the first problem with an alarm about to be recorded.
func (a *DecoyAlarm) Validate() error {
	switch {
	case a.Key == "":
		return Errorf(EINVALID, "a decoy alarm needs its key")
	case a.Kind != AlarmByMail && a.Kind != AlarmByCall:
		return Errorf(EINVALID, "a decoy alarm comes by %q or %q, not %q", AlarmByMail, AlarmByCall, a.Kind)
	case len(a.Decoys) == 0:
		return Errorf(EINVALID, "a decoy alarm names the decoys contacted")
	case len(a.Evidence) != 64:
		return Errorf(EINVALID, "a decoy alarm needs the SHA-256 of its evidence")
	case a.At.IsZero() || a.Actor == "":
		return Errorf(EINVALID, "a decoy alarm needs its time and the principal that heard it")
	}
	return nil
}

// EvidenceFile is how the alarm's message or call record is filed as
// evidence of the incident it proposes: the same content, by its hash.
func (a *DecoyAlarm) EvidenceFile() *Evidence {
	name, source := "decoy-call-"+a.Evidence[:12]+".txt", "decoy call webhook"
	if a.Kind == AlarmByMail {
		name, source = "decoy-mail-"+a.Evidence[:12]+".eml", "decoy mail server"
	}
	return &Evidence{SHA256: a.Evidence, Size: a.EvidenceSize, Filename: name, Source: source,
		Note: "raised decoy alarm " + a.Key}
}

// DecoyAlarmPayload is the detail of EventDecoyAlarm. It names the decoys
// by their count and the alarm's key, never by value: the values, which
// look like people's, are in the alarm's record.
type DecoyAlarmPayload struct {
	Alarm    string        `json:"alarm"`
	Decoys   int           `json:"decoys"`
	Evidence string        `json:"evidence"`
	Exports  []AlarmExport `json:"exports"`
	Kind     string        `json:"kind"`
}

// DecoyAlarmFilter selects alarms: those of an incident, and those that
// name any of Exports.
type DecoyAlarmFilter struct {
	Incident int64
	Exports  []string
}

// DecoyAlarmEnqueueFunc enqueues the jobs that send an alarm and propose
// its incident, in the transaction that records it.
type DecoyAlarmEnqueueFunc func(ctx context.Context, tx *sql.Tx) error

// DecoyAlarmService keeps decoy alarms.
type DecoyAlarmService interface {
	// RecordDecoyAlarm records a unless an alarm with its key is known,
	// and then runs enqueue in the same transaction; it reports whether
	// a was new. Otherwise a becomes the alarm on record. EINVALID.
	RecordDecoyAlarm(ctx context.Context, a *DecoyAlarm, enqueue DecoyAlarmEnqueueFunc) (bool, error)

	// FindDecoyAlarms lists the alarms f selects, newest first.
	FindDecoyAlarms(ctx context.Context, f DecoyAlarmFilter) ([]*DecoyAlarm, error)
}

// TracedExports lists the exports that an incident's trace rankings and
// fingerprint verdicts name, as recorded on its timeline: the alarms
// naming them concern the incident.
func TracedExports(events []*Event) ([]string, error) {
	var ids []string
	for _, ev := range events {
		if ev.Kind != EventTraceRanked && ev.Kind != EventFingerprintTraced {
			continue
		}
		p, err := DecodePayload(ev)
		if err != nil {
			return nil, err
		}
		switch p := p.(type) {
		case *TraceRanked:
			for _, c := range p.Top {
				if c.Export != nil {
					ids = append(ids, c.Export.ID)
				}
			}
		case *FingerprintTraced:
			for _, a := range append(p.Accused, p.Suspects...) {
				ids = append(ids, a.Export)
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// FindIncidentAlarms lists the decoy alarms that concern an incident: the
// ones it proposed, and those naming an export its trace names.
func FindIncidentAlarms(ctx context.Context, alarms DecoyAlarmService, events []*Event, incidentID int64) ([]*DecoyAlarm, error) {
	exports, err := TracedExports(events)
	if err != nil {
		return nil, err
	}
	return alarms.FindDecoyAlarms(ctx, DecoyAlarmFilter{Incident: incidentID, Exports: exports})
}
