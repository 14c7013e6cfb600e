package http

import (
	"html/template"
	"io/fs"
	"net/http"

	"github.com/leakdesk/leakdesk"
)

// The console's navigation shows the accounts page to admins only, and
// the intake page to those who see the files taken in. The views are
// parsed once and copied for each kind of reader, since a page's data
// does not say who reads it; navWriter carries which copy to render with.

// navLinks are the links of the navigation that depend on the reader.
type navLinks struct {
	Accounts bool // the reader manages accounts
	Intake   bool // the reader sees the files taken in
}

// parseViews parses the console's views with funcs, and returns a copy
// for each kind of reader, with "admin" and "intake" answering for it.
func parseViews(funcs template.FuncMap, views fs.FS) (map[navLinks]*template.Template, error) {
	base, err := template.New("console").Funcs(funcs).Funcs(navFuncs(navLinks{})).ParseFS(views, "views/console/*.html")
	if err != nil {
		return nil, err
	}
	sets := map[navLinks]*template.Template{}
	for _, n := range []navLinks{{}, {Accounts: true}, {Intake: true}, {Accounts: true, Intake: true}} {
		set, err := base.Clone()
		if err != nil {
			return nil, err
		}
		sets[n] = set.Funcs(navFuncs(n))
	}
	return sets, nil
}

func navFuncs(n navLinks) template.FuncMap {
	return template.FuncMap{"admin": func() bool { return n.Accounts }, "intake": func() bool { return n.Intake }}
}

// navWriter is the response of a console page, with the links its
// reader's navigation shows.
type navWriter struct {
	http.ResponseWriter
	nav navLinks
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *navWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withNav notes, for the page h renders, which links its reader's
// navigation shows.
func withNav(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var nav navLinks
		if p, ok := principalFrom(r.Context()); ok {
			nav.Accounts = p.Authorize(leakdesk.AllIncidents, leakdesk.ActionAccountsManage) == nil
			nav.Intake = p.Authorize(leakdesk.AllIncidents, leakdesk.ActionWatchIntake) == nil
		}
		h.ServeHTTP(&navWriter{ResponseWriter: w, nav: nav}, r)
	})
}

// viewsFor returns the views to render w's page with.
func (c *console) viewsFor(w http.ResponseWriter) *template.Template {
	if nw, ok := w.(*navWriter); ok {
		return c.views[nw.nav]
	}
	return c.views[navLinks{}]
}
