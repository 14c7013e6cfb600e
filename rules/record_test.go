package rules_test

import (
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
)

// TestReportStatesTheRecord: a report says whether the record it is drawn
// from holds, and what vouches for its times; a record in doubt is said
// in the report, not only by verify.
func TestReportStatesTheRecord(t *testing.T) {
	t.Parallel()
	r := load(t)
	k, err := r.ReportKind("gdpr-art33")
	if err != nil {
		t.Fatal(err)
	}
	field := func(rec *rules.RecordState, id string) string {
		t.Helper()
		in := reportInput(t, r)
		in.Record = rec
		rep, err := k.Build("en", in, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range rep.Sections {
			for _, f := range s.Fields {
				if f.ID == id {
					return f.Value
				}
			}
		}
		t.Fatalf("the report has no field %s", id)
		return ""
	}
	intact := &leakdesk.ChainReport{Events: 40, OK: true}
	cases := []struct {
		name      string
		rec       *rules.RecordState
		integrity string
		timestamp string
	}{
		{"not checked", nil, "Unknown", "Unknown"},
		{"unsigned", &rules.RecordState{Chain: intact}, "not signed", "No trusted timestamp"},
		{"signed without time", &rules.RecordState{Chain: intact, Signed: &leakdesk.SignedState{Size: 40, KeyID: "k1"}}, "signed up to event 40 (key k1)", "No trusted timestamp"},
		{"a side table edited", &rules.RecordState{Chain: &leakdesk.ChainReport{Events: 40, Problem: "1 row(s) of the side tables disagree with the timeline"}},
			"IN DOUBT: 1 row(s) of the side tables disagree", "No trusted timestamp"},
		{"a foreign signature", &rules.RecordState{Chain: intact, Signed: &leakdesk.SignedState{Size: 40, Problem: "checkpoint 1 is signed by another key"}},
			"IN DOUBT: checkpoint 1 is signed by another key", "No trusted timestamp"},
	}
	for _, c := range cases {
		if got := field(c.rec, "record_integrity"); !strings.Contains(got, c.integrity) {
			t.Errorf("%s: integrity %q, want it to say %q", c.name, got, c.integrity)
		}
		if got := field(c.rec, "record_timestamp"); !strings.Contains(got, c.timestamp) {
			t.Errorf("%s: timestamp %q, want it to say %q", c.name, got, c.timestamp)
		}
	}
}
