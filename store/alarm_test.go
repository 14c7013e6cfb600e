package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// TestDecoyAlarmIsRecordedOnceAndFoundByIncidentOrExport records an alarm
// twice under one key, as a mail delivered again would be, proposes its
// incident, and finds the alarms concerning that incident: its own, and
// those naming an export its trace names.
func TestDecoyAlarmIsRecordedOnceAndFoundByIncidentOrExport(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		incidents := newIncidents(t, h.db)
		alarms := store.NewDecoyAlarmService(h.db)
		newAlarm := func(key, export string, at time.Time) *leakdesk.DecoyAlarm {
			return &leakdesk.DecoyAlarm{Key: key, Kind: leakdesk.AlarmByMail, Decoys: []string{"j.doe@decoy.example"},
				Evidence: strings.Repeat(key[len(key)-1:], 64), EvidenceSize: 120, At: at, Actor: "local:desk",
				Exports: []leakdesk.AlarmExport{{ID: export, Recipient: "team-" + export, Score: 9.5}, {ID: "FX-9", Recipient: "team-9", Score: 1}}}
		}
		enqueued := 0
		enqueue := func(context.Context, *sql.Tx) error { enqueued++; return nil }

		first := newAlarm("decoy-a", "FX-1", clk.now())
		for i := range 2 {
			a := newAlarm("decoy-a", "FX-1", clk.now().Add(time.Duration(i)*time.Hour))
			created, err := alarms.RecordDecoyAlarm(ctx, a, enqueue)
			if err != nil || created != (i == 0) || !a.At.Equal(first.At) {
				t.Fatalf("alarm recorded %d times: created %v, at %v (%v); want once, at %v", i+1, created, a.At, err, first.At)
			}
		}
		if enqueued != 1 {
			t.Errorf("the alarm's jobs were enqueued %d times, want 1", enqueued)
		}
		if _, err := alarms.RecordDecoyAlarm(ctx, newAlarm("decoy-b", "FX-3", clk.now().Add(time.Minute)), enqueue); err != nil {
			t.Fatal(err)
		}
		// A failed enqueue records nothing: the phone system or the mail
		// sender is told to try again, and finds no half-raised alarm.
		failed := newAlarm("decoy-c", "FX-4", clk.now())
		if _, err := alarms.RecordDecoyAlarm(ctx, failed, func(context.Context, *sql.Tx) error { return errors.New("queue down") }); err == nil {
			t.Error("an alarm whose jobs could not be enqueued was recorded")
		}
		if list, err := alarms.FindDecoyAlarms(ctx, leakdesk.DecoyAlarmFilter{Exports: []string{"FX-4"}}); err != nil || len(list) != 0 {
			t.Errorf("after a failed enqueue, alarms naming FX-4: %d (%v), want none", len(list), err)
		}
		invalid := newAlarm("decoy-d", "FX-1", clk.now())
		invalid.Kind = "fax"
		if _, err := alarms.RecordDecoyAlarm(ctx, invalid, enqueue); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("an alarm by fax: %v, want %s", err, leakdesk.EINVALID)
		}

		// The proposal ties the alarm to its incident, records it on the
		// timeline, and attaches its evidence; proposing again does not.
		for range 2 {
			inc := &leakdesk.Incident{Title: "decoy contacted", AwareAt: first.At, Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
			if _, err := incidents.ProposeIncident(ctx, leakdesk.IncidentProposal{Key: "decoy-a", Evidence: first.EvidenceFile()}, inc, "local:desk"); err != nil {
				t.Fatal(err)
			}
		}
		proposed, err := incidents.FindIncidents(ctx, leakdesk.IncidentFilter{Status: leakdesk.StatusProposed})
		if err != nil || len(proposed) != 1 {
			t.Fatalf("proposed incidents: %d (%v), want 1", len(proposed), err)
		}
		id := proposed[0].ID
		events, err := incidents.FindEvents(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, ev := range events {
			kinds[ev.Kind]++
			if ev.Kind == leakdesk.EventDecoyAlarm {
				p, err := leakdesk.DecodePayload(ev)
				a, ok := p.(*leakdesk.DecoyAlarmPayload)
				if err != nil || !ok || a.Alarm != "decoy-a" || a.Decoys != 1 || a.Evidence != first.Evidence || len(a.Exports) != 2 || !ev.OccurredAt.Equal(first.At) ||
					strings.Contains(string(ev.Details), "j.doe") {
					t.Errorf("alarm event %s at %v (%v)", ev.Details, ev.OccurredAt, err)
				}
			}
		}
		if kinds[leakdesk.EventDecoyAlarm] != 1 || kinds[leakdesk.EventEvidenceAdded] != 1 {
			t.Errorf("timeline of the proposed incident: %v, want one alarm and one piece of evidence", kinds)
		}
		mustVerify(t, incidents, id)
		evidence, err := store.NewEvidenceService(h.db, nil).FindEvidence(ctx, id)
		if err != nil || len(evidence) != 1 || evidence[0].SHA256 != first.Evidence || evidence[0].Source != "decoy mail server" || evidence[0].AddedBy != "local:desk" {
			t.Errorf("evidence of the proposed incident: %+v (%v), want the alarm's message", evidence, err)
		}

		for _, tc := range []struct {
			name   string
			filter leakdesk.DecoyAlarmFilter
			want   []string
		}{
			{"its own", leakdesk.DecoyAlarmFilter{Incident: id}, []string{"decoy-a"}},
			{"naming a traced export", leakdesk.DecoyAlarmFilter{Exports: []string{"FX-3", "FX-7"}}, []string{"decoy-b"}},
			{"both, newest first", leakdesk.DecoyAlarmFilter{Incident: id, Exports: []string{"FX-3"}}, []string{"decoy-b", "decoy-a"}},
			{"an export named by both, once each", leakdesk.DecoyAlarmFilter{Exports: []string{"FX-9"}}, []string{"decoy-b", "decoy-a"}},
			{"nothing asked", leakdesk.DecoyAlarmFilter{}, nil},
		} {
			list, err := alarms.FindDecoyAlarms(ctx, tc.filter)
			var keys []string
			for _, a := range list {
				keys = append(keys, a.Key)
			}
			if err != nil || strings.Join(keys, ",") != strings.Join(tc.want, ",") {
				t.Errorf("%s: alarms %v (%v), want %v", tc.name, keys, err, tc.want)
			}
			for _, a := range list {
				if a.Key == "decoy-a" && (a.Incident != id || a.Exports[0].ID != "FX-1" || a.Exports[0].Score != 9.5 || a.Decoys[0] != "j.doe@decoy.example") {
					t.Errorf("%s: alarm read back as %+v", tc.name, a)
				}
			}
		}
	})
}

// TestConfirmingWithACorrectedAwarenessWaitsForASecondApproval: on an
// incident under the two-person rule, a confirmation that moves the
// awareness time is held until another principal approves it; one that
// keeps the alert's time is done at once.
func TestConfirmingWithACorrectedAwarenessWaitsForASecondApproval(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		incidents := newIncidents(t, h.db)
		approvals := store.NewApprovalService(h.db)
		rule := leakdesk.TwoPersonRule{Approvals: approvals, Incidents: incidents}
		alertAt := clk.now().Add(-time.Minute)
		propose := func(key string) int64 {
			inc := &leakdesk.Incident{Title: "leak alert " + key, AwareAt: alertAt, Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
			if _, err := incidents.ProposeIncident(ctx, leakdesk.IncidentProposal{Key: key}, inc, "local:watch"); err != nil {
				t.Fatal(err)
			}
			if err := approvals.SetApprovalRequired(ctx, inc.ID, true, "local:lead"); err != nil {
				t.Fatal(err)
			}
			return inc.ID
		}
		status := func(id int64) (string, time.Time) {
			inc, err := incidents.FindIncidentByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return inc.Status, inc.AwareAt
		}

		corrected, plain, same := propose("alert-corrected"), propose("alert-plain"), propose("alert-same")
		earlier := alertAt.Add(-6 * time.Hour)
		req, err := rule.Confirm(ctx, corrected, earlier, "the forum post was seen at dawn", "local:analyst")
		if err != nil || req == nil || req.Action != leakdesk.ActionIncidentAware || req.RequestedBy != "local:analyst" {
			t.Fatalf("a corrected confirmation: request %+v (%v), want one held", req, err)
		}
		if st, at := status(corrected); st != leakdesk.StatusProposed || !at.Equal(alertAt) {
			t.Errorf("while held: %s, aware at %v; want still proposed, aware at %v", st, at, alertAt)
		}
		if _, err := rule.Approve(ctx, req.ID, leakdesk.LocalPrincipal("analyst")); leakdesk.ErrorCode(err) != leakdesk.EFORBIDDEN {
			t.Errorf("approved by its requester: %v, want %s", err, leakdesk.EFORBIDDEN)
		}
		if _, err := rule.Approve(ctx, req.ID, leakdesk.LocalPrincipal("lead")); err != nil {
			t.Fatal(err)
		}
		if st, at := status(corrected); st != leakdesk.StatusOpen || !at.Equal(earlier) {
			t.Errorf("once approved: %s, aware at %v; want open, aware at %v", st, at, earlier)
		}
		events, err := incidents.FindEvents(ctx, corrected)
		if err != nil {
			t.Fatal(err)
		}
		confirmedBy := ""
		for _, ev := range events {
			if ev.Kind == leakdesk.EventIncidentConfirmed {
				confirmedBy = ev.Actor
			}
		}
		if confirmedBy != "local:lead" {
			t.Errorf("the confirmation is recorded as by %q, want the approver", confirmedBy)
		}
		mustVerify(t, incidents, corrected)

		for _, tc := range []struct {
			id int64
			at time.Time
		}{{plain, time.Time{}}, {same, alertAt}} {
			req, err := rule.Confirm(ctx, tc.id, tc.at, "", "local:analyst")
			if st, at := status(tc.id); err != nil || req != nil || st != leakdesk.StatusOpen || !at.Equal(alertAt) {
				t.Errorf("confirming at the alert's time (%v): request %+v, %s aware at %v (%v); want done at once", tc.at, req, st, at, err)
			}
		}
		list, err := approvals.FindApprovals(ctx, plain)
		if err != nil || len(list) != 0 {
			t.Errorf("a plain confirmation left %d requests (%v), want none", len(list), err)
		}
	})
}

// BenchmarkRecordDecoyAlarm times the transaction a decoy mail's 250, or
// a phone system's 200, waits for: the alarm and its exports recorded,
// and its jobs enqueued (here, nothing to enqueue).
func BenchmarkRecordDecoyAlarm(b *testing.B) {
	eachBenchStore(b, func(b *testing.B, h *harness) {
		ctx := context.Background()
		alarms := store.NewDecoyAlarmService(h.db)
		b.ResetTimer()
		for i := range b.N {
			a := benchAlarm(i)
			if _, err := alarms.RecordDecoyAlarm(ctx, a, func(context.Context, *sql.Tx) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFindIncidentAlarms times what the Source page and the alarms
// route add to a request: the alarms naming three traced exports among
// 2,000 on record, each naming two of 200 exports.
func BenchmarkFindIncidentAlarms(b *testing.B) {
	eachBenchStore(b, func(b *testing.B, h *harness) {
		ctx := context.Background()
		alarms := store.NewDecoyAlarmService(h.db)
		for i := range 2000 {
			if _, err := alarms.RecordDecoyAlarm(ctx, benchAlarm(i), func(context.Context, *sql.Tx) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
		filter := leakdesk.DecoyAlarmFilter{Incident: 1, Exports: []string{"FX-7", "FX-70", "FX-170"}}
		b.ResetTimer()
		for range b.N {
			list, err := alarms.FindDecoyAlarms(ctx, filter)
			if err != nil || len(list) == 0 {
				b.Fatalf("%d alarms (%v)", len(list), err)
			}
		}
	})
}

func benchAlarm(i int) *leakdesk.DecoyAlarm {
	return &leakdesk.DecoyAlarm{Key: fmt.Sprintf("decoy-%016x", i), Kind: leakdesk.AlarmByMail, Decoys: []string{"j.doe@decoy.example"},
		Evidence: fmt.Sprintf("%064x", i), EvidenceSize: 2048, At: time.Date(2026, 3, 1, 0, 0, i, 0, time.UTC), Actor: "local:desk",
		Exports: []leakdesk.AlarmExport{{ID: fmt.Sprintf("FX-%d", i%200), Recipient: "team", Score: 4}, {ID: fmt.Sprintf("FX-%d", (i+1)%200), Recipient: "team", Score: 2}}}
}
