package main

import (
	"fmt"

	"github.com/leakdesk/leakdesk"
)

// recordDisagrees ends incident verify when the chain is intact but the
// side tables disagree with it (or an event cannot be read back): the
// text output lists every row, and the error names the first.
func (a *app) recordDisagrees(id int64, report *leakdesk.ChainReport) error {
	if a.format != "json" && len(report.Disagreements) > 0 {
		fmt.Fprintf(a.stdout, "timeline intact: %d events; %d row(s) of the side tables disagree with it:\n", report.Events, len(report.Disagreements))
		for _, d := range report.Disagreements {
			fmt.Fprintf(a.stdout, "  %s\n", d)
		}
	}
	return leakdesk.Errorf(leakdesk.EINTEGRITY, "the record of %s is in doubt: %s", leakdesk.FormatIncidentID(id), report.Problem)
}
