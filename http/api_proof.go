package http

import (
	"cmp"
	"mime"
	"net/http"
	"strconv"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/proof"
	"github.com/leakdesk/leakdesk/share"
)

// bundling is the body of POST .../bundle.
type bundling struct {
	WithEvidence bool `json:"with_evidence,omitempty"`
}

// handleBundle signs the timeline as it stands and sends the incident's
// bundle as a zip, as "leakdesk incident bundle". It is a POST: it writes
// a checkpoint and, with the evidence, records its reads.
func (s *server) handleBundle() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := s.bundle(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": b.Incident.PublicID() + "-bundle.zip"}))
		if err := proof.WriteBundle(r.Context(), w, b); err != nil {
			// The status is sent; the client sees a damaged zip.
			s.log.Error("send bundle", "incident", b.Incident.PublicID(), "error", err)
		}
	})
}

func (s *server) bundle(w http.ResponseWriter, r *http.Request) (*proof.Bundle, error) {
	in, err := decode[bundling](w, r)
	if err != nil {
		return nil, err
	}
	signer, err := s.signer()
	if err != nil {
		return nil, err
	}
	return signer.SignedBundle(r.Context(), incidentID(r), s.cfg.Evidence, s.cfg.Findings, principal(r).String(), in.WithEvidence)
}

// signer is the server's proof service, which it must have.
func (s *server) signer() (*proof.Service, error) {
	if s.cfg.Proof == nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server has no signing key: start it with LEAKDESK_SIGNING_KEY set")
	}
	return s.cfg.Proof, nil
}

// handleCheckpoint signs the timeline as it stands, as "leakdesk incident
// checkpoint --format json".
func (s *server) handleCheckpoint() http.Handler {
	return call(s, func(r *http.Request, _ none) (*leakdesk.Checkpoint, error) {
		signer, err := s.signer()
		if err != nil {
			return nil, err
		}
		return signer.Checkpoint(r.Context(), incidentID(r))
	})
}

// handleProve is the inclusion proof of event {seq} in the latest
// checkpoint, as "leakdesk incident prove".
func (s *server) handleProve() http.Handler {
	return call(s, func(r *http.Request, _ none) (*proof.InclusionProof, error) {
		seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
		if err != nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid event number %q", r.PathValue("seq"))
		}
		signer, err := s.signer()
		if err != nil {
			return nil, err
		}
		return signer.Prove(r.Context(), incidentID(r), seq)
	})
}

// shareTypes are the media types of what share writes.
var shareTypes = map[string]string{"stix": "application/stix+json;version=2.1", "misp": "application/json"}

// handleShare answers the incident for CERTs, personal data masked, as
// "leakdesk share --format stix|misp": ?format=stix (default) or misp.
func (s *server) handleShare() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		format := cmp.Or(r.URL.Query().Get("format"), "stix")
		data, err := s.share(r, format)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", shareTypes[format])
		w.Write(data)
	})
}

func (s *server) share(r *http.Request, format string) ([]byte, error) {
	if len(s.cfg.ShareKey) == 0 {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server has no share key")
	}
	svc := share.Services{Incidents: s.cfg.Incidents, Evidence: s.cfg.Evidence, Exports: s.cfg.Exports, Findings: s.cfg.Findings}
	inc, err := share.Gather(r.Context(), svc, incidentID(r), share.NewMasker(s.cfg.ShareKey))
	if err != nil {
		return nil, err
	}
	return share.Render(inc, format, s.cfg.Now())
}
