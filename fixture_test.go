package leakdesk_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/leakdesk/leakdesk"
)

// readOldTimeline reads testdata/timeline-v1.json: a timeline as an earlier
// release wrote it, with the incident's head, so that the chain can be
// checked end to end.
func readOldTimeline(t *testing.T) (*leakdesk.Incident, []*leakdesk.Event) {
	t.Helper()
	data, err := os.ReadFile("testdata/timeline-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Incident struct {
			ID         int64  `json:"id"`
			EventCount int64  `json:"event_count"`
			HeadHash   string `json:"head_hash"`
		} `json:"incident"`
		Events []*leakdesk.Event `json:"events"`
	}
	if err := json.Unmarshal(data, &fixture); err != nil {
		t.Fatal(err)
	}
	inc := &leakdesk.Incident{ID: fixture.Incident.ID, EventCount: fixture.Incident.EventCount, HeadHash: fixture.Incident.HeadHash}
	for _, ev := range fixture.Events {
		ev.IncidentID = inc.ID
	}
	return inc, fixture.Events
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
