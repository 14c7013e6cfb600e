package leakdesk_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// TestDecoyAlarmEventKeepsItsFieldOrder: the alarm's event is written with
// its keys, and its exports' keys, in alphabetical order, and reads back
// whole as its typed payload.
func TestDecoyAlarmEventKeepsItsFieldOrder(t *testing.T) {
	t.Parallel()
	p := leakdesk.DecoyAlarmPayload{Alarm: "decoy-0123456789abcdef", Decoys: 2, Evidence: strings.Repeat("e", 64), Kind: leakdesk.AlarmByCall,
		Exports: []leakdesk.AlarmExport{{ID: "FX-1", Recipient: "team-1", Score: 3.5}}}
	ev := leakdesk.NewEvent(1, "local:desk", leakdesk.EventDecoyAlarm, time.Now(), p)
	var exports struct{ Exports []json.RawMessage }
	json.Unmarshal(ev.Details, &exports)
	for _, obj := range append(exports.Exports, ev.Details) {
		if keys := keyOrder(t, obj); !slices.IsSorted(keys) || len(keys) < 3 {
			t.Errorf("keys %q are not in alphabetical order", keys)
		}
	}
	got, err := leakdesk.DecodePayload(ev)
	if a, ok := got.(*leakdesk.DecoyAlarmPayload); err != nil || !ok || a.Alarm != p.Alarm || a.Exports[0] != p.Exports[0] {
		t.Errorf("read back as %+v (%v)", got, err)
	}
}

// TestTracedExportsNamesTheExportsOfRankingsAndVerdicts: the alarms that
// concern an incident are found by the exports its trace names, once
// each, from rankings (the export log's ID) and fingerprint verdicts.
func TestTracedExportsNamesTheExportsOfRankingsAndVerdicts(t *testing.T) {
	t.Parallel()
	now := time.Now()
	events := []*leakdesk.Event{
		leakdesk.NewEvent(1, "a", leakdesk.EventNote, now, leakdesk.NotePayload{Text: "FX-9 mentioned in a note"}),
		leakdesk.NewEvent(1, "a", leakdesk.EventTraceRanked, now, leakdesk.TraceRanked{Leak: "l", Verdict: "source",
			Top: []leakdesk.RankedCandidate{{File: "a.csv", Export: &leakdesk.ExportLogEntry{ID: "EXP-4"}}, {File: "b.csv"}}}),
		leakdesk.NewEvent(1, "a", leakdesk.EventFingerprintTraced, now, leakdesk.FingerprintTraced{Leak: "l", Verdict: "accused",
			Accused: []leakdesk.AccusedRecipient{{Export: "FX-2"}}, Suspects: []leakdesk.AccusedRecipient{{Export: "FX-1"}, {Export: "FX-2"}}}),
	}
	got, err := leakdesk.TracedExports(events)
	if err != nil || strings.Join(got, ",") != "EXP-4,FX-1,FX-2" {
		t.Errorf("traced exports %v (%v), want EXP-4, FX-1, FX-2", got, err)
	}
}
