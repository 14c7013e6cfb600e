package http

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/leakdesk/leakdesk"
)

// The console's side of the portal: the questions the organisations ask,
// as tasks to answer, and their links, made and withdrawn here.

type portalTasksPage struct {
	Title     string
	ID        string // the incident's public ID
	Questions []*leakdesk.PortalQuestion
	Links     []*leakdesk.PortalLink
	CanIssue  bool // the principal may make and revoke links
	Personal  bool // the principal sees personal data unmasked
	Now       time.Time
}

// portalTasks lists the incident's questions, open ones first, with a
// form to answer each, and its portal links.
func (c *console) portalTasks() http.Handler {
	return c.needPortal(func(w http.ResponseWriter, r *http.Request) {
		p, id, err := authorizedIncident(r, leakdesk.ActionQuestionAnswer)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		page := portalTasksPage{Title: "Questions and portal links", ID: leakdesk.FormatIncidentID(id), Now: c.deps.Now(),
			CanIssue: p.Authorize(id, leakdesk.ActionPortalIssue) == nil, Personal: leakdesk.SeesPersonalData(p.Grants, id)}
		if page.Questions, err = c.deps.Portal.Questions(r.Context(), id); err != nil {
			c.fail(w, r, err)
			return
		}
		if !page.Personal {
			maskReplies(page.Questions)
		}
		if page.Links, err = c.deps.Portal.PortalLinks(r.Context(), id); err != nil {
			c.fail(w, r, err)
			return
		}
		c.render(w, http.StatusOK, "portal.html", page)
	})
}

// maskReplies masks the person each question names to get the answer, in
// place: the list is read for this page alone.
func maskReplies(questions []*leakdesk.PortalQuestion) {
	for _, q := range questions {
		q.ReplyName, q.ReplyEmail = leakdesk.MaskName(q.ReplyName), leakdesk.MaskEmail(q.ReplyEmail)
	}
}

// answerQuestion records an answer, which the organisation's page shows.
func (c *console) answerQuestion() http.Handler {
	return c.portalChange(leakdesk.ActionQuestionAnswer, "question", func(r *http.Request, incident, question int64, actor string) error {
		_, err := answerQuestion(r.Context(), c.deps.Portal, c.deps.Dispatcher, incident, question, r.PostFormValue("answer"), actor)
		return err
	})
}

// portalChange authorises action on the path's incident, reads the
// numbered thing of the path, runs the change and returns to the page.
func (c *console) portalChange(action leakdesk.Action, name string, change func(r *http.Request, incident, n int64, actor string) error) http.Handler {
	return c.needPortal(func(w http.ResponseWriter, r *http.Request) {
		p, id, err := authorizedIncident(r, action)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		n, err := pathNumber(r, name)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		if err := change(r, id, n, p.String()); err != nil {
			c.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/console/incidents/"+leakdesk.FormatIncidentID(id)+"/portal", http.StatusSeeOther)
	})
}

type portalLinkPage struct {
	Title string
	ID    string
	Link  *leakdesk.PortalLink
	URL   string // shown this once
}

// issuePortalLink makes an organisation's link and shows it, this once.
func (c *console) issuePortalLink() http.Handler {
	return c.needPortal(func(w http.ResponseWriter, r *http.Request) {
		p, id, err := authorizedIncident(r, leakdesk.ActionPortalIssue)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		lifetime := leakdesk.DefaultPortalLifetime
		if days := r.PostFormValue("days"); days != "" {
			n, err := strconv.Atoi(days)
			if err != nil {
				c.fail(w, r, leakdesk.Errorf(leakdesk.EINVALID, "the number of days %q is not a whole number", days))
				return
			}
			lifetime = time.Duration(n) * 24 * time.Hour
		}
		link, secret, err := c.deps.Portal.IssuePortalLink(r.Context(), id, r.PostFormValue("org"), lifetime, p.String())
		if err != nil {
			c.fail(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		c.render(w, http.StatusOK, "portal_link.html", portalLinkPage{Title: "Portal link for " + link.Organisation,
			ID: leakdesk.FormatIncidentID(id), Link: link, URL: absoluteURL(r, "/portal/"+secret)})
	})
}

// revokePortalLink withdraws a link at once.
func (c *console) revokePortalLink() http.Handler {
	return c.portalChange(leakdesk.ActionPortalIssue, "link", func(r *http.Request, incident, link int64, actor string) error {
		return c.deps.Portal.RevokePortalLink(r.Context(), incident, link, actor)
	})
}

// needPortal answers 503 for a console without the portal's service.
func (c *console) needPortal(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.deps.Portal == nil {
			c.fail(w, r, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server has no portal"))
			return
		}
		h(w, r)
	})
}

// pathNumber reads a positive number from the path, or EINVALID.
func pathNumber(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n < 1 {
		return 0, leakdesk.Errorf(leakdesk.EINVALID, "%s %q is not a number", name, r.PathValue(name))
	}
	return n, nil
}

// absoluteURL is path on the host the request came to, as the person who
// sends the link on sees the server.
func absoluteURL(r *http.Request, path string) string {
	u := url.URL{Scheme: "http", Host: r.Host, Path: path}
	if r.TLS != nil {
		u.Scheme = "https"
	}
	return u.String()
}
