package leakdesk

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Personal is a value about a person (a contact's note, a mail server's
// answer quoting an address, a question asked through the portal and its
// answer) that an event holds only by reference, so
// that it can be erased without breaking the hash chain.
//
// The event commits to Ref, the HMAC-SHA256 of the value keyed with a
// random salt of its own; the value and the salt sit in a separate table.
// Deleting both erases the value and leaves a hash that nothing can link
// back to it: the value cannot be confirmed by guessing, since the salt
// is gone too. An event written before references keeps its value inline
// (Ref is empty): its hash covers the value itself, so it cannot be erased.
type Personal struct {
	Ref   string // hex HMAC-SHA256 of Value under its salt; "" when inline
	Value string // the inline value, or the resolved one; "" once erased
}

// ErasedValue is shown where an erased value was.
const ErasedValue = "erased"

// personalKey is the JSON name of a reference: {"personal":"<hex>"}. It
// cannot be mistaken for an inline value, which is always a JSON string.
const personalKey = "personal"

// PersonalRef returns the reference that commits to value under salt.
func PersonalRef(salt []byte, value string) string {
	mac := hmac.New(sha256.New, salt)
	mac.Write([]byte(value))
	return hex.EncodeToString(mac.Sum(nil))
}

// OtherKeyPrefix starts the key of a recipient outside the registry.
const OtherKeyPrefix = "other:"

// otherKeyDigits is how much of the HMAC a key keeps: 64 bits, enough
// that two addresses of one incident do not collide.
const otherKeyDigits = 16

// OtherRecipientKey is the key of a recipient outside the registry, a
// pseudonym: OtherKeyPrefix and the start of the HMAC of their address
// (normalised: trimmed, lower case) under the incident's salt. Events name
// recipients by key, so the address itself must not be the key: once the
// salt is deleted, a guessed address can no longer be confirmed.
func OtherRecipientKey(salt []byte, email string) string {
	return OtherKeyPrefix + PersonalRef(salt, NormaliseAddress(email))[:otherKeyDigits]
}

// NormaliseAddress is an e-mail address as keys and look-ups compare it.
func NormaliseAddress(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Sealed says whether p is held by reference.
func (p Personal) Sealed() bool { return p.Ref != "" }

// MarshalJSON writes a reference as {"personal":"<hex>"} and an inline
// value as the string an older release wrote, byte for byte. A resolved
// value is never written: resolving changes no event.
func (p Personal) MarshalJSON() ([]byte, error) {
	if p.Sealed() {
		return json.Marshal(map[string]string{personalKey: p.Ref})
	}
	return json.Marshal(p.Value)
}

// UnmarshalJSON reads either form.
func (p *Personal) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) {
		*p = Personal{}
		return json.Unmarshal(b, &p.Value)
	}
	var ref map[string]string
	if err := json.Unmarshal(b, &ref); err != nil {
		return fmt.Errorf("personal value: want a string or {%q: hash}: %w", personalKey, err)
	}
	if len(ref) != 1 || !validRef(ref[personalKey]) {
		return fmt.Errorf("personal value: want {%q: 64 hex digits}", personalKey)
	}
	*p = Personal{Ref: ref[personalKey]}
	return nil
}

func validRef(ref string) bool {
	b, err := hex.DecodeString(ref)
	return err == nil && len(b) == sha256.Size && ref == hex.EncodeToString(b)
}

// PersonalValues are an incident's stored values, by reference.
type PersonalValues map[string]string

// Show returns what a reader may see of p: its value, or ErasedValue
// when the value is no longer stored.
func (v PersonalValues) Show(p Personal) string {
	if !p.Sealed() {
		return p.Value
	}
	if value, ok := v[p.Ref]; ok {
		return value
	}
	return ErasedValue
}

var personalRefJSON = regexp.MustCompile(`\{"` + personalKey + `":"([0-9a-f]{64})"\}`)

// ShowDetails returns an event's details for a reader, each reference
// replaced by its value or by "erased". The result is for display only:
// the hash covers the details as stored.
func (v PersonalValues) ShowDetails(details []byte) []byte {
	return personalRefJSON.ReplaceAllFunc(details, func(m []byte) []byte {
		shown, _ := json.Marshal(v.Show(Personal{Ref: string(personalRefJSON.FindSubmatch(m)[1])}))
		return shown
	})
}

// StoredPersonal is one row of the values table, as verify checks it.
type StoredPersonal struct {
	Salt  []byte
	Value string
}

// EventPersonalErased records the erasure of personal values: who, when,
// why and which references, never the values nor whose they were.
const EventPersonalErased = "personal.erased"

// Reasons for an erasure.
const (
	ErasedForSubject   = "subject"   // the person asked, or their record was corrected
	ErasedForRetention = "retention" // the retention period ended
)

// PersonalErasedPayload is the detail of EventPersonalErased.
type PersonalErasedPayload struct {
	Reason string     `json:"reason"`
	Refs   []string   `json:"refs"`            // the references whose value and salt were deleted
	Until  *time.Time `json:"until,omitempty"` // the end of the retention period, for a retention erasure
}

// Erasure is one erasure as verify reports it.
type Erasure struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Reason string    `json:"reason"`
	Values int       `json:"values"`
}

// PersonalReport says what verify found of an incident's personal values.
type PersonalReport struct {
	Held   int `json:"held"`   // stored, and matching the hash the timeline commits to
	Erased int `json:"erased"` // erased by a recorded erasure
	// Withheld counts references whose value this copy of the timeline
	// does not hold and no erasure names: a bundle holds no values, so it
	// cannot tell a held value from one deleted outside leakdesk.
	Withheld int `json:"withheld,omitempty"`
	// NotErasable counts values written inline by a release before
	// references: the event's hash covers them, so they stay.
	NotErasable int       `json:"not_erasable"`
	Erasures    []Erasure `json:"erasures,omitempty"`
	// Missing are references with no stored value and no erasure, and
	// Altered those whose stored value no longer matches: both mean the
	// values table was changed outside leakdesk.
	Missing []string `json:"missing,omitempty"`
	Altered []string `json:"altered,omitempty"`
}

// OK says whether every reference is either held intact or erased on record.
func (r *PersonalReport) OK() bool { return len(r.Missing) == 0 && len(r.Altered) == 0 }

// Problem describes the first problem found, "" when OK.
func (r *PersonalReport) Problem() string {
	switch {
	case len(r.Altered) > 0:
		return fmt.Sprintf("%d personal value(s) no longer match the hash their event commits to, the first %s", len(r.Altered), r.Altered[0])
	case len(r.Missing) > 0:
		return fmt.Sprintf("%d personal value(s) were deleted without a recorded erasure, the first %s", len(r.Missing), r.Missing[0])
	}
	return ""
}

// PersonalFields returns the personal values an event's payload holds.
func PersonalFields(p any) []Personal {
	switch p := p.(type) {
	case *ContactRecordedPayload:
		return []Personal{p.Note}
	case *DeliveryChangedPayload:
		return []Personal{p.Detail}
	case *PortalQuestionPayload:
		return []Personal{p.Text}
	case *PortalAnswerPayload:
		return []Personal{p.Answer}
	}
	return nil
}

// holdsPersonal says whether events of kind may hold personal values.
func holdsPersonal(kind string) bool {
	switch kind {
	case EventContactRecorded, EventAcknowledged, EventDeliveryChanged, EventPortalQuestion, EventPortalAnswer:
		return true
	}
	return false
}

// CheckPersonal checks each personal value events refer to against the
// stored rows, by reference, and sums up the erasures on record. It
// returns EINTEGRITY for an event that does not decode.
func CheckPersonal(events []*Event, stored map[string]StoredPersonal) (*PersonalReport, error) {
	report, refs, erased, err := personalOnRecord(events)
	if err != nil {
		return nil, err
	}
	for _, ref := range refs {
		s, ok := stored[ref]
		switch {
		case ok && PersonalRef(s.Salt, s.Value) == ref:
			report.Held++
		case ok:
			report.Altered = append(report.Altered, ref)
		case erased[ref]:
			report.Erased++
		default:
			report.Missing = append(report.Missing, ref)
		}
	}
	return report, nil
}

// SummarisePersonal sums up, from the events alone, the personal values
// they refer to and the erasures on record, for a copy of the timeline
// that holds no values (a bundle): a reference not erased is Withheld,
// since its value may be held only where the store is. It returns
// EINTEGRITY for an event that does not decode.
func SummarisePersonal(events []*Event) (*PersonalReport, error) {
	report, refs, erased, err := personalOnRecord(events)
	if err != nil {
		return nil, err
	}
	for _, ref := range refs {
		if erased[ref] {
			report.Erased++
		} else {
			report.Withheld++
		}
	}
	return report, nil
}

// personalOnRecord reads the events' references, the ones erasures name,
// and the erasures and inline values into a report still to be completed.
func personalOnRecord(events []*Event) (report *PersonalReport, refs []string, erased map[string]bool, err error) {
	report, erased = &PersonalReport{}, map[string]bool{}
	for _, ev := range events {
		if ev.Kind != EventPersonalErased && !holdsPersonal(ev.Kind) {
			continue
		}
		p, err := DecodePayload(ev)
		if err != nil {
			return nil, nil, nil, Errorf(EINTEGRITY, "event %d (%s) cannot be read back: %v", ev.Seq, ev.Kind, err)
		}
		if e, ok := p.(*PersonalErasedPayload); ok {
			for _, ref := range e.Refs {
				erased[ref] = true
			}
			report.Erasures = append(report.Erasures, Erasure{Seq: ev.Seq, At: ev.OccurredAt, Actor: ev.Actor, Reason: e.Reason, Values: len(e.Refs)})
			continue
		}
		for _, f := range PersonalFields(p) {
			switch {
			case f.Sealed():
				refs = append(refs, f.Ref)
			case f.Value != "":
				report.NotErasable++
			}
		}
	}
	return report, refs, erased, nil
}

// PersonalService erases the personal values of an incident.
type PersonalService interface {
	// ErasePersonal erases every value recorded about the recipient whose
	// key is subject, in the timeline's values and in the side tables, and
	// records the erasure; the outcome names the events that still mention
	// an erased value. Returns ENOTFOUND for an unknown incident or
	// recipient.
	ErasePersonal(ctx context.Context, incidentID int64, subject, actor string) (*ErasureOutcome, error)

	// ExpirePersonal erases every personal value of the incident once its
	// retention period has ended at until. Returns ENOTFOUND, or EINVALID
	// for a date still to come.
	ExpirePersonal(ctx context.Context, incidentID int64, until time.Time, actor string) (*ErasureOutcome, error)

	// PersonalValues returns the incident's stored values, by reference,
	// for readers to show. Returns ENOTFOUND.
	PersonalValues(ctx context.Context, incidentID int64) (PersonalValues, error)
}
