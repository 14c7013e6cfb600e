package http

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/watch"
)

// Intake takes files in for triage, as a drop directory does: watch.Intake.
type Intake interface {
	Take(ctx context.Context, r io.Reader, source, url string, p leakdesk.Principal) (*watch.Received, error)
	Find(ctx context.Context, id int64) (*leakdesk.TriageFile, error)
}

// DefaultIntakeMaxBytes bounds a file posted to the intake when the
// configuration names no limit: large dumps are dropped in a watched
// directory instead.
const DefaultIntakeMaxBytes = 1 << 30

// intakeReadTime is how long an upload to the intake may take.
const intakeReadTime = 30 * time.Minute

// intakeReceipt is the answer to a file posted to the intake.
type intakeReceipt struct {
	*watch.Received
	Message string `json:"message"`
}

// handleIntake takes in a file posted by a threat-intelligence feed as
// multipart/form-data: the fields source (required) and url, then the
// part file. The file is streamed into the vault; a known content is
// answered at once with when it was seen. A new file is answered 202:
// its triage runs as a job, and GET /api/v1/intake/{file} says its result.
func (s *server) handleIntake() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Intake == nil {
			s.fail(w, r, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server takes no files in: start serve with --registry and alert settings to enable the intake"))
			return
		}
		limit := s.cfg.IntakeMaxBytes
		if limit <= 0 {
			limit = DefaultIntakeMaxBytes
		}
		// The server's read timeout suits JSON bodies, not a dump: an
		// authenticated feed gets the time a large upload takes.
		http.NewResponseController(w).SetReadDeadline(time.Now().Add(intakeReadTime))
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		rec, err := s.takeIn(r)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			err = leakdesk.Errorf(leakdesk.EINVALID, "the upload is larger than this server's intake limit of %d bytes: nothing was kept; drop large files in a watched directory", limit)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		status := http.StatusAccepted
		if rec.Seen {
			status = http.StatusOK
		}
		encode(w, status, intakeReceipt{Received: rec, Message: rec.String()})
	})
}

func (s *server) takeIn(r *http.Request) (*watch.Received, error) {
	parts, err := r.MultipartReader()
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "send the file as multipart/form-data: source, url, then file")
	}
	fields := map[string]string{}
	for {
		part, err := parts.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "the upload has no part named file")
		}
		if err != nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid upload: %v", err)
		}
		switch name := part.FormName(); name {
		case "file":
			if fields["source"] == "" {
				return nil, leakdesk.Errorf(leakdesk.EINVALID, "source is required, before the file: the feed or place the file comes from")
			}
			body := &uploadReader{r: part}
			rec, err := s.cfg.Intake.Take(r.Context(), body, fields["source"], fields["url"], *principal(r))
			if body.err != nil {
				// The client's fault, not the store's: the body broke off.
				return nil, body.err
			}
			return rec, err
		case "source", "url":
			value, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
			if err != nil {
				return nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid upload: %v", err)
			}
			if len(value) > maxFormField {
				return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s is longer than %d bytes", name, maxFormField)
			}
			fields[name] = string(value)
		}
	}
}

// uploadReader remembers why reading an upload failed, so that a body cut
// short or too large is told from a failure to keep it.
type uploadReader struct {
	r   io.Reader
	err error
}

func (u *uploadReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && u.err == nil {
		u.err = err
		var tooLarge *http.MaxBytesError
		if !errors.As(err, &tooLarge) {
			u.err = leakdesk.Errorf(leakdesk.EINVALID, "the upload broke off before the file ended (%v): nothing was kept", err)
		}
	}
	return n, err
}

// handleIntakeShow says what became of a file taken in: queued, done
// (with its registry contacts, or the earlier file it recycles),
// unread, with what could not be read, or failed, with why its
// distributed run could not finish.
func (s *server) handleIntakeShow() http.Handler {
	return call(s, func(r *http.Request, _ none) (*leakdesk.TriageFile, error) {
		if s.cfg.Intake == nil {
			return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server takes no files in")
		}
		id, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
		if err != nil || id <= 0 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid file %q: want the number the intake answered", r.PathValue("file"))
		}
		return s.cfg.Intake.Find(r.Context(), id)
	})
}

// confirming is the body of POST .../confirm: the awareness time, when it
// is not the alert's, and why.
type confirming struct {
	AwareAt time.Time `json:"aware_at,omitzero"`
	Reason  string    `json:"reason,omitempty"`
}

// handleConfirm confirms an incident that an alert proposed, keeping or
// correcting its awareness time; a correction waits for a second
// approval on an incident under the two-person rule (202).
func (s *server) handleConfirm() http.Handler {
	return call(s, func(r *http.Request, in confirming) (any, error) {
		req, err := s.twoPersonRule().Confirm(r.Context(), incidentID(r), in.AwareAt, in.Reason, principal(r).String())
		if err != nil {
			return nil, err
		}
		if req != nil {
			return held{req}, nil
		}
		return s.incidentView(r)
	})
}
