package http

import (
	"net/http"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// sessionCookie names the cookie that holds a console session's secret.
const sessionCookie = "leakdesk_session"

// guard runs a route's checks before its handler: authentication
// (skipped on public routes), then authorisation against the route's
// access. A refusal is logged here, once, without personal data or
// secrets: who, what, where.
func (s *server) guard(rt route) http.Handler {
	if rt.access.public {
		return rt.handler
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		incidentID, err := s.authorize(r, p, rt.access)
		if err != nil {
			if leakdesk.ErrorCode(err) == leakdesk.EFORBIDDEN {
				s.log.Warn("refused", "principal", p.String(), "action", rt.access.action, "incident", incidentID, "route", rt.pattern)
			}
			s.fail(w, r, err)
			return
		}
		rt.handler.ServeHTTP(w, r.WithContext(withPrincipal(r.Context(), p)))
	})
}

// authenticate finds the request's principal from its bearer token or
// else its session cookie, and answers 401 (or 429 for a client that
// failed too often) when there is none.
func (s *server) authenticate(w http.ResponseWriter, r *http.Request) (*leakdesk.Principal, bool) {
	if secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		bucket := s.tokenFails.bucket(r)
		if bucket.Tokens() < 1 {
			s.refuse(w, r, s.tokenFails)
			return nil, false
		}
		p, err := s.cfg.Accounts.AuthenticateToken(r.Context(), secret)
		if err != nil {
			bucket.Allow() // count the failure
			s.fail(w, r, err)
			return nil, false
		}
		return p, true
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		p, _, err := s.cfg.Accounts.AuthenticateSession(r.Context(), c.Value)
		if err != nil {
			s.fail(w, r, err)
			return nil, false
		}
		return p, true
	}
	// A browser opening a page without a session is sent to log in; the
	// API answers 401.
	if r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/api/") {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil, false
	}
	s.fail(w, r, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "log in, or send an API token as Authorization: Bearer"))
	return nil, false
}

// authorize checks the principal's grants against the route's access and
// returns the incident it checked (AllIncidents for a route on none).
func (s *server) authorize(r *http.Request, p *leakdesk.Principal, a access) (int64, error) {
	switch {
	case a.anyone:
		return leakdesk.AllIncidents, nil
	case a.scoped:
		// Listing: allowed on at least one incident; the handler filters.
		if all, ids := leakdesk.Scope(p.Grants, a.action); all || len(ids) > 0 {
			return leakdesk.AllIncidents, nil
		}
		return leakdesk.AllIncidents, p.Authorize(leakdesk.AllIncidents, a.action)
	}
	id := leakdesk.AllIncidents
	if v := r.PathValue("id"); v != "" {
		var err error
		if id, err = leakdesk.ParseIncidentID(v); err != nil {
			return id, err
		}
	}
	return id, p.Authorize(id, a.action)
}

// principal returns the authenticated principal that guard put in the
// request's context. Handlers behind guard always have one.
func principal(r *http.Request) *leakdesk.Principal {
	p, _ := principalFrom(r.Context())
	return p
}

// incidentID returns the {id} path value, which guard already checked.
func incidentID(r *http.Request) int64 {
	id, _ := leakdesk.ParseIncidentID(r.PathValue("id"))
	return id
}
