package http

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/browsertest"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/rules"
)

// The confirm form of a proposed incident in a real Chromium, against the
// embedded store: two incidents that an alert proposed appear; a lead
// confirms one as it is; she corrects the other's awareness time, which
// the two-person rule holds and she cannot approve herself; a second lead
// approves it, which opens the incident at the corrected time. Each step
// checks what the page shows, and the forms pass the accessibility check.
func TestConsoleConfirmInTheBrowser(t *testing.T) {
	ctx := context.Background()
	r, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, testbackends.Open(t, "sqlite", r), generousLimits())
	srv := httptest.NewServer(f.handler)
	t.Cleanup(srv.Close)
	f.account("lea", leakdesk.Grant{Role: leakdesk.RoleLead})
	f.account("leo", leakdesk.Grant{Role: leakdesk.RoleLead})

	alertAt := time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Minute)
	propose := func(key, title string) *leakdesk.Incident {
		inc := &leakdesk.Incident{Title: title, AwareAt: alertAt, Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
		if _, err := f.incidents.ProposeIncident(ctx, leakdesk.IncidentProposal{Key: key}, inc, "local:watch"); err != nil {
			t.Fatal(err)
		}
		return inc
	}
	plain := propose("alert-plain", "Decoy rows seen on a paste site")
	corrected := propose("alert-corrected", "Customer file offered for sale")
	if err := f.cfg.Approvals.SetApprovalRequired(ctx, corrected.ID, true, "local:setup"); err != nil {
		t.Fatal(err)
	}
	console := srv.URL + "/console/incidents/"
	knewAt := alertAt.Add(-26 * time.Hour)
	const reason = "a customer called the help desk on Sunday"

	b := browsertest.Start(t)
	step := func(name string, fn func(b *browsertest.Browser)) {
		if !t.Run(name, func(t *testing.T) { fn(b.For(t)) }) {
			t.FailNow() // each step needs the ones before it
		}
	}
	// shows checks the incident's state and awareness time as the page's
	// head gives them.
	shows := func(b *browsertest.Browser, state string, aware time.Time) {
		got := browsertest.Eval[[]string](b, `[...document.querySelectorAll(".facts-row dd")].slice(0, 2).map(d => d.textContent)`)
		if len(got) != 2 || got[0] != state || got[1] != formatWhen(aware) {
			b.Failf("the page says state and awareness %q; want %q, %q", got, state, formatWhen(aware))
		}
	}
	logIn := func(b *browsertest.Browser, name string) {
		b.Visit(srv.URL + "/login")
		b.Fill(`input[name=name]`, name)
		b.Fill(`input[name=password]`, name+"-password")
		b.Submit(`button[type=submit]`)
		b.ShowsText("Open incidents")
	}
	step("a proposed incident appears", func(b *browsertest.Browser) {
		logIn(b, "lea")
		b.ShowsText(plain.PublicID(), corrected.PublicID(), "Customer file offered for sale", "proposed by an alert: confirm or correct its awareness time")
		b.Visit(console + plain.PublicID())
		shows(b, leakdesk.StatusProposed, alertAt)
		b.ShowsText("Confirm this incident", "leave empty to keep "+formatWhen(alertAt))
		b.CheckAccessibility()
	})
	step("confirm it as it is", func(b *browsertest.Browser) {
		b.Submit(`form[action$="/confirm"] button`)
		shows(b, leakdesk.StatusOpen, alertAt)
		b.ShowsText(leakdesk.EventIncidentConfirmed)
		b.HidesText("Confirm this incident", "Waiting for a second approval")
	})
	step("a correction needs its reason", func(b *browsertest.Browser) {
		b.Visit(console + corrected.PublicID())
		b.Fill("#confirm-aware-at", knewAt.Format("2006-01-02 15:04"))
		b.Submit(`form[action$="/confirm"] button`)
		b.ShowsText("Not confirmed", "reason")
		shows(b, leakdesk.StatusProposed, alertAt)
		if kept := browsertest.Eval[string](b, `document.getElementById("confirm-aware-at").value`); kept != knewAt.Format("2006-01-02 15:04") {
			b.Failf("the refused form lost the time typed: %q", kept)
		}
		b.CheckAccessibility()
	})
	step("the correction waits for a second approval", func(b *browsertest.Browser) {
		b.Fill("#confirm-reason", reason)
		b.Submit(`form[action$="/confirm"] button`)
		b.ShowsText("The corrected awareness time waits for a second approval", "Waiting for a second approval", "by lea", reason,
			"Confirm this incident") // still proposed, so still to confirm
		shows(b, leakdesk.StatusProposed, alertAt)
		b.CheckAccessibility()
		// The two-person rule needs another account: hers is refused.
		b.Submit(`form[action$="/approve"] button`)
		b.ShowsText("Not approved", "cannot approve it", "Waiting for a second approval")
	})
	step("a second lead approves it", func(b *browsertest.Browser) {
		logIn(b, "leo")
		b.Visit(console + corrected.PublicID())
		b.ShowsText("Waiting for a second approval", "by lea", reason)
		b.Submit(`form[action$="/approve"] button`)
		b.ShowsText("is approved and carried out", leakdesk.EventApprovalGranted, leakdesk.EventIncidentConfirmed)
		shows(b, leakdesk.StatusOpen, knewAt)
		b.HidesText("Confirm this incident", "Waiting for a second approval")
		inc, err := f.incidents.FindIncidentByID(ctx, corrected.ID)
		if err != nil || inc.Status != leakdesk.StatusOpen || !inc.AwareAt.Equal(knewAt) {
			b.Failf("after the approval the incident is %+v, %v; want open, aware at %v", inc, err, knewAt)
		}
	})
}
