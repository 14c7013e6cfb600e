package leakdesk_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/oldtimeline"
)

// readOldTimeline reads testdata/timeline-v1.json: a timeline as an earlier
// release wrote it, with the incident's head, so that the chain can be
// checked end to end.
func readOldTimeline(t *testing.T) (*leakdesk.Incident, []*leakdesk.Event) {
	t.Helper()
	return oldtimeline.Read(t, "testdata/timeline-v1.json")
}

func TestOldTimelineVerifies(t *testing.T) {
	t.Parallel()
	inc, events := readOldTimeline(t)
	if report := leakdesk.VerifyChain(inc, events); !report.OK || report.Events != 49 {
		t.Fatalf("the timeline of an earlier release no longer verifies: %+v", report)
	}
	// The check must be able to fail: one altered detail breaks the chain.
	altered := *events[9]
	altered.Details = json.RawMessage(`{"text":"Called nobody"}`)
	tampered := append([]*leakdesk.Event{}, events...)
	tampered[9] = &altered
	if report := leakdesk.VerifyChain(inc, tampered); report.OK || report.FirstBadSeq != 10 {
		t.Fatalf("an altered event went unnoticed: %+v", report)
	}
}

// TestOldTimelineDecodes: every event of the old timeline decodes into its
// typed payload and encodes back to the very same bytes: no field is lost,
// renamed or reordered, and an event written today is written as before.
// The kinds whose payloads other files define are checked once
// DecodePayload knows them.
func TestOldTimelineDecodes(t *testing.T) {
	t.Parallel()
	_, events := readOldTimeline(t)
	decoded := map[string]bool{}
	for _, ev := range events {
		p, err := leakdesk.DecodePayload(ev)
		if err != nil {
			t.Errorf("event %d: %v", ev.Seq, err)
			continue
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, ev.Details) {
			t.Errorf("event %d (%s) changed through its payload:\n was %s\n now %s", ev.Seq, ev.Kind, ev.Details, again)
		}
		decoded[ev.Kind] = true
	}
	for _, kind := range []string{
		leakdesk.EventIncidentOpened, leakdesk.EventIncidentClosed, leakdesk.EventIncidentReopened, leakdesk.EventAwarenessSet,
		leakdesk.EventNote, leakdesk.EventFact, leakdesk.EventEvidenceAdded, leakdesk.EventEvidenceRead, leakdesk.EventEvidenceVerified,
		leakdesk.EventObligationFiled, leakdesk.EventFindingsRecorded, leakdesk.EventRecipientsAdded, leakdesk.EventNoticeCreated,
		leakdesk.EventDeliveryChanged, leakdesk.EventContactRecorded, leakdesk.EventAcknowledged,
	} {
		if !decoded[kind] {
			t.Errorf("the old timeline has no %s event that decoded", kind)
		}
	}
}

func TestDecodePayloadRefusesUnknownFields(t *testing.T) {
	t.Parallel()
	ev := &leakdesk.Event{Seq: 3, Kind: leakdesk.EventNote, Details: json.RawMessage(`{"text":"hello","mood":"calm"}`)}
	if _, err := leakdesk.DecodePayload(ev); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
		t.Errorf("a field the payload does not know: %v, want EINVALID", err)
	}
	ev = &leakdesk.Event{Seq: 4, Kind: "plugin.something", Details: json.RawMessage(`{}`)}
	if _, err := leakdesk.DecodePayload(ev); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
		t.Errorf("a kind without a payload type: %v, want ENOTFOUND", err)
	}
}
