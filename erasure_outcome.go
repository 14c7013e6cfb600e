package leakdesk

import (
	"encoding/json"
	"strings"
)

// ErasureOutcome is what an erasure did, and what it could not do: the
// events whose text people typed (facts, notes, reasons) and that still
// mention one of the erased values. Their hashes cover that text, so
// leakdesk reports them for a DPO to judge, and does not alter them.
type ErasureOutcome struct {
	PersonalErasedPayload
	Remaining []RemainingMention `json:"remaining"`
}

// RemainingMention is an event that still mentions an erased value. It
// says which event, not which value.
type RemainingMention struct {
	Seq  int64  `json:"seq"`
	Kind string `json:"kind"`
}

// shortestMention is the length below which a value is not searched for:
// a two-letter name would be found in every word of every note.
const shortestMention = 4

// EventsMentioning returns the events whose details hold one of values,
// compared without case. The details are decoded, so that a value is
// found however JSON escaped it.
func EventsMentioning(events []*Event, values []string) []RemainingMention {
	needles := mentionNeedles(values)
	found := []RemainingMention{}
	if len(needles) == 0 {
		return found
	}
	for _, ev := range events {
		if ev.Kind == EventPersonalErased {
			continue
		}
		var details any
		if err := json.Unmarshal(ev.Details, &details); err != nil {
			continue // not JSON: there is no typed text to search
		}
		if mentions(details, needles) {
			found = append(found, RemainingMention{Seq: ev.Seq, Kind: ev.Kind})
		}
	}
	return found
}

// TextMentions says whether text holds one of values, compared as
// EventsMentioning compares them.
func TextMentions(text string, values []string) bool {
	return mentions(text, mentionNeedles(values))
}

// mentionNeedles are the values worth searching for, in lower case.
func mentionNeedles(values []string) []string {
	var needles []string
	for _, v := range values {
		if v = strings.ToLower(strings.TrimSpace(v)); len([]rune(v)) >= shortestMention && v != strings.ToLower(ErasedValue) {
			needles = append(needles, v)
		}
	}
	return needles
}

// mentions says whether a string in v, a decoded JSON value, holds one of
// needles (lower case).
func mentions(v any, needles []string) bool {
	switch v := v.(type) {
	case string:
		lower := strings.ToLower(v)
		for _, n := range needles {
			if strings.Contains(lower, n) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if mentions(e, needles) {
				return true
			}
		}
	case map[string]any:
		for _, e := range v {
			if mentions(e, needles) {
				return true
			}
		}
	}
	return false
}
