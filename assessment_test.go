package leakdesk_test

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// storedEvent reads an event as the store keeps it: details are the exact
// bytes that were hashed.
func storedEvent(t *testing.T, path string) *leakdesk.Event {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		IncidentID int64     `json:"incident_id"`
		Seq        int64     `json:"seq"`
		Actor      string    `json:"actor"`
		Kind       string    `json:"kind"`
		Details    string    `json:"details"` // as stored
		OccurredAt time.Time `json:"occurred_at"`
		RecordedAt time.Time `json:"recorded_at"`
		PrevHash   string    `json:"prev_hash"`
		Hash       string    `json:"hash"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	return &leakdesk.Event{IncidentID: raw.IncidentID, Seq: raw.Seq, Actor: raw.Actor, Kind: raw.Kind, Details: []byte(raw.Details),
		OccurredAt: raw.OccurredAt, RecordedAt: raw.RecordedAt, PrevHash: raw.PrevHash, Hash: raw.Hash}
}

// An assessment confirmed by the release before payloads were typed still
// verifies, reads into AssessmentConfirmed, and encodes to the same JSON.
func TestAssessmentConfirmedReadsOldTimelines(t *testing.T) {
	t.Parallel()
	ev := storedEvent(t, "testdata/assessment_confirmed_v1.json")
	if ev.ComputeHash() != ev.Hash {
		t.Fatal("the fixture's hash does not verify: it was not stored as written")
	}
	got, as, err := leakdesk.LatestAssessment([]*leakdesk.Event{{Kind: leakdesk.EventNote, Details: []byte(`{}`)}, ev})
	if err != nil {
		t.Fatal(err)
	}
	s := as.Severity
	if got != ev || s.Score != 4 || s.Band != "very-high" || !s.Authority.Notify || s.Authority.Decision() != "notify" ||
		!s.Input.DPC.Set || s.Input.DPC.Reason != "admin passwords" || as.Findings.Persons == 0 || len(as.Findings.Sources) != 1 {
		t.Fatalf("read %+v", as)
	}
	again, err := json.Marshal(as)
	if err != nil {
		t.Fatal(err)
	}
	var before, after any
	if err := json.Unmarshal(ev.Details, &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(again, &after); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("the typed payload encodes differently:\nstored %s\nnow    %s", ev.Details, again)
	}
}

func TestLatestAssessment(t *testing.T) {
	t.Parallel()
	confirmed := func(band string) *leakdesk.Event {
		return leakdesk.NewEvent(1, "alice", leakdesk.EventAssessmentConfirmed, time.Now(), leakdesk.AssessmentConfirmed{Severity: leakdesk.Severity{Band: band}})
	}
	if _, _, err := leakdesk.LatestAssessment(nil); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
		t.Fatalf("no assessment: %v, want ENOTFOUND", err)
	}
	_, as, err := leakdesk.LatestAssessment([]*leakdesk.Event{confirmed("low"), confirmed("high")})
	if err != nil || as.Severity.Band != "high" {
		t.Fatalf("latest = %+v, %v; want the high one", as, err)
	}
	bad := &leakdesk.Event{Seq: 3, Kind: leakdesk.EventAssessmentConfirmed, Details: []byte(`{"severity": 7}`)}
	if _, _, err := leakdesk.LatestAssessment([]*leakdesk.Event{confirmed("low"), bad}); err == nil || leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND {
		t.Fatalf("malformed latest assessment: %v, want an error", err)
	}
}

func TestProposalDecision(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p    leakdesk.Proposal
		want string
	}{
		{leakdesk.Proposal{Code: "authority.notify", Notify: true}, "notify"},
		{leakdesk.Proposal{Code: "subjects.undetermined"}, "undetermined"},
		{leakdesk.Proposal{Code: "authority.none"}, "no-notification"},
	} {
		if got := tc.p.Decision(); got != tc.want {
			t.Errorf("%s: Decision() = %s, want %s", tc.p.Code, got, tc.want)
		}
	}
}
