package http

import (
	"net/http"
	"time"

	"github.com/leakdesk/leakdesk"
)

// erasure is the body of POST .../erase: the key of the recipient whose
// data is erased, as "incident erase --subject".
type erasure struct {
	Subject string `json:"subject"`
}

// retention is the body of POST .../retain: when the retention period
// ended, as "incident retain --until".
type retention struct {
	Until time.Time `json:"until"`
}

// personalService is the store's personal values, or EUNAVAILABLE.
func (s *server) personalService() (leakdesk.PersonalService, error) {
	if s.personal == nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server's store does not keep personal values apart")
	}
	return s.personal, nil
}

func (s *server) handleErase() http.Handler {
	return call(s, func(r *http.Request, in erasure) (*leakdesk.ErasureOutcome, error) {
		if in.Subject == "" {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, `erasing needs {"subject": KEY}, the recipient's key`)
		}
		p, err := s.personalService()
		if err != nil {
			return nil, err
		}
		return p.ErasePersonal(r.Context(), incidentID(r), in.Subject, principal(r).String())
	})
}

func (s *server) handleRetain() http.Handler {
	return call(s, func(r *http.Request, in retention) (*leakdesk.ErasureOutcome, error) {
		if in.Until.IsZero() {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, `retention needs {"until": TIME}, when the retention period ended`)
		}
		p, err := s.personalService()
		if err != nil {
			return nil, err
		}
		return p.ExpirePersonal(r.Context(), incidentID(r), in.Until, principal(r).String())
	})
}
