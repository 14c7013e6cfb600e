package http

import (
	"net/http"

	"github.com/leakdesk/leakdesk"
)

type sourcePage struct {
	Title    string
	Incident string
	// Rankings are the trace rankings recorded, newest first: each with
	// its candidates and their evidence, the sentence that explains it
	// and the dating window.
	Rankings []rankingLine
	// Verdicts are the fingerprint decodings, newest first, each accused
	// recipient with the bound on an innocent one scoring as high.
	Verdicts []verdictLine
	// Decoys are the accused exports whose decoys the leak holds or that
	// were contacted: a planted address or number in use.
	Decoys []decoyLine
	// LeakVerdict is the latest verdict on the leak and its seller's
	// claims; nil when verify-leak has not run on the incident.
	LeakVerdict *leakVerdictLine
	// Alarms are the decoy alarms that proposed the incident or name an
	// export its trace names, newest first; KeepsAlarms is false when the
	// server keeps none, so that none listed is not taken for none raised.
	Alarms      []alarmLine
	KeepsAlarms bool
}

// alarmLine is a decoy alarm with the incident it proposed, as shown.
type alarmLine struct {
	*leakdesk.DecoyAlarm
	Proposed string // the incident's public ID; empty when none was proposed
}

type rankingLine struct {
	Event *leakdesk.Event
	*leakdesk.TraceRanked
}

type verdictLine struct {
	Event *leakdesk.Event
	*leakdesk.FingerprintTraced
}

type decoyLine struct {
	Event   *leakdesk.Event
	Leak    string
	Accused bool // false: a suspect whose bound was too high to accuse
	leakdesk.AccusedRecipient
}

// leakVerdictLine holds counts, shares, dates, file names and row numbers,
// and secrets by type only: it shows unmasked to whoever reads the page.
type leakVerdictLine struct {
	Event *leakdesk.Event
	*leakdesk.LeakVerifiedPayload
}

// source shows where the leak came from and what it is, as recorded on
// the timeline by trace, trace decode and verify-leak: rankings,
// fingerprint verdicts, decoys the leak held, the verdict on the leak and
// its seller's claims, and the decoy alarms that concern the incident.
func (c *console) source() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, id, events, err := c.timeline(r)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		page := sourcePage{Incident: leakdesk.FormatIncidentID(id)}
		page.Title = "Source of " + page.Incident
		for i := len(events) - 1; i >= 0; i-- {
			ev := events[i]
			switch ev.Kind {
			case leakdesk.EventTraceRanked, leakdesk.EventFingerprintTraced, leakdesk.EventLeakVerified:
			default:
				continue
			}
			p, err := leakdesk.DecodePayload(ev)
			if err != nil {
				c.fail(w, r, err)
				return
			}
			switch p := p.(type) {
			case *leakdesk.TraceRanked:
				page.Rankings = append(page.Rankings, rankingLine{ev, p})
			case *leakdesk.FingerprintTraced:
				page.Verdicts = append(page.Verdicts, verdictLine{ev, p})
				for _, a := range p.Accused {
					if a.Decoys > 0 {
						page.Decoys = append(page.Decoys, decoyLine{ev, p.Leak, true, a})
					}
				}
				for _, a := range p.Suspects {
					if a.Decoys > 0 {
						page.Decoys = append(page.Decoys, decoyLine{ev, p.Leak, false, a})
					}
				}
			case *leakdesk.LeakVerifiedPayload:
				if page.LeakVerdict == nil {
					page.LeakVerdict = &leakVerdictLine{ev, p}
				}
			}
		}
		if c.deps.Alarms != nil {
			page.KeepsAlarms = true
			alarms, err := leakdesk.FindIncidentAlarms(r.Context(), c.deps.Alarms, events, id)
			if err != nil {
				c.fail(w, r, err)
				return
			}
			for _, a := range alarms {
				line := alarmLine{DecoyAlarm: a}
				if a.Incident > 0 {
					line.Proposed = leakdesk.FormatIncidentID(a.Incident)
				}
				page.Alarms = append(page.Alarms, line)
			}
		}
		c.render(w, http.StatusOK, "source.html", page)
	})
}
