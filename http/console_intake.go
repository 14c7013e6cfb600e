package http

import (
	"net/http"
	"strconv"

	"github.com/leakdesk/leakdesk"
)

// The intake page: the files the watch took in, with their triage, their
// alerts and the incidents they proposed, and a button to shred one. It
// shows counts and hashes, never a file's content.

type intakePage struct {
	Title    string
	Files    []intakeRow
	State    string   // the state filtered on, "" for every file
	States   []string // the states one may filter on
	Paging   paging
	CanShred bool // the reader may shred: the forms are shown
	// Shredded is the file just shredded, shown once after the form.
	Shredded *leakdesk.TriageFile
	Form     form
}

// intakeRow is one file taken in, as the page lists it.
type intakeRow struct{ leakdesk.TriageEntry }

// IncidentRef is the name of the incident the file's alert proposed, "" if none.
func (r intakeRow) IncidentRef() string {
	if r.Incident == 0 {
		return ""
	}
	return leakdesk.FormatIncidentID(r.Incident)
}

// FormName is the name of the file's shred form, for its error.
func (r intakeRow) FormName() string { return shredFormName(r.ID) }

func shredFormName(id int64) string { return "shred-" + strconv.FormatInt(id, 10) }

// intake lists the files taken in, newest first, a page at a time.
func (c *console) intake() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.showIntake(w, r, form{}, http.StatusOK)
	})
}

func (c *console) showIntake(w http.ResponseWriter, r *http.Request, f form, status int) {
	p, err := consolePrincipal(r)
	if err == nil {
		err = p.Authorize(leakdesk.AllIncidents, leakdesk.ActionWatchIntake)
	}
	if err == nil && c.deps.IntakeFiles == nil {
		err = leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server keeps no files taken in: start serve with --intake")
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	filter, page, err := intakeList(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	list, err := c.deps.IntakeFiles.ListTriage(r.Context(), filter)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	data := intakePage{Title: "Intake", State: filter.State, Form: f,
		States:   []string{leakdesk.TriageQueued, leakdesk.TriageDone, leakdesk.TriageUnread, leakdesk.TriageFailed, leakdesk.TriageShredded},
		CanShred: c.deps.KeptFiles != nil && p.Authorize(leakdesk.AllIncidents, leakdesk.ActionKeptShred) == nil}
	for _, e := range list.Files {
		data.Files = append(data.Files, intakeRow{e})
	}
	query := r.URL.Query()
	query.Del("shredded")
	data.Paging, _, _ = paginate(query, page, list.Total)
	if id, err := strconv.ParseInt(r.URL.Query().Get("shredded"), 10, 64); err == nil && id > 0 {
		if shown, err := c.deps.IntakeFiles.FindTriage(r.Context(), id); err == nil && shown.Shredded != nil {
			data.Shredded = shown
		}
	}
	c.render(w, status, "intake.html", data)
}

// shredIntake crypto-shreds a file taken in from its form (reason, and
// the confirm box), as POST /api/v1/intake/{file}/shred does, then shows
// the page with the result; a refusal is shown beside the file's form,
// with what was typed.
func (c *console) shredIntake() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := consolePrincipal(r)
		if err == nil {
			err = p.Authorize(leakdesk.AllIncidents, leakdesk.ActionKeptShred)
		}
		if err != nil {
			c.fail(w, r, err)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		if err := r.ParseForm(); err != nil {
			c.fail(w, r, leakdesk.Errorf(leakdesk.EINVALID, "the form could not be read: %v", err))
			return
		}
		_, err = shredIntakeFile(r, c.deps.IntakeFiles, c.deps.KeptFiles, keptShredding{Confirm: r.PostFormValue("confirm") == "yes", Reason: r.PostFormValue("reason")})
		switch status := consoleStatus(err); {
		case err == nil:
			http.Redirect(w, r, "/console/intake?shredded="+r.PathValue("file")+"#file-"+r.PathValue("file"), http.StatusSeeOther)
		case status == http.StatusNotFound || status >= http.StatusInternalServerError:
			c.fail(w, r, err)
		default:
			c.showIntake(w, r, form{Name: shredFormName(intakeFileNumber(r)), Error: leakdesk.ErrorMessage(err), Values: r.PostForm}, status)
		}
	})
}

// intakeFileNumber is the path's {file} as a number, zero if it is none.
func intakeFileNumber(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("file"), 10, 64)
	return id
}
