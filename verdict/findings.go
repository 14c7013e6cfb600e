package verdict

import "github.com/leakdesk/leakdesk"

// Payload is the timeline's record of the report.
func (r *Report) Payload() leakdesk.LeakVerifiedPayload {
	return leakdesk.LeakVerifiedPayload{Leak: r.Leak, Rows: r.Rows, Findings: r.Findings(), Secrets: r.Secrets}
}

// Findings lists the report's findings in the order they are read: what
// was asked, the answer, and its evidence. The timeline records them, and
// the command line prints them.
func (r *Report) Findings() []leakdesk.VerdictFinding {
	out := []leakdesk.VerdictFinding{
		{Question: "authentic", Verdict: r.Authentic.Verdict, Evidence: r.Authentic.Evidence},
		{Question: "current", Verdict: r.Current.Verdict, Evidence: r.Current.Evidence},
		{Question: "complete", Verdict: r.Complete.Verdict, Evidence: r.Complete.Evidence},
		{Question: "new or recycled", Verdict: r.Recycled.Verdict, Evidence: r.Recycled.Evidence},
	}
	for _, c := range r.Access {
		out = append(out, leakdesk.VerdictFinding{Question: "access: " + c.Kind, Verdict: c.Verdict, Evidence: c.Evidence})
	}
	return out
}
