package leakdesk_test

import (
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// TestReadableTimeline: delivery changes become one summary per notice,
// at the place of its first change, counting each delivery by its latest
// state; every other event stays, in order.
func TestReadableTimeline(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	var events []*leakdesk.Event
	add := func(kind string, details any) {
		ev := leakdesk.NewEvent(1, "leakdesk", kind, t0.Add(time.Duration(len(events))*time.Minute), details)
		ev.Seq = int64(len(events) + 1)
		events = append(events, ev)
	}
	change := func(notice, delivery int64, state string) {
		add(leakdesk.EventDeliveryChanged, map[string]any{"notice": notice, "delivery": delivery, "state": state})
	}
	add(leakdesk.EventIncidentOpened, map[string]any{"title": "x"})
	add(leakdesk.EventNoticeCreated, map[string]any{"notice": 4, "campaign": "first-notice"})
	change(4, 1, leakdesk.DeliverySending)
	change(4, 2, leakdesk.DeliverySending)
	change(4, 1, leakdesk.DeliverySent)
	add(leakdesk.EventAcknowledged, map[string]any{"recipient": "a"})
	change(4, 2, leakdesk.DeliveryBounced)
	add(leakdesk.EventNoticeCreated, map[string]any{"notice": 5, "campaign": "update"})
	change(5, 3, leakdesk.DeliverySent)
	change(4, 1, leakdesk.DeliveryDone)

	got := leakdesk.ReadableTimeline(events)
	var kinds []string
	for _, e := range got {
		if e.Event != nil {
			kinds = append(kinds, e.Event.Kind)
		} else {
			kinds = append(kinds, "summary:"+e.Deliveries.Campaign)
		}
	}
	want := []string{"incident.opened", "notify.notice", "summary:first-notice", "notify.ack", "notify.notice", "summary:update"}
	if len(kinds) != len(want) {
		t.Fatalf("entries %q, want %q", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("entries %q, want %q", kinds, want)
		}
	}
	s := got[2].Deliveries
	if s.Deliveries != 2 || s.Changes != 5 || s.ByState[leakdesk.DeliveryDone] != 1 || s.ByState[leakdesk.DeliveryBounced] != 1 || len(s.ByState) != 2 {
		t.Errorf("first notice summary = %+v", s)
	}
	if s.FirstSeq != 3 || s.LastSeq != 10 || !s.First.Equal(events[2].OccurredAt) || !s.Last.Equal(events[9].OccurredAt) {
		t.Errorf("first notice spans %d-%d %v-%v", s.FirstSeq, s.LastSeq, s.First, s.Last)
	}
	if states := s.States(); len(states) != 2 || states[0] != leakdesk.DeliveryDone || states[1] != leakdesk.DeliveryBounced {
		t.Errorf("states in order = %q", states)
	}
}
