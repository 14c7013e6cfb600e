package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// TestProposedIncidentIsOpenedOnceAndConfirmedOnce proposes an incident
// twice under one alert key, as an alert job worked again after a crash
// would, then confirms it with a corrected awareness time.
func TestProposedIncidentIsOpenedOnceAndConfirmedOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		clk := newClock(h.db)
		svc := newIncidents(t, h.db)
		alertAt := clk.now().Add(-time.Minute)
		fileTime := alertAt.Add(-36 * time.Hour)
		propose := func() (*leakdesk.Incident, bool) {
			inc := &leakdesk.Incident{Title: "leak alert", AwareAt: alertAt, Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
			created, err := svc.ProposeIncident(ctx, leakdesk.IncidentProposal{Key: "alert-abc", CouldStart: fileTime}, inc, "local:watch")
			if err != nil {
				t.Fatal(err)
			}
			return inc, created
		}
		first, created := propose()
		again, createdAgain := propose()
		if !created || createdAgain || again.ID != first.ID {
			t.Fatalf("proposed twice under one key: created %v then %v, incidents %d and %d; want one", created, createdAgain, first.ID, again.ID)
		}
		mustCreate(t, svc, newIncident("opened by a person"))
		proposed, err := svc.FindIncidents(ctx, leakdesk.IncidentFilter{Status: leakdesk.StatusProposed})
		if err != nil {
			t.Fatal(err)
		}
		if len(proposed) != 1 || proposed[0].ID != first.ID || proposed[0].Status != leakdesk.StatusProposed {
			t.Fatalf("proposed incidents: %+v, want %d alone", proposed, first.ID)
		}
		mustVerify(t, svc, first.ID)

		// Closed as a false alarm and reopened, it is still to be confirmed.
		if err := svc.CloseIncident(ctx, first.ID, "local:lead", "false alarm?", clk.now(), map[string]string{
			"gdpr.art33.authority": "false alarm", "gdpr.art34.subjects": "false alarm", "gdpr.art33-5.register": "false alarm"}); err != nil {
			t.Fatal(err)
		}
		if err := svc.ConfirmIncident(ctx, first.ID, "local:lead", time.Time{}, ""); leakdesk.ErrorCode(err) != leakdesk.ECONFLICT {
			t.Errorf("confirming a closed incident: %v, want %s", err, leakdesk.ECONFLICT)
		}
		if err := svc.ReopenIncident(ctx, first.ID, "local:lead", "it was real", clk.now()); err != nil {
			t.Fatal(err)
		}
		if inc, _ := svc.FindIncidentByID(ctx, first.ID); inc.Status != leakdesk.StatusProposed {
			t.Errorf("reopened proposed incident is %s, want %s", inc.Status, leakdesk.StatusProposed)
		}
		mustVerify(t, svc, first.ID)

		corrected := alertAt.Add(-2 * time.Hour)
		if err := svc.ConfirmIncident(ctx, first.ID, "local:lead", corrected, "the forum post was seen at 06:00"); err != nil {
			t.Fatal(err)
		}
		got, err := svc.FindIncidentByID(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != leakdesk.StatusOpen || !got.AwareAt.Equal(corrected) {
			t.Errorf("confirmed incident: %s, aware at %v; want open, aware at %v", got.Status, got.AwareAt, corrected)
		}
		events, err := svc.FindEvents(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := events[len(events)-1]
		p, err := leakdesk.DecodePayload(last)
		confirmed, ok := p.(*leakdesk.IncidentConfirmedPayload)
		if err != nil || !ok || last.Actor != "local:lead" || !confirmed.ProposedAwareAt.Equal(alertAt) ||
			confirmed.CouldStartAt == nil || !confirmed.CouldStartAt.Equal(fileTime) {
			t.Errorf("confirmation event: %s by %s, %+v (%v); want who confirmed, the proposed time and when the clock could have started", last.Kind, last.Actor, p, err)
		}
		mustVerify(t, svc, first.ID)
		if err := svc.ConfirmIncident(ctx, first.ID, "local:other", time.Time{}, ""); leakdesk.ErrorCode(err) != leakdesk.ECONFLICT {
			t.Errorf("confirming twice: %v, want %s", err, leakdesk.ECONFLICT)
		}
		if err := svc.ConfirmIncident(ctx, first.ID+1, "local:lead", time.Time{}, ""); leakdesk.ErrorCode(err) != leakdesk.ECONFLICT {
			t.Errorf("confirming an incident a person opened: %v, want %s", err, leakdesk.ECONFLICT)
		}
	})
}
