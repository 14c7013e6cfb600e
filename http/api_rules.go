package http

import (
	"io"
	"net/http"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/rules"
)

// fact is the body of POST .../facts.
type fact struct {
	Key    string    `json:"key"`
	Value  string    `json:"value"`
	At     time.Time `json:"at,omitzero"`
	Public bool      `json:"public,omitempty"` // shown on the affected organisations' portal pages
}

func (s *server) handleFact() http.Handler {
	return call(s, func(r *http.Request, in fact) (*leakdesk.Event, error) {
		return leakdesk.RecordFact(r.Context(), s.cfg.Incidents, incidentID(r), principal(r).String(), s.orNow(in.At), leakdesk.FactPayload{Key: in.Key, Public: in.Public, Value: in.Value}, notify.Languages)
	})
}

// filing is the body of POST .../filings, as the filed command's flags.
type filing struct {
	Obligation  string    `json:"obligation"`
	At          time.Time `json:"at"`
	Ref         string    `json:"ref"`
	DelayReason string    `json:"delay_reason,omitempty"`
}

func (s *server) handleFiling() http.Handler {
	return call(s, func(r *http.Request, in filing) (*leakdesk.Filing, error) {
		f := &leakdesk.Filing{IncidentID: incidentID(r), Obligation: in.Obligation, FiledAt: in.At, Ref: in.Ref, DelayReason: in.DelayReason, Actor: principal(r).String()}
		if err := s.cfg.Incidents.RecordFiling(r.Context(), f); err != nil {
			return nil, err
		}
		return f, nil
	})
}

func (s *server) handleDeadlines() http.Handler {
	return call(s, func(r *http.Request, _ none) ([]rules.DeadlineLeft, error) {
		sum, err := s.cfg.Rules.Summary(r.Context(), incidentID(r), s.cfg.Now())
		if err != nil {
			return nil, err
		}
		return sum.Deadlines, nil
	})
}

// assessment is the body of POST .../assessment: factors set by hand with
// the reason for each, and whether to record the result.
type assessment struct {
	Set     map[string]float64 `json:"set,omitempty"`
	Why     map[string]string  `json:"why,omitempty"`
	Confirm bool               `json:"confirm,omitempty"`
}

func (s *server) handleAssess() http.Handler {
	return call(s, func(r *http.Request, in assessment) (*rules.Assessment, error) {
		req := rules.AssessRequest{Actor: principal(r).String(), Set: in.Set, Why: in.Why, Confirm: in.Confirm, Now: s.cfg.Now()}
		return s.cfg.Rules.Assess(r.Context(), incidentID(r), req)
	})
}

// handleReport writes an authority report in ?format=md (default), html
// or json, in ?lang=fr (default) or en.
func (s *server) handleReport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		lang := q.Get("lang")
		if lang == "" {
			lang = "fr"
		}
		rep, err := s.cfg.Rules.Report(r.Context(), incidentID(r), r.PathValue("kind"), lang, s.cfg.Now())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		text, _, contentType, err := encodeReport(rep, q.Get("format"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", contentType)
		io.WriteString(w, text)
	})
}
