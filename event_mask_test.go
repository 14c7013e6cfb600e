package leakdesk

import (
	"strings"
	"testing"
	"time"
)

// TestMaskEvent: the people an event names are masked, what is not
// personal is kept, and details of a kind with no payload type are
// withheld.
func TestMaskEvent(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name         string
		ev           *Event
		keep, hidden []string
	}{
		{"a contact with someone outside the registry",
			NewEvent(1, "leo", EventContactRecorded, at, ContactRecordedPayload{Channel: "phone", Outcome: "reached", Note: Personal{Value: "Jo Martin asked for a letter"}, Recipient: "other:jo.martin@client.example"}),
			[]string{`"channel":"phone"`, `"outcome":"reached"`, `other:j***@c***.example`}, []string{"Martin", "jo.martin"}},
		{"a contact with a registry contact keeps its ID",
			NewEvent(1, "leo", EventContactRecorded, at, ContactRecordedPayload{Channel: "letter", Outcome: "returned", Recipient: "C0042"}),
			[]string{`"recipient":"C0042"`, `"note":""`}, nil},
		{"a bounce quotes the address",
			NewEvent(1, "leakdesk", EventDeliveryChanged, at, DeliveryChangedPayload{Change: "bounced", Detail: Personal{Value: "550 <jo.martin@client.example>: user unknown"}, Recipient: "other:jo.martin@client.example", State: "bounced"}),
			[]string{`"state":"bounced"`}, []string{"jo.martin"}},
		{"a note held by reference shows only its salted hash",
			NewEvent(1, "leo", EventContactRecorded, at, ContactRecordedPayload{Channel: "phone", Outcome: "reached", Note: Personal{Ref: strings.Repeat("ab", 32)}, Recipient: "C0042"}),
			[]string{`"note":{"personal":"` + strings.Repeat("ab", 32) + `"}`}, nil},
		{"an unmasking keeps its reason",
			NewEvent(1, "leo", EventPersonalUnmasked, at, PersonalUnmaskedPayload{Reason: "the authority asks", Recipient: "other:jo.martin@client.example"}),
			[]string{"the authority asks"}, []string{"jo.martin"}},
		{"a note is the team's own",
			NewEvent(1, "leo", EventNote, at, NotePayload{Text: "the forum post is gone"}),
			[]string{"the forum post is gone"}, nil},
		{"an unknown kind is withheld",
			NewEvent(1, "leo", "approval.requested", at, map[string]string{"params": "jo.martin@client.example"}),
			nil, []string{"jo.martin"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			original := string(tc.ev.Details)
			m := MaskEvent(tc.ev)
			for _, s := range tc.keep {
				if !strings.Contains(string(m.Details), s) {
					t.Errorf("masked details %s lost %q", m.Details, s)
				}
			}
			for _, s := range tc.hidden {
				if strings.Contains(string(m.Details), s) {
					t.Errorf("masked details %s still hold %q", m.Details, s)
				}
			}
			if string(tc.ev.Details) != original || m.Kind != tc.ev.Kind || m.Actor != tc.ev.Actor {
				t.Errorf("masking changed the event it was given, or lost its kind or actor")
			}
		})
	}
}
