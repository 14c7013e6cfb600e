package http

import (
	"html/template"
	"io/fs"
	"net/http"

	"github.com/leakdesk/leakdesk"
)

// The console's navigation shows the accounts page to admins only. The
// views are parsed once for each kind of reader, since a page's data does
// not say who reads it; navWriter carries which kind to render with.

// parseViews parses the console's views with funcs, and "admin" answering
// whether the reader manages accounts.
func parseViews(funcs template.FuncMap, views fs.FS, admin bool) (*template.Template, error) {
	return template.New("console").Funcs(funcs).Funcs(template.FuncMap{"admin": func() bool { return admin }}).
		ParseFS(views, "views/console/*.html")
}

// navWriter is the response of a console page, with whether its reader
// manages accounts.
type navWriter struct {
	http.ResponseWriter
	admin bool
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *navWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withNav notes, for the page h renders, whether its reader may manage
// accounts.
func withNav(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := principalFrom(r.Context())
		admin := ok && p.Authorize(leakdesk.AllIncidents, leakdesk.ActionAccountsManage) == nil
		h.ServeHTTP(&navWriter{ResponseWriter: w, admin: admin}, r)
	})
}

// viewsFor returns the views to render w's page with.
func (c *console) viewsFor(w http.ResponseWriter) *template.Template {
	if nw, ok := w.(*navWriter); ok && nw.admin {
		return c.adminViews
	}
	return c.views
}
