package http

import (
	"net/http"

	"github.com/leakdesk/leakdesk"
)

// call makes the handler of most API routes: decode a T from the body,
// call fn, encode what it returns. Handlers do no more than that; the work
// is in the services, shared with the command line.
func call[T, R any](s *server, fn func(r *http.Request, in T) (R, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in, err := decode[T](w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out, err := fn(r, in)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if h, ok := any(out).(held); ok {
			encode(w, http.StatusAccepted, h.Approval)
			return
		}
		encode(w, http.StatusOK, out)
	})
}

// none is the input of a route that takes no body.
type none struct{}

// held is a request that the two-person rule keeps waiting for a second
// approval: the response is 202 Accepted with the request, and nothing
// changed yet.
type held struct{ *leakdesk.Approval }

// hold records a request for action instead of acting when the incident
// requires a second approval, as the command line does.
func (s *server) hold(r *http.Request, action leakdesk.Action, summary string, params any) (*leakdesk.Approval, error) {
	return s.twoPersonRule().Hold(r.Context(), incidentID(r), action, summary, params, principal(r).String())
}

func (s *server) twoPersonRule() leakdesk.TwoPersonRule {
	return leakdesk.TwoPersonRule{Approvals: s.cfg.Approvals, Incidents: s.cfg.Incidents, Notices: s.cfg.Notices}
}
