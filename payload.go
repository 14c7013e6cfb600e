package leakdesk

import (
	"bytes"
	"encoding/json"
	"time"
)

// The payloads below are the details of each event kind leakdesk writes.
// Their JSON names are those of the timelines already recorded, and their
// fields are in the order of those names, so that an event written now is
// byte for byte what an earlier release wrote: old and new entries read
// and hash alike.

// IncidentOpenedPayload is the detail of EventIncidentOpened.
type IncidentOpenedPayload struct {
	AwareAt *time.Time `json:"aware_at"` // null when the awareness time was not known yet
	// CouldStartAt is, for a proposed incident, when the clock could have
	// started at the earliest: the leaked file's time.
	CouldStartAt *time.Time `json:"could_start_at,omitempty"`
	Country      string     `json:"country"`
	DiscoveredBy string     `json:"discovered_by"`
	// Proposed says that an alert opened the incident, for a person to
	// confirm (EventIncidentConfirmed).
	Proposed bool `json:"proposed,omitempty"`
	// RegimeFilesSHA256 are the digests of the regime files that replaced
	// the embedded ones, by regime.
	RegimeFilesSHA256 map[string]string `json:"regime_files_sha256,omitempty"`
	Regimes           []string          `json:"regimes"`
	Role              string            `json:"role"`
	TimeZone          string            `json:"time_zone"`
	Title             string            `json:"title"`
}

// IncidentConfirmedPayload is the detail of EventIncidentConfirmed: a
// person confirmed a proposed incident (the event's actor), keeping or
// correcting the awareness time the alert proposed.
type IncidentConfirmedPayload struct {
	AwareAt         time.Time  `json:"aware_at"`
	CouldStartAt    *time.Time `json:"could_start_at,omitempty"`
	ProposedAwareAt time.Time  `json:"proposed_aware_at"`
	Reason          string     `json:"reason,omitempty"`
}

// IncidentClosedPayload is the detail of EventIncidentClosed.
type IncidentClosedPayload struct {
	Reason string `json:"reason"`
	// Waived are the outstanding obligations and why each was not needed.
	Waived map[string]string `json:"waived,omitempty"`
}

// IncidentReopenedPayload is the detail of EventIncidentReopened.
type IncidentReopenedPayload struct {
	ClosedAt time.Time `json:"closed_at"` // when it had been closed
	Reason   string    `json:"reason"`
}

// AwarenessSetPayload is the detail of EventAwarenessSet.
type AwarenessSetPayload struct {
	AwareAt  time.Time  `json:"aware_at"`
	Previous *time.Time `json:"previous"` // null when there was none
	Reason   string     `json:"reason"`
}

// NotePayload is the detail of EventNote.
type NotePayload struct {
	Text string `json:"text"`
}

// FactPayload is the detail of EventFact.
type FactPayload struct {
	Key string `json:"key"`
	// Public marks a fact the affected organisations may read on their
	// portal pages. Absent, as in every fact recorded before the mark
	// existed, a fact is internal.
	Public bool   `json:"public,omitempty"`
	Value  string `json:"value"`
}

// EvidenceAddedPayload is the detail of EventEvidenceAdded.
type EvidenceAddedPayload struct {
	EvidenceID int64  `json:"evidence_id"`
	Filename   string `json:"filename"`
	Note       string `json:"note"`
	SHA256     string `json:"sha256"`
	Size       int64  `json:"size"`
	Source     string `json:"source"`
}

// EvidenceReadPayload is the detail of EventEvidenceRead.
type EvidenceReadPayload struct {
	EvidenceID int64  `json:"evidence_id"`
	Purpose    string `json:"purpose"`
	SHA256     string `json:"sha256"`
}

// EvidenceVerifiedPayload is the detail of EventEvidenceVerified.
type EvidenceVerifiedPayload struct {
	Checked int               `json:"checked"`
	Failed  []EvidenceFailure `json:"failed"` // null when every piece checked out
}

// EvidenceShreddedPayload is the detail of EventEvidenceShredded: the
// incident's data key was destroyed, so its evidence can no longer be read.
type EvidenceShreddedPayload struct {
	Blobs int `json:"blobs"` // blobs made unreadable
	// MasterKeyBlobs were stored before per-incident keys: still readable
	// with the master key, they are not shredded.
	MasterKeyBlobs int `json:"master_key_blobs"`
}

// EvidenceFailure is a piece of evidence that failed verification.
type EvidenceFailure struct {
	EvidenceID int64  `json:"evidence_id"`
	Problem    string `json:"problem"`
	SHA256     string `json:"sha256"`
}

// ObligationFiledPayload is the detail of EventObligationFiled.
type ObligationFiledPayload struct {
	DelayReason string   `json:"delay_reason"`
	FilingID    int64    `json:"filing_id"`
	Obligation  string   `json:"obligation"`
	Ref         string   `json:"ref"`
	Warnings    []string `json:"warnings,omitempty"`
}

// FindingsRecordedPayload is the detail of EventFindingsRecorded: counts
// only, since the findings themselves are kept in their own table.
type FindingsRecordedPayload struct {
	Contacts      int      `json:"contacts"`
	FindingsID    int64    `json:"findings_id"`
	Leaks         []string `json:"leaks"`
	MatchedRows   int64    `json:"matched_rows"`
	Organisations int      `json:"organisations"`
	Registry      string   `json:"registry"`
	Review        int      `json:"review"`
	Rows          int64    `json:"rows"`
}

// RecipientsAddedPayload is the detail of EventRecipientsAdded.
type RecipientsAddedPayload struct {
	Added   int `json:"added"`
	Updated int `json:"updated"`
}

// NoticeCreatedPayload is the detail of EventNoticeCreated.
type NoticeCreatedPayload struct {
	Campaign   string `json:"campaign"`
	Deliveries int    `json:"deliveries"`
	// FirstNoticesForNewRecipients counts the first notices an update
	// queued for recipients added since the first notice.
	FirstNoticesForNewRecipients int    `json:"first_notices_for_new_recipients"`
	Kind                         string `json:"kind"`
	Notice                       int64  `json:"notice"`
	Template                     string `json:"template"`
	WithoutAddress               int    `json:"without_address"`
}

// DeliveryChangedPayload is the detail of EventDeliveryChanged. A campaign
// writes one per message and per change.
type DeliveryChangedPayload struct {
	Attempt   int      `json:"attempt"`
	Change    string   `json:"change"` // the new state, "retry" when queued again, or "uncertain"
	Delivery  int64    `json:"delivery"`
	Detail    Personal `json:"detail"` // a mail server's answer may quote the address
	MessageID string   `json:"message_id"`
	Notice    int64    `json:"notice"`
	Recipient string   `json:"recipient"` // the recipient's key
	State     string   `json:"state"`
}

// ContactRecordedPayload is the detail of EventContactRecorded and of
// EventAcknowledged, which is a contact on the "ack" channel.
type ContactRecordedPayload struct {
	Channel   string   `json:"channel"`
	Note      Personal `json:"note"`
	Outcome   string   `json:"outcome"`
	Recipient string   `json:"recipient"` // the recipient's key
}

// newPayload returns a pointer to an empty payload of kind, or nil for a
// kind whose payload is not defined here. EventDeliveryReported has none:
// a delivery report is recorded as an EventDeliveryChanged.
func newPayload(kind string) any {
	switch kind {
	case EventIncidentOpened:
		return &IncidentOpenedPayload{}
	case EventIncidentConfirmed:
		return &IncidentConfirmedPayload{}
	case EventIncidentClosed:
		return &IncidentClosedPayload{}
	case EventIncidentReopened:
		return &IncidentReopenedPayload{}
	case EventAwarenessSet:
		return &AwarenessSetPayload{}
	case EventNote:
		return &NotePayload{}
	case EventFact:
		return &FactPayload{}
	case EventEvidenceAdded:
		return &EvidenceAddedPayload{}
	case EventEvidenceRead:
		return &EvidenceReadPayload{}
	case EventEvidenceVerified:
		return &EvidenceVerifiedPayload{}
	case EventEvidenceShredded:
		return &EvidenceShreddedPayload{}
	case EventObligationFiled:
		return &ObligationFiledPayload{}
	case EventFindingsRecorded:
		return &FindingsRecordedPayload{}
	case EventRecipientsAdded:
		return &RecipientsAddedPayload{}
	case EventNoticeCreated:
		return &NoticeCreatedPayload{}
	case EventDeliveryChanged:
		return &DeliveryChangedPayload{}
	case EventContactRecorded, EventAcknowledged:
		return &ContactRecordedPayload{}
	case EventAssessmentConfirmed:
		return &AssessmentConfirmed{}
	case EventTraceRanked:
		return &TraceRanked{}
	case EventFingerprintTraced:
		return &FingerprintTraced{}
	case EventLeakVerified:
		return &LeakVerifiedPayload{}
	case EventPersonalErased:
		return &PersonalErasedPayload{}
	case EventPortalLinkIssued, EventPortalLinkRevoked:
		return &PortalLinkPayload{}
	case EventPortalAcknowledged:
		return &PortalAcknowledgedPayload{}
	case EventPortalQuestion:
		return &PortalQuestionPayload{}
	case EventPortalAnswer:
		return &PortalAnswerPayload{}
	case EventPersonalUnmasked:
		return &PersonalUnmaskedPayload{}
	case EventDecoyAlarm:
		return &DecoyAlarmPayload{}
	case EventMatchRunFailed:
		return &MatchRunFailedPayload{}
	}
	return nil
}

// DecodePayload returns ev's details as a pointer to the payload type of
// its kind (*NotePayload for a note...). It returns ENOTFOUND for a kind
// with no payload type here, and EINVALID for details that do not fit
// their type, including a field the type does not know: a payload read
// through an outdated type would otherwise lose it without a word.
func DecodePayload(ev *Event) (any, error) {
	p := newPayload(ev.Kind)
	if p == nil {
		return nil, Errorf(ENOTFOUND, "event %d: no payload type for kind %q", ev.Seq, ev.Kind)
	}
	dec := json.NewDecoder(bytes.NewReader(ev.Details))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return nil, Errorf(EINVALID, "event %d (%s): details do not fit their payload: %v", ev.Seq, ev.Kind, err)
	}
	return p, nil
}
