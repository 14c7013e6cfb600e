package http

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/browsertest"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/rules"
)

// The intake page in a real Chromium, against the embedded store: the
// files taken in are listed with their state (done, recycled, unread,
// failed), alert and proposed incident, never their content; a lead who leaves the confirm box unticked is
// refused by the page; a lead shreds a file with a reason and the page then
// shows it shredded, by her; one an incident still reads is refused with
// the reason typed kept; an analyst sees the page without a form, and the
// route refuses her. Each page passes the accessibility check.
func TestConsoleIntakeInTheBrowser(t *testing.T) {
	r, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	d := testbackends.Open(t, "sqlite", r)
	f := newFixture(t, d, generousLimits())
	area := newIntakeArea(t, d)
	f.reconfigure(area.configure)
	srv := httptest.NewServer(f.handler)
	t.Cleanup(srv.Close)
	f.account("lea", leakdesk.Grant{Role: leakdesk.RoleLead})
	f.account("ana", leakdesk.Grant{Role: leakdesk.RoleAnalyst})
	f.account("vic", leakdesk.Grant{Role: leakdesk.RoleViewer})

	const secret = "secret-value-one@example.org"
	found := area.take("email\n"+secret+"\n", "threat-feed", func(tf *leakdesk.TriageFile) {
		done(4)(tf)
		tf.AlertedAt = tf.DoneAt
	})
	area.alerted(found, "mail")
	blank := area.take("\x00\x01", "drop:/srv/drop", unread("binary, no rows: looks like a zip without its key"))
	recycled := area.take("email\nsecret-value-one@example.org\nother\n", "threat-feed", func(tf *leakdesk.TriageFile) {
		done(4)(tf)
		tf.RecycledOf, tf.RecycledShare = found.ID, 0.8
	})
	failed := area.take("email\nsomeone@example.org\n", "threat-feed", func(tf *leakdesk.TriageFile) {
		tf.State, tf.Detail = leakdesk.TriageFailed, "its distributed run could not finish"
	})
	held := area.take("email\nsecret-value-two@example.org\n", "threat-feed", done(2))
	inc := area.propose(held)
	row := func(tf *leakdesk.TriageFile) string { return fmt.Sprintf("#file-%d", tf.ID) }

	b := browsertest.Start(t)
	step := func(name string, fn func(b *browsertest.Browser)) {
		if !t.Run(name, func(t *testing.T) { fn(b.For(t)) }) {
			t.FailNow() // each step needs the ones before it
		}
	}
	logIn := func(b *browsertest.Browser, name string) {
		b.Visit(srv.URL + "/login")
		b.Fill(`input[name=name]`, name)
		b.Fill(`input[name=password]`, name+"-password")
		b.Submit(`button[type=submit]`)
		b.ShowsText("Open incidents")
	}
	rowText := func(b *browsertest.Browser, tf *leakdesk.TriageFile) string {
		return browsertest.Eval[string](b, `document.querySelector("`+row(tf)+`").textContent`)
	}
	step("a viewer has no intake link", func(b *browsertest.Browser) {
		logIn(b, "vic")
		if b.Count(`nav a[href="/console/intake"]`) != 0 {
			b.Failf("a viewer's navigation links to the intake page")
		}
	})
	step("the files taken in are listed", func(b *browsertest.Browser) {
		logIn(b, "lea")
		b.Submit(`nav a[href="/console/intake"]`)
		b.ShowsText("Intake", "5 file(s)", found.SHA256, "threat-feed", "4 registry contact(s)", "binary, no rows: looks like a zip without its key", inc.PublicID())
		b.HidesText(secret, "secret-value-two")
		if got := rowText(b, found); !strings.Contains(got, "mail sent") || strings.Contains(got, "webhook sent") {
			b.Failf("the alert of file %d: %q, want mail sent and no webhook", found.ID, got)
		}
		if got := rowText(b, recycled); !strings.Contains(got, fmt.Sprintf("recycled of file %d (80 %% in common)", found.ID)) {
			b.Failf("a recycled file's row: %q", got)
		}
		if got := rowText(b, failed); !strings.Contains(got, "failed: its distributed run could not finish") {
			b.Failf("a failed file's row: %q", got)
		}
		if b.Count(`#intake tbody tr`) != 5 || b.Count(`form[action$="/shred"]`) != 5 {
			b.Failf("%d rows and %d shred forms, want 5 and 5", b.Count(`#intake tbody tr`), b.Count(`form[action$="/shred"]`))
		}
		b.CheckAccessibility()
	})
	step("filter by state", func(b *browsertest.Browser) {
		b.Visit(srv.URL + "/console/intake?state=unread")
		if b.Count(`#intake tbody tr[id]`) != 1 || b.Count(row(blank)) != 1 {
			b.Failf("unread files: %d rows, want file %d only", b.Count(`#intake tbody tr[id]`), blank.ID)
		}
	})
	step("an incident's file is refused", func(b *browsertest.Browser) {
		b.Visit(srv.URL + "/console/intake")
		b.Fill(row(held)+` input[name=reason]`, "kept too long")
		browsertest.Eval[bool](b, `document.querySelector("`+row(held)+` input[name=confirm]").checked = true`)
		b.Submit(row(held) + ` button[type=submit]`)
		b.ShowsText("Not shredded", inc.PublicID())
		if kept := browsertest.Eval[string](b, `document.querySelector("`+row(held)+` input[name=reason]").value`); kept != "kept too long" {
			b.Failf("the refused form lost the reason typed: %q", kept)
		}
		b.CheckAccessibility()
	})
	step("a lead shreds a file", func(b *browsertest.Browser) {
		b.Visit(srv.URL + "/console/intake")
		b.Fill(row(found)+` input[name=reason]`, "no registry contact worth keeping")
		browsertest.Eval[bool](b, `document.querySelector("`+row(found)+` input[name=confirm]").checked = true`)
		b.Submit(row(found) + ` button[type=submit]`)
		b.ShowsText(fmt.Sprintf("File %d: its content is shredded", found.ID), "by lea")
		if got := rowText(b, found); !strings.Contains(got, "shredded on") || !strings.Contains(got, "by lea") || !strings.Contains(got, "no registry contact worth keeping") {
			b.Failf("file %d's row after its shredding: %q", found.ID, got)
		}
		if b.Count(row(found)+` form`) != 0 || b.Count(row(held)+` form`) != 1 {
			b.Failf("the shred forms after the shredding: want none for file %d, one for file %d", found.ID, held.ID)
		}
		if d.Vault.CaseHolds(found.SHA256) || !d.Vault.CaseHolds(held.SHA256) {
			b.Failf("the vault after shredding file %d: it still holds it, or lost file %d", found.ID, held.ID)
		}
		b.CheckAccessibility()
	})
	step("an analyst sees no form and the route refuses her", func(b *browsertest.Browser) {
		logIn(b, "ana")
		b.Visit(srv.URL + "/console/intake")
		b.ShowsText(blank.SHA256, "shredded on")
		if n := b.Count(`form[action$="/shred"]`); n != 0 {
			b.Failf("an analyst sees %d shred forms", n)
		}
		b.CheckAccessibility()
		w := f.do(http.MethodPost, fmt.Sprintf("/console/intake/%d/shred", blank.ID), "reason=mine&confirm=yes", f.caller("ana-token", leakdesk.RoleAnalyst),
			func(r *http.Request) { r.Header.Set("Content-Type", "application/x-www-form-urlencoded") })
		if w.Code != http.StatusForbidden || !d.Vault.CaseHolds(blank.SHA256) {
			b.Failf("an analyst's shred: %d, file kept %v; want 403 and kept", w.Code, d.Vault.CaseHolds(blank.SHA256))
		}
	})
}
