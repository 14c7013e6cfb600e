package http

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
)

// form is a submitted form as its page shows it again after a failure:
// the error, and what was typed, so that nothing typed is lost.
type form struct {
	Name   string // which of the page's forms failed
	Error  string
	Values url.Values
}

// Get returns what was typed in field, or "".
func (f form) Get(field string) string { return f.Values.Get(field) }

// Failed reports whether the form called name failed.
func (f form) Failed(name string) bool { return f.Name == name && f.Error != "" }

// showPage renders a page with a form's failure (or none) and a status.
type showPage func(w http.ResponseWriter, r *http.Request, f form, status int)

// act handles a form's POST: it authorises action on the incident of the
// path, calls do, and on success sends the browser on to the page do
// names (POST, redirect, GET: a reload sends nothing twice). On a failure
// do reports, the page is shown again by show with the error and what was
// typed, in the status of the error. The principal is the request's, so
// every action names who took it.
func (c *console) act(action leakdesk.Action, name string, do func(r *http.Request, p *leakdesk.Principal, id int64) (next string, err error), show showPage) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, id, err := authorizedIncident(r, action)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		var next string
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") { // a file's form reads its own body, streaming
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
			if err = r.ParseForm(); err != nil {
				err = leakdesk.Errorf(leakdesk.EINVALID, "the form could not be read: %v", err)
			}
		}
		if err == nil {
			next, err = do(r, p, id)
		}
		if err != nil {
			status := consoleStatus(err)
			msg := leakdesk.ErrorMessage(err)
			if status == http.StatusInternalServerError {
				c.deps.Logger.Error("console", "path", r.URL.Path, "incident", id, "error", err)
				msg = "Something went wrong on the server; it has been logged, and nothing you typed is lost."
			}
			show(w, r, form{Name: name, Error: msg, Values: r.PostForm}, status)
			return
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	})
}

// maxFormBody bounds what a form without a file may send.
const maxFormBody = 1 << 20

// incidentPath is the console's path of an incident page: "" for the
// incident itself, or "/findings"...
func incidentPath(id int64, page string) string {
	return "/console/incidents/" + leakdesk.FormatIncidentID(id) + page
}

// formText returns a form field trimmed, or EINVALID naming the field
// when it is required and empty.
func formText(r *http.Request, field, label string, required bool) (string, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" && required {
		return "", leakdesk.Errorf(leakdesk.EINVALID, "%s is required", label)
	}
	return v, nil
}

// formTime reads a form's date and time, in UTC as the console shows
// every time, or zero when empty. The field is text, not datetime-local,
// whose parts each take a press of Tab.
func formTime(r *http.Request, field, label string) (time.Time, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, leakdesk.Errorf(leakdesk.EINVALID, "%s: %q is not a date and time (YYYY-MM-DD HH:MM, UTC)", label, v)
}

// formatWeight shows an evidence weight with its sign: for or against.
func formatWeight(w float64) string { return fmt.Sprintf("%+.1f", w) }
