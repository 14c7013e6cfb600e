package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
)

// On an incident that requires it, closing, moving the awareness time and
// waiving a recipient wait for a second principal, who cannot be the first.
func TestApprovalTwoPersonRule(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, c *cli) {
		c.ok("incident", "new", "--title", "two people", "--aware-at", "2026-03-01T21:30:00+01:00")
		c.ok("approvals", "require", "1", "on")
		if _, _, code := c.run("approvals", "require", "1", "on"); code != exitConflict {
			t.Errorf("turning the rule on twice: exit %d", code)
		}

		out := c.ok("incident", "aware", "1", "--at", "2026-03-01T20:00:00+01:00", "--reason", "the SOC saw it earlier")
		if !strings.Contains(out, "leakdesk approve 1") {
			t.Fatalf("aware was not held:\n%s", out)
		}
		var inc struct {
			AwareAt string `json:"aware_at"`
		}
		c.json(&inc, "incident", "show", "1")
		if inc.AwareAt != "2026-03-01T20:30:00Z" {
			t.Errorf("a held request moved the awareness time to %s", inc.AwareAt)
		}

		if _, errOut, code := c.run("approve", "1"); code != exitForbidden || !strings.Contains(errOut, "two-person rule") {
			t.Errorf("self-approval: exit %d, %s", code, errOut)
		}
		c.osUser = "second"
		c.ok("approve", "1")
		c.json(&inc, "incident", "show", "1")
		if inc.AwareAt != "2026-03-01T19:00:00Z" {
			t.Errorf("the approved request did not move the awareness time: %s", inc.AwareAt)
		}
		if _, _, code := c.run("approve", "1"); code != exitConflict {
			t.Errorf("approving twice: exit %d", code)
		}

		var list []leakdesk.Approval
		c.json(&list, "approvals", "list", "1")
		if len(list) != 1 || list[0].RequestedBy != "local:tester" || list[0].ApprovedBy != "local:second" || list[0].Status != leakdesk.ApprovalApproved {
			t.Errorf("approvals list: %+v", list)
		}
		var events []leakdesk.Event
		c.json(&events, "incident", "log", "1")
		var trail []string
		for _, ev := range events[1:] {
			trail = append(trail, ev.Kind+" by "+ev.Actor)
		}
		want := "approval.configured by local:tester,approval.requested by local:tester,incident.awareness_set by local:second,approval.granted by local:second"
		if strings.Join(trail, ",") != want {
			t.Errorf("timeline %q\nwant     %q", strings.Join(trail, ","), want)
		}

		// Closing is held too, and nothing changes until approved.
		c.osUser = "tester"
		c.ok("incident", "close", "1", "--reason", "done")
		var shown struct{ Status string }
		c.json(&shown, "incident", "show", "1")
		if shown.Status != leakdesk.StatusOpen {
			t.Errorf("a held close closed the incident")
		}

		// Waiving a recipient is held, then done under the approver's name.
		path := filepath.Join(t.TempDir(), "recipients.csv")
		os.WriteFile(path, []byte("email,name,organisation,role,language\njo@client.example,Jo Client,Client SA,security,fr\n"), 0o644)
		c.ok("notify", "recipients", "1", "--add", path)
		c.ok("notify", "log-contact", "1", "jo@client.example", "--channel", "phone", "--outcome", "waived", "--note", "left the company")
		state := func() string {
			var cov struct{ Entries []leakdesk.CoverageEntry }
			c.json(&cov, "notify", "coverage", "1")
			return cov.Entries[0].State
		}
		if got := state(); got != leakdesk.CoverageNotNotified {
			t.Errorf("after a held waiver, the recipient is %s", got)
		}
		c.osUser = "second"
		c.ok("approve", "3")
		if got := state(); got != leakdesk.CoverageWaived {
			t.Errorf("after the approved waiver, the recipient is %s", got)
		}
		c.json(&list, "approvals", "list", "1")
		if len(list) != 3 || list[2].Action != leakdesk.ActionRecipientWaive || list[2].Status != leakdesk.ApprovalApproved {
			t.Errorf("approvals after the waiver: %+v", list)
		}
		c.json(&events, "incident", "log", "1")
		if last := events[len(events)-2]; last.Kind != leakdesk.EventContactRecorded || last.Actor != "local:second" {
			t.Errorf("the waiver is recorded as %+v", last)
		}
		c.ok("incident", "verify", "1")
	})
}
