package leakdesk_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

func chain(n int) (*leakdesk.Incident, []*leakdesk.Event) {
	inc := &leakdesk.Incident{ID: 7}
	var events []*leakdesk.Event
	prev := ""
	for i := range n {
		ev := leakdesk.NewEvent(7, "alice", leakdesk.EventNote, time.Date(2026, 3, 1, 10, i, 0, 0, time.UTC), map[string]any{"i": i})
		ev.Seq, ev.PrevHash, ev.RecordedAt = int64(i+1), prev, ev.OccurredAt.Add(time.Hour)
		ev.Hash = ev.ComputeHash()
		prev = ev.Hash
		events = append(events, ev)
	}
	inc.EventCount, inc.HeadHash = int64(n), prev
	return inc, events
}

func TestComputeHashCoversEveryField(t *testing.T) {
	t.Parallel()
	_, events := chain(1)
	base := events[0].ComputeHash()
	for name, mutate := range map[string]func(*leakdesk.Event){
		"incident": func(e *leakdesk.Event) { e.IncidentID++ },
		"seq":      func(e *leakdesk.Event) { e.Seq++ },
		"actor":    func(e *leakdesk.Event) { e.Actor = "mallory" },
		"kind":     func(e *leakdesk.Event) { e.Kind = "other" },
		"details":  func(e *leakdesk.Event) { e.Details = json.RawMessage(`{"i":1}`) },
		"occurred": func(e *leakdesk.Event) { e.OccurredAt = e.OccurredAt.Add(time.Microsecond) },
		"recorded": func(e *leakdesk.Event) { e.RecordedAt = e.RecordedAt.Add(time.Microsecond) },
		"prev":     func(e *leakdesk.Event) { e.PrevHash = "00" },
		// Moving bytes between fields must change the hash too.
		"shifted": func(e *leakdesk.Event) { e.Actor, e.Kind = "alicen", "ote" },
	} {
		ev := *events[0]
		mutate(&ev)
		if ev.ComputeHash() == base {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
	// Sub-microsecond differences are below the stored precision.
	ev := *events[0]
	ev.OccurredAt = ev.OccurredAt.Add(300 * time.Nanosecond)
	if ev.ComputeHash() != base {
		t.Error("hash depends on precision the stores do not keep")
	}
}

func TestVerifyChain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		tamper  func(inc *leakdesk.Incident, events []*leakdesk.Event) []*leakdesk.Event
		wantSeq int64
	}{
		{"intact", func(_ *leakdesk.Incident, e []*leakdesk.Event) []*leakdesk.Event { return e }, 0},
		{"edited", func(_ *leakdesk.Incident, e []*leakdesk.Event) []*leakdesk.Event {
			e[2].Details = json.RawMessage(`{"i":99}`)
			return e
		}, 3},
		{"edited and rehashed", func(_ *leakdesk.Incident, e []*leakdesk.Event) []*leakdesk.Event {
			e[1].Actor = "mallory"
			e[1].Hash = e[1].ComputeHash()
			return e
		}, 3},
		{"removed", func(_ *leakdesk.Incident, e []*leakdesk.Event) []*leakdesk.Event { return append(e[:1], e[2:]...) }, 2},
		{"truncated", func(_ *leakdesk.Incident, e []*leakdesk.Event) []*leakdesk.Event { return e[:3] }, 4},
		{"head moved", func(inc *leakdesk.Incident, e []*leakdesk.Event) []*leakdesk.Event {
			inc.HeadHash = e[2].Hash
			return e
		}, 5},
	}
	for _, tc := range tests {
		inc, events := chain(4)
		report := leakdesk.VerifyChain(inc, tc.tamper(inc, events))
		if report.OK != (tc.wantSeq == 0) || report.FirstBadSeq != tc.wantSeq {
			t.Errorf("%s: report %+v, want first bad %d", tc.name, report, tc.wantSeq)
		}
	}
}

func TestParseIncidentID(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"INC-0007": 7, "inc-7": 7, "7": 7, " INC-12345 ": 12345} {
		if got, err := leakdesk.ParseIncidentID(in); err != nil || got != want {
			t.Errorf("ParseIncidentID(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "INC-", "INC-x", "0", "-3", "INC-0"} {
		if _, err := leakdesk.ParseIncidentID(in); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("ParseIncidentID(%q) error = %v, want EINVALID", in, err)
		}
	}
	if got := leakdesk.FormatIncidentID(7); got != "INC-0007" {
		t.Errorf("FormatIncidentID(7) = %q", got)
	}
}

func FuzzParseIncidentID(f *testing.F) {
	for _, s := range []string{"INC-0007", "7", "inc-12", "INC-", "", "INC-99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := leakdesk.ParseIncidentID(s)
		if err != nil {
			if leakdesk.ErrorCode(err) != leakdesk.EINVALID {
				t.Fatalf("error with code %q", leakdesk.ErrorCode(err))
			}
			return
		}
		if id <= 0 {
			t.Fatalf("accepted %q as %d", s, id)
		}
		// What is printed parses back to the same incident.
		if back, err := leakdesk.ParseIncidentID(leakdesk.FormatIncidentID(id)); err != nil || back != id {
			t.Fatalf("round trip of %d: %d, %v", id, back, err)
		}
	})
}
