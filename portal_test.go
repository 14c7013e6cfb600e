package leakdesk

import (
	"maps"
	"strings"
	"testing"
	"time"
)

func TestPublicFacts(t *testing.T) {
	t.Parallel()
	fact := func(key, value string, public bool) *Event {
		return NewEvent(1, "lea", EventFact, time.Time{}, FactPayload{Key: key, Public: public, Value: value})
	}
	events := []*Event{
		fact("measures", "reset", true),
		fact("circumstances", "draft", true),
		fact("circumstances", "internal wording", false), // withdrawn
		fact("root_cause", "bucket", false),
		fact("dpo", "old", false),
		fact("dpo", "dpo@example.test", true), // published later
		NewEvent(1, "lea", EventNote, time.Time{}, NotePayload{Text: "not a fact"}),
	}
	want := map[string]string{"measures": "reset", "dpo": "dpo@example.test"}
	if got := PublicFacts(events); !maps.Equal(got, want) {
		t.Errorf("PublicFacts = %v, want %v", got, want)
	}
	if got := Facts(events); got["circumstances"] != "internal wording" || got["root_cause"] != "bucket" {
		t.Errorf("Facts = %v: the mark changed what the reports read", got)
	}
	// A fact recorded before the mark existed reads and hashes as it did.
	old := fact("measures", "reset", false)
	if string(old.Details) != `{"key":"measures","value":"reset"}` {
		t.Errorf("an unmarked fact is written %s", old.Details)
	}
}

func TestCheckQuestion(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		text string
		ok   bool
	}{
		{"Was our configuration in the leak?", true},
		{"", false},
		{" \n\t", false},
		{strings.Repeat("a", MaxQuestionLength), true},
		{strings.Repeat("a", MaxQuestionLength+1), false},
	} {
		if err := CheckQuestion(tt.text); (err == nil) != tt.ok || (err != nil && ErrorCode(err) != EINVALID) {
			t.Errorf("CheckQuestion(%d chars) = %v, want ok %v", len(tt.text), err, tt.ok)
		}
	}
}

func TestPortalLinkLive(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		link PortalLink
		live bool
	}{
		{PortalLink{ExpiresAt: now.Add(time.Hour)}, true},
		{PortalLink{ExpiresAt: now}, false},
		{PortalLink{ExpiresAt: now.Add(time.Hour), RevokedAt: now.Add(-time.Minute)}, false},
	} {
		if got := tt.link.Live(now); got != tt.live {
			t.Errorf("%+v: live %v, want %v", tt.link, got, tt.live)
		}
	}
}
