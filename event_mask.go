package leakdesk

import (
	"encoding/json"
	"strings"
)

// MaskEvent returns a copy of ev for a role that does not see personal
// data (see SeesPersonalData): the details of people it names are masked
// as the coverage masks them, and the details of a kind this package has
// no payload type for are withheld, since nothing says what they hold.
// The hashes are left as stored, so a masked timeline no longer verifies
// against them: that needs the unmasked one.
func MaskEvent(ev *Event) *Event {
	m := *ev
	p, err := DecodePayload(ev)
	if err != nil {
		m.Details = nil
		return &m
	}
	switch p := p.(type) {
	case *ContactRecordedPayload:
		p.Recipient, p.Note = MaskRecipientKey(p.Recipient), maskedPersonal(p.Note)
	case *DeliveryChangedPayload:
		// A delivery report's detail quotes the address it was for.
		p.Recipient, p.Detail = MaskRecipientKey(p.Recipient), maskedPersonal(p.Detail)
	case *PersonalUnmaskedPayload:
		p.Recipient = MaskRecipientKey(p.Recipient)
	default:
		return &m
	}
	details, err := json.Marshal(p)
	if err != nil {
		m.Details = nil
		return &m
	}
	m.Details = details
	return &m
}

// MaskRecipientKey masks a recipient key that holds an address: the key
// of a recipient outside the registry, as releases before pseudonymous
// keys (OtherRecipientKey) wrote it. A contact ID or a pseudonym is kept.
func MaskRecipientKey(key string) string {
	if addr, ok := strings.CutPrefix(key, OtherKeyPrefix); ok && strings.Contains(addr, "@") {
		return OtherKeyPrefix + MaskEmail(addr)
	}
	return key
}

// maskedPersonal stands for free text written about a person, which
// cannot be masked word by word without knowing what in it is personal. A
// value held by reference shows only its salted hash, which reveals
// nothing, and is kept.
func maskedPersonal(p Personal) Personal {
	if p.Sealed() || p.Value == "" {
		return p
	}
	return Personal{Value: "(masked)"}
}
