// Package oldtimeline reads testdata/timeline-v1.json, a timeline as an
// earlier release wrote it, for the tests that prove later releases still
// read and verify it.
package oldtimeline

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/leakdesk/leakdesk"
)

// Read returns the fixture at path: the incident with its recorded head,
// so that the chain can be checked end to end, and its events.
func Read(t testing.TB, path string) (*leakdesk.Incident, []*leakdesk.Event) {
	t.Helper()
	data, err := os.ReadFile(path)
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
