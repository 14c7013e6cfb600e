package main

import (
	"strings"
	"testing"
)

func TestIncidentStatus(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		c.ok("incident", "new", "--title", "list on a forum", "--aware-at", "now", "--country", "FR", "--regime", "gdpr")
		out := c.ok("incident", "status", "INC-0001")
		for _, want := range []string{"Clocks, next first", "gdpr.art33.authority", "matching has not run", "not traced yet", "not confirmed",
			"measures", "no audience yet", "Not yet filed", "next: leakdesk match --incident INC-0001"} {
			if !strings.Contains(out, want) {
				t.Errorf("status lacks %q:\n%s", want, out)
			}
		}
		var st struct {
			Incident string
			Clocks   []struct{ Obligation, Left string }
			Findings *struct{}
			Unfiled  []struct{ Obligation string }
			Next     []string
		}
		c.json(&st, "incident", "status", "1")
		if st.Incident != "INC-0001" || len(st.Clocks) == 0 || st.Clocks[0].Obligation != "gdpr.art33.authority" || (st.Clocks[0].Left == "" || strings.HasPrefix(st.Clocks[0].Left, "overdue")) ||
			st.Findings != nil || len(st.Unfiled) == 0 || len(st.Next) == 0 {
			t.Fatalf("status = %+v", st)
		}
		if _, errOut, code := c.run("incident", "status", "7"); code != exitNotFound {
			t.Fatalf("status of no incident: exit %d, %s", code, errOut)
		}
	})
}
