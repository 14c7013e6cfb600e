package http

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/rules"
)

//go:embed views/console/*.html
var consoleViews embed.FS

// ConsoleDeps are the services the console reads. It holds no logic of
// its own: each page decodes, authorises, calls them and renders.
type ConsoleDeps struct {
	Logger    *slog.Logger
	Incidents leakdesk.IncidentService
	// Personal shows the personal values an incident's events refer to;
	// nil when the store does not keep them apart.
	Personal leakdesk.PersonalService
	Findings leakdesk.FindingsService
	// Summaries gives an incident's clocks and evidence.
	Summaries *rules.Services
	// Campaigns gives the coverage of the notices, logs contacts,
	// previews and sends notices.
	Campaigns *notify.Campaigns
	// Portal gives the organisations' questions and portal links.
	Portal leakdesk.PortalService
	// Accounts are managed on the accounts pages.
	Accounts leakdesk.AccountService
	Now      func() time.Time

	// What the working pages act through.
	Notices   leakdesk.NoticeService
	Approvals leakdesk.ApprovalService
	Evidence  leakdesk.EvidenceService
	// Registry is the server's registry of contacts, which the match reads.
	Registry Registry
	// Composes says that Campaigns has templates and a From: notices can
	// be previewed and sent.
	Composes bool
	// Dispatcher sends notices in the background for as long as the
	// server runs; nil when it sends none.
	Dispatcher *notify.Dispatcher
	// Alarms are the decoy alarms on record; nil when the server keeps
	// none, and the source page then says so.
	Alarms leakdesk.DecoyAlarmService
	// IntakeFiles lists the files taken in, and KeptFiles shreds them;
	// nil when the server keeps none, and the intake page then says so.
	IntakeFiles IntakeFiles
	KeptFiles   leakdesk.KeptFileService
}

// console renders the console's pages from views parsed once, at start-up.
type console struct {
	deps ConsoleDeps
	// views are the same views for each kind of reader, whose
	// navigation links differ (console_nav.go).
	views   map[navLinks]*template.Template
	static  *staticFiles
	matches *match.Service
}

// newConsole parses every view, so that a broken one fails at start-up.
func newConsole(deps ConsoleDeps) (*console, error) {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	static, err := newStaticFiles()
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"static": static.url,
		"when":   formatWhen,
		"weight": formatWeight,
		"pct":    func(share float64) float64 { return share * 100 },
	}
	views, err := parseViews(funcs, consoleViews)
	if err != nil {
		return nil, err
	}
	return &console{deps: deps, views: views, static: static, matches: match.NewService(deps.Findings, deps.Logger)}, nil
}

// formatWhen shows a time the same way on every page, in UTC: a response
// team often spans time zones, and the timeline's proof is in UTC.
func formatWhen(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// consoleCSP allows the vendored script and style sheet and nothing inline:
// a page that someone managed to inject into runs nothing.
const consoleCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// render shows a view; a failure half-way is logged once, here.
func (c *console) render(w http.ResponseWriter, status int, view string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", consoleCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	if err := c.viewsFor(w).ExecuteTemplate(w, view, data); err != nil {
		c.deps.Logger.Error("render console view", "view", view, "error", err)
	}
}

// errorPage is what the error view shows.
type errorPage struct {
	Title   string
	Message string
}

// fail shows err as a page with its status. Internal errors are logged
// and shown without their detail.
func (c *console) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := consoleStatus(err)
	msg := leakdesk.ErrorMessage(err)
	if status == http.StatusInternalServerError {
		c.deps.Logger.Error("console", "path", r.URL.Path, "error", err)
		msg = "Something went wrong on the server; it has been logged."
	}
	c.render(w, status, "error.html", errorPage{Title: http.StatusText(status), Message: msg})
}

// consoleStatus is statusOf, with the refusal the console meets most.
func consoleStatus(err error) int {
	if leakdesk.ErrorCode(err) == leakdesk.EFORBIDDEN {
		return http.StatusForbidden
	}
	return statusOf(err)
}

// consolePrincipal returns the request's principal, or EUNAUTHORIZED: every
// console page is behind authentication.
func consolePrincipal(r *http.Request) (*leakdesk.Principal, error) {
	p, ok := principalFrom(r.Context())
	if !ok {
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "log in to see the console")
	}
	return p, nil
}

// authorizedIncident reads the incident ID of the path and checks that
// the principal may take action on it.
func authorizedIncident(r *http.Request, action leakdesk.Action) (p *leakdesk.Principal, id int64, err error) {
	if p, err = consolePrincipal(r); err != nil {
		return nil, 0, err
	}
	if id, err = leakdesk.ParseIncidentID(r.PathValue("id")); err != nil {
		return nil, 0, err
	}
	if err = p.Authorize(id, action); err != nil {
		return nil, 0, err
	}
	return p, id, nil
}

// timeline authorises the principal to read the incident of the path,
// and returns its events.
func (c *console) timeline(r *http.Request) (p *leakdesk.Principal, id int64, events []*leakdesk.Event, err error) {
	if p, id, err = authorizedIncident(r, leakdesk.ActionIncidentRead); err != nil {
		return nil, 0, nil, err
	}
	events, err = c.deps.Incidents.FindEvents(r.Context(), id)
	return p, id, events, err
}

// pageNumber reads the page query parameter: 1 when absent or invalid.
func pageNumber(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}
