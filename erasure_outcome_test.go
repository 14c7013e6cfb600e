package leakdesk

import (
	"slices"
	"testing"
	"time"
)

func TestEventsMentioning(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	events := []*Event{
		NewEvent(1, "leo", EventNote, at, NotePayload{Text: "Called Jo.Martin@Client.example back"}),
		NewEvent(1, "leo", EventFact, at, FactPayload{Key: "circumstances.en", Value: "posted by <Jo Martin & co>"}),
		NewEvent(1, "leo", EventNote, at, NotePayload{Text: "nothing about anyone"}),
		NewEvent(1, "leo", EventPersonalErased, at, PersonalErasedPayload{Reason: "subject", Refs: []string{"jo martin"}}),
	}
	for i, ev := range events {
		ev.Seq = int64(i + 1)
	}
	for _, tc := range []struct {
		name   string
		values []string
		want   []int64
	}{
		{"address, without case", []string{"jo.martin@client.example"}, []int64{1}},
		{"a name JSON escapes", []string{"Jo Martin & co"}, []int64{2}},
		{"too short to search", []string{"Jo", ""}, nil},
		{"the erased marker is not a value", []string{ErasedValue}, nil},
		{"absent", []string{"Ann Lee"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []int64
			for _, m := range EventsMentioning(events, tc.values) {
				got = append(got, m.Seq)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("EventsMentioning(%q) = %v, want %v", tc.values, got, tc.want)
			}
		})
	}
}
