package http

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strconv"

	"github.com/leakdesk/leakdesk"
)

func (s *server) handleEvidenceList() http.Handler {
	return call(s, func(r *http.Request, _ none) ([]*leakdesk.Evidence, error) {
		list, err := s.cfg.Evidence.FindEvidence(r.Context(), incidentID(r))
		if list == nil {
			list = []*leakdesk.Evidence{}
		}
		return list, err
	})
}

// maxFormField bounds the text fields of an evidence upload.
const maxFormField = 4 << 10

// handleEvidenceAdd stores an upload as multipart/form-data: the fields
// source (required) and note, then the part file. The file is streamed
// into the vault, never held in memory or in a temporary file.
func (s *server) handleEvidenceAdd() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, err := s.addEvidence(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		encode(w, http.StatusOK, e)
	})
}

func (s *server) addEvidence(r *http.Request) (*leakdesk.Evidence, error) {
	e := &leakdesk.Evidence{IncidentID: incidentID(r), AddedBy: principal(r).String()}
	if err := streamEvidence(r, s.cfg.Evidence, e); err != nil {
		return nil, err
	}
	return e, nil
}

// streamEvidence stores the upload of r as e: the fields source and note,
// then the part file, streamed into the vault.
func streamEvidence(r *http.Request, svc leakdesk.EvidenceService, e *leakdesk.Evidence) error {
	parts, err := r.MultipartReader()
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "send the evidence as multipart/form-data: source, note, then file")
	}
	for {
		part, err := parts.NextPart()
		if errors.Is(err, io.EOF) {
			return leakdesk.Errorf(leakdesk.EINVALID, "the upload has no part named file")
		}
		if err != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "invalid upload: %v", err)
		}
		switch part.FormName() {
		case "file":
			if part.FileName() == "" {
				return leakdesk.Errorf(leakdesk.EINVALID, "choose a file to add as evidence")
			}
			e.Filename = filepath.Base(part.FileName())
			return svc.AddEvidence(r.Context(), e, part)
		case "source", "note":
			value, err := io.ReadAll(io.LimitReader(part, maxFormField))
			if err != nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "invalid upload: %v", err)
			}
			if part.FormName() == "source" {
				e.Source = string(value)
			} else {
				e.Note = string(value)
			}
		}
	}
}

// reading is the body of POST .../evidence/{ref}/read.
type reading struct {
	Purpose string `json:"purpose"`
}

// handleEvidenceRead sends one piece of evidence's content; the store
// records the read, with its purpose, on the timeline under the principal.
// It is a POST, not a GET, so that no other site can make a logged-in
// browser record reads under its user's name.
func (s *server) handleEvidenceRead() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in, err := decode[reading](w, r)
		if err == nil && in.Purpose == "" {
			err = leakdesk.Errorf(leakdesk.EINVALID, "purpose is required: why the evidence is read, recorded on the timeline")
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		e, content, err := s.cfg.Evidence.OpenEvidence(r.Context(), incidentID(r), r.PathValue("ref"), principal(r).String(), in.Purpose)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		defer content.Close()
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(e.Size, 10))
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.Filename}))
		if _, err := io.Copy(w, content); err != nil {
			// The status is sent; the client sees a short body.
			s.log.Error("send evidence", "incident", e.IncidentID, "error", err)
		}
	})
}

// shredding is the body of POST .../shred: confirm must be true, as the
// command's --confirm, since it cannot be undone.
type shredding struct {
	Confirm bool `json:"confirm"`
}

// handleShred destroys a closed incident's evidence key, as "incident
// shred --confirm --format json".
func (s *server) handleShred() http.Handler {
	return call(s, func(r *http.Request, in shredding) (*leakdesk.EvidenceShreddedPayload, error) {
		if s.cfg.Shredder == nil {
			return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server does not shred evidence")
		}
		if !in.Confirm {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, `shredding cannot be undone: send {"confirm": true}`)
		}
		return s.cfg.Shredder.ShredEvidence(r.Context(), incidentID(r), principal(r).String())
	})
}
