package leakdesk

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Event kinds written by leakdesk itself. Other packages add their own.
const (
	EventIncidentOpened    = "incident.opened"
	EventIncidentClosed    = "incident.closed"
	EventAwarenessSet      = "incident.awareness_set"
	EventIncidentConfirmed = "incident.confirmed"
	EventNote              = "note"
	EventEvidenceAdded     = "evidence.added"
	EventEvidenceRead      = "evidence.read"
	EventEvidenceVerified  = "evidence.verified"
	EventEvidenceShredded  = "evidence.shredded"
	// Written by the commands of the engines, read by the status page.
	EventAssessmentConfirmed = "assessment.confirmed"
	EventTraceRanked         = "trace.ranked"
	EventFingerprintTraced   = "trace.fingerprint"
)

// Event is one entry of an incident's append-only timeline.
//
// OccurredAt is when the thing happened in the world; RecordedAt is when it
// was entered. Responders often learn of things hours later, and regulators
// ask for both.
type Event struct {
	IncidentID int64           `json:"-"`
	Seq        int64           `json:"seq"`
	Actor      string          `json:"actor"`
	Kind       string          `json:"kind"`
	Details    json.RawMessage `json:"details"`
	OccurredAt time.Time       `json:"occurred_at"`
	RecordedAt time.Time       `json:"recorded_at"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// Validate reports the first problem with an event about to be appended.
func (ev *Event) Validate() error {
	switch {
	case ev.IncidentID <= 0:
		return Errorf(EINVALID, "event has no incident")
	case strings.TrimSpace(ev.Actor) == "":
		return Errorf(EINVALID, "event actor is required")
	case strings.TrimSpace(ev.Kind) == "":
		return Errorf(EINVALID, "event kind is required")
	case ev.OccurredAt.IsZero():
		return Errorf(EINVALID, "event occurred_at is required")
	case len(ev.Details) > 0 && !json.Valid(ev.Details):
		return Errorf(EINVALID, "event details are not valid JSON")
	}
	return nil
}

// NewEvent builds an event whose details are v encoded as JSON.
func NewEvent(incidentID int64, actor, kind string, occurredAt time.Time, v any) *Event {
	details, err := json.Marshal(v)
	if err != nil {
		// Details are built by leakdesk from plain values; failing here is a bug.
		panic("leakdesk: event details: " + err.Error())
	}
	return &Event{IncidentID: incidentID, Actor: actor, Kind: kind, OccurredAt: occurredAt, Details: details}
}

// TimePrecision is the precision kept for stored times. PostgreSQL keeps
// microseconds, so every store truncates to them: a hash computed before
// storing must equal the one recomputed after reading back.
const TimePrecision = time.Microsecond

// CanonicalTime is the fixed-width form of a time used in hashes and in the
// SQLite store, where it also sorts correctly as text.
func CanonicalTime(t time.Time) string {
	return t.UTC().Truncate(TimePrecision).Format("2006-01-02T15:04:05.000000Z")
}

// ComputeHash returns the SHA-256 that chains ev to the event before it.
// Every field a reader relies on is covered, including the sequence number,
// so that editing, reordering or deleting an event changes some hash.
func (ev *Event) ComputeHash() string {
	h := sha256.New()
	for _, field := range []string{
		"leakdesk-event-v1",
		strconv.FormatInt(ev.IncidentID, 10),
		strconv.FormatInt(ev.Seq, 10),
		ev.Actor,
		ev.Kind,
		string(ev.Details),
		CanonicalTime(ev.OccurredAt),
		CanonicalTime(ev.RecordedAt),
		ev.PrevHash,
	} {
		// Length-prefixing makes the encoding unambiguous whatever the fields hold.
		h.Write([]byte(strconv.Itoa(len(field))))
		h.Write([]byte{':'})
		h.Write([]byte(field))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ChainReport is the result of verifying a timeline.
type ChainReport struct {
	Events int64 `json:"events"`
	OK     bool  `json:"ok"`
	// FirstBadSeq is the first event whose stored data no longer matches
	// its hash or its place in the chain; 0 when OK.
	FirstBadSeq int64  `json:"first_bad_seq,omitempty"`
	Problem     string `json:"problem,omitempty"`
	// Disagreements are the side-table rows that say something the
	// timeline does not (see Record.Disagreements).
	Disagreements []Disagreement `json:"disagreements,omitempty"`
	// Personal says what became of the personal values the events refer
	// to; nil when the chain itself is broken.
	Personal *PersonalReport `json:"personal,omitempty"`
}

// VerifyChain checks that events form an unbroken chain ending at the head
// recorded on the incident.
func VerifyChain(inc *Incident, events []*Event) *ChainReport {
	report := &ChainReport{Events: int64(len(events)), OK: true}
	fail := func(seq int64, format string, args ...any) *ChainReport {
		report.OK, report.FirstBadSeq, report.Problem = false, seq, Errorf(EINTEGRITY, format, args...).Message
		return report
	}
	prev := ""
	for i, ev := range events {
		want := int64(i + 1)
		switch {
		case ev.Seq != want:
			return fail(want, "event %d is missing (found event %d in its place)", want, ev.Seq)
		case ev.PrevHash != prev:
			return fail(ev.Seq, "event %d does not link to the event before it", ev.Seq)
		case ev.ComputeHash() != ev.Hash:
			return fail(ev.Seq, "event %d was altered after it was recorded", ev.Seq)
		}
		prev = ev.Hash
	}
	switch n := int64(len(events)); {
	case n < inc.EventCount:
		return fail(n+1, "the timeline ends at event %d but the incident records %d events: events were removed", n, inc.EventCount)
	case n > inc.EventCount || prev != inc.HeadHash:
		return fail(inc.EventCount+1, "the timeline does not end where the incident records its head: events were added or replaced outside leakdesk")
	}
	return report
}

// EventFact records a fact about an incident that reports and notices
// draw on ("dpo", "measures", ...). A later fact with the same key wins.
const EventFact = "fact"

// PublicFacts returns the latest value of each fact whose latest record
// is marked public: a fact recorded again without the mark is withdrawn
// from the portal.
func PublicFacts(events []*Event) map[string]string {
	facts := map[string]string{}
	for _, ev := range events {
		if ev.Kind != EventFact {
			continue
		}
		var f FactPayload
		switch {
		case json.Unmarshal(ev.Details, &f) != nil || f.Key == "":
		case f.Public:
			facts[f.Key] = f.Value
		default:
			delete(facts, f.Key)
		}
	}
	return facts
}

// Facts returns the latest value of each fact recorded in events.
func Facts(events []*Event) map[string]string {
	facts := map[string]string{}
	for _, ev := range events {
		if ev.Kind != EventFact {
			continue
		}
		var f FactPayload
		if json.Unmarshal(ev.Details, &f) == nil && f.Key != "" {
			facts[f.Key] = f.Value
		}
	}
	return facts
}
