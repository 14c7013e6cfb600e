package leakdesk

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
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

// BenchmarkEventsMentioning is the search erase runs over a timeline of
// 10,000 notes, beside a plain byte search of the stored details, which
// is cheaper but misses a value JSON escaped.
func BenchmarkEventsMentioning(b *testing.B) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	var events []*Event
	size := 0
	for i := range 10_000 {
		ev := NewEvent(1, "leo", EventNote, at, NotePayload{Text: fmt.Sprintf("call %d with the customer's security team about the forum post", i)})
		events = append(events, ev)
		size += len(ev.Details)
	}
	values := []string{"Jo Martin", "jo.martin@client.example", "+33611223344", "Client SA"}
	b.Run("decoded", func(b *testing.B) {
		b.SetBytes(int64(size))
		for range b.N {
			if len(EventsMentioning(events, values)) != 0 {
				b.Fatal("found a value that is not there")
			}
		}
	})
	b.Run("bytes", func(b *testing.B) {
		b.SetBytes(int64(size))
		for range b.N {
			for _, ev := range events {
				lower := bytes.ToLower(ev.Details)
				for _, v := range values {
					if bytes.Contains(lower, []byte(strings.ToLower(v))) {
						b.Fatal("found a value that is not there")
					}
				}
			}
		}
	})
}
