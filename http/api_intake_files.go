package http

import (
	"context"
	"math"
	"net/http"
	"strconv"

	"github.com/leakdesk/leakdesk"
)

// IntakeFiles lists the files taken in and finds one (store.TriageService).
type IntakeFiles interface {
	leakdesk.TriageLister
	FindTriage(ctx context.Context, id int64) (*leakdesk.TriageFile, error)
}

// maxIntakePage bounds the page asked for, so that its offset cannot
// overflow.
const maxIntakePage = math.MaxInt32 / perPage

// intakeList reads the query of a list of files taken in: state, and page
// (1-based, perPage files a page).
func intakeList(r *http.Request) (leakdesk.TriageFilter, int, error) {
	q := r.URL.Query()
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxIntakePage {
			return leakdesk.TriageFilter{}, 0, leakdesk.Errorf(leakdesk.EINVALID, "invalid page %q: want a number from 1 to %d", v, maxIntakePage)
		}
		page = n
	}
	filter := leakdesk.TriageFilter{State: q.Get("state"), Offset: (page - 1) * perPage, Limit: perPage}
	if !leakdesk.ValidTriageState(filter.State) {
		return filter, 0, leakdesk.Errorf(leakdesk.EINVALID, "invalid state %q: want queued, done, unread, failed or shredded", filter.State)
	}
	return filter, page, nil
}

// handleIntakeList lists the files taken in, newest first, a page at a
// time, with the incident each alert proposed; never their content.
func (s *server) handleIntakeList() http.Handler {
	return call(s, func(r *http.Request, _ none) (*leakdesk.TriagePage, error) {
		if s.cfg.IntakeFiles == nil {
			return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server keeps no files taken in")
		}
		filter, _, err := intakeList(r)
		if err != nil {
			return nil, err
		}
		return s.cfg.IntakeFiles.ListTriage(r.Context(), filter)
	})
}

// keptShredding is the body of POST /api/v1/intake/{file}/shred: why, on
// the record, and confirm, as the command's --confirm.
type keptShredding struct {
	Confirm bool   `json:"confirm"`
	Reason  string `json:"reason"`
}

// handleIntakeShred crypto-shreds a file taken in, as "triage shred FILE
// --reason TEXT --confirm": ECONFLICT while an incident still reads it
// from the triage area.
func (s *server) handleIntakeShred() http.Handler {
	return call(s, func(r *http.Request, in keptShredding) (*leakdesk.KeptFileShred, error) {
		return shredIntakeFile(r, s.cfg.IntakeFiles, s.cfg.KeptFiles, in)
	})
}

// shredIntakeFile shreds the file of the path for the principal of r, by
// its number only, so that a hash prefix never reaches another file than
// the one shown. The API and the console's button both call it.
func shredIntakeFile(r *http.Request, files IntakeFiles, kept leakdesk.KeptFileService, in keptShredding) (*leakdesk.KeptFileShred, error) {
	if files == nil || kept == nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server shreds no files taken in")
	}
	if !in.Confirm {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "shredding cannot be undone: confirm it")
	}
	f, err := intakeFile(r, files)
	if err != nil {
		return nil, err
	}
	return kept.ShredKeptFile(r.Context(), f.SHA256, principal(r).String(), in.Reason)
}

// intakeFile returns the file taken in that the path's {file} names;
// anything but the number of a file on record is ENOTFOUND.
func intakeFile(r *http.Request, files IntakeFiles) (*leakdesk.TriageFile, error) {
	id, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || id <= 0 {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "no file taken in is %q: give the number the intake answered", r.PathValue("file"))
	}
	return files.FindTriage(r.Context(), id)
}
