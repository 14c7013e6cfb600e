package leakdesk

import (
	"encoding/json"
	"maps"
	"slices"
	"time"
)

// TimelineEntry is one line of a timeline as people read it: an event in
// full, or the delivery changes of one notice summarised. The timeline
// itself keeps one event per delivery change, for the proof.
type TimelineEntry struct {
	Event      *Event           `json:"event,omitempty"`
	Deliveries *DeliverySummary `json:"deliveries,omitempty"`
}

// DeliverySummary sums up the delivery changes of one notice (a campaign's
// message): how many deliveries, where each stands after its latest
// change, how many changes, and when the first and the last happened.
type DeliverySummary struct {
	Notice     int64          `json:"notice"`
	Campaign   string         `json:"campaign"`
	Deliveries int            `json:"deliveries"`
	ByState    map[string]int `json:"by_state"` // the latest state of each delivery
	Changes    int            `json:"changes"`
	First      time.Time      `json:"first"`
	Last       time.Time      `json:"last"`
	FirstSeq   int64          `json:"first_seq"`
	LastSeq    int64          `json:"last_seq"`
}

// States lists ByState's states in a fixed order: the delivery's course,
// then any other.
func (s *DeliverySummary) States() []string {
	order := []string{DeliveryDone, DeliverySent, DeliverySending, DeliveryQueued, DeliveryBounced, DeliveryFailed}
	var out []string
	for _, st := range order {
		if s.ByState[st] > 0 {
			out = append(out, st)
		}
	}
	for _, st := range slices.Sorted(maps.Keys(s.ByState)) {
		if !slices.Contains(order, st) {
			out = append(out, st)
		}
	}
	return out
}

// ReadableTimeline gives every event in full, except the delivery changes,
// which become one summary per notice where its first change stood.
func ReadableTimeline(events []*Event) []TimelineEntry {
	campaigns := map[int64]string{}
	for _, ev := range events {
		if ev.Kind == EventNoticeCreated {
			var n NoticeCreatedPayload
			if json.Unmarshal(ev.Details, &n) == nil {
				campaigns[n.Notice] = n.Campaign
			}
		}
	}
	var out []TimelineEntry
	summaries := map[int64]*DeliverySummary{}
	latest := map[int64]map[int64]string{} // notice -> delivery -> state
	for _, ev := range events {
		var d DeliveryChangedPayload
		if ev.Kind != EventDeliveryChanged || json.Unmarshal(ev.Details, &d) != nil {
			out = append(out, TimelineEntry{Event: ev})
			continue
		}
		s, ok := summaries[d.Notice]
		if !ok {
			s = &DeliverySummary{Notice: d.Notice, Campaign: campaigns[d.Notice], ByState: map[string]int{}, First: ev.OccurredAt, FirstSeq: ev.Seq}
			summaries[d.Notice], latest[d.Notice] = s, map[int64]string{}
			out = append(out, TimelineEntry{Deliveries: s})
		}
		s.Changes++
		s.Last, s.LastSeq = ev.OccurredAt, ev.Seq
		latest[d.Notice][d.Delivery] = d.State
	}
	for notice, s := range summaries {
		s.Deliveries = len(latest[notice])
		for _, state := range latest[notice] {
			s.ByState[state]++
		}
	}
	return out
}
