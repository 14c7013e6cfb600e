package http

import (
	"net/http"

	"github.com/leakdesk/leakdesk"
)

type sourcePage struct {
	Title    string
	Incident string
	// Rankings are the trace rankings recorded, newest first: each with
	// its candidates, the sentence that explains it and the dating window.
	Rankings []rankingLine
	// Verdicts are the fingerprint decodings, newest first, each accused
	// recipient with the bound on an innocent one scoring as high.
	Verdicts []verdictLine
	// Decoys are the accused exports whose decoys the leak holds or that
	// were contacted: a planted address or number in use.
	Decoys []decoyLine
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
	Event *leakdesk.Event
	Leak  string
	leakdesk.AccusedRecipient
}

// source shows where the leak came from, as recorded on the timeline by
// trace and trace decode: rankings, fingerprint verdicts and decoys hit.
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
			if ev.Kind != leakdesk.EventTraceRanked && ev.Kind != leakdesk.EventFingerprintTraced {
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
						page.Decoys = append(page.Decoys, decoyLine{ev, p.Leak, a})
					}
				}
			}
		}
		c.render(w, http.StatusOK, "source.html", page)
	})
}
