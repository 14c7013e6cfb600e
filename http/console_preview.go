package http

import (
	"net/http"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

type previewPage struct {
	Title     string
	Incident  string
	Templates []string
	Languages []string
	Template  string
	Language  string
	Recipient string
	Message   string
	Preview   *notify.Preview
	Error     string
}

// preview shows a notice as it would be sent, for each template and
// language: to the recipient asked for, or the audience's first.
func (c *console) preview() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, id, err := authorizedIncident(r, leakdesk.ActionNoticePlan)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		if !c.deps.Composes {
			c.fail(w, r, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server composes no notices: start it with --from"))
			return
		}
		q := r.URL.Query()
		page := previewPage{Incident: leakdesk.FormatIncidentID(id), Templates: c.deps.Campaigns.TemplateNames(), Languages: notify.Languages,
			Template: q.Get("template"), Language: q.Get("lang"), Recipient: strings.TrimSpace(q.Get("recipient")), Message: strings.TrimSpace(q.Get("message"))}
		page.Title = "Previews of " + page.Incident
		if page.Template == "" {
			c.render(w, http.StatusOK, "preview.html", page)
			return
		}
		audience := notify.AudienceRequest{Incident: id}
		if page.Recipient == "" {
			first, err := c.deps.Campaigns.FirstRecipient(r.Context(), audience)
			if err != nil && leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
				c.fail(w, r, err)
				return
			}
			if err != nil {
				page.Error = leakdesk.ErrorMessage(err)
				c.render(w, http.StatusOK, "preview.html", page)
				return
			}
			page.Recipient = first.Key
		}
		page.Preview, err = c.deps.Campaigns.Preview(r.Context(), notify.PreviewRequest{AudienceRequest: audience,
			Template: page.Template, Recipient: page.Recipient, Language: page.Language, Message: page.Message})
		if err != nil {
			status := consoleStatus(err)
			if status == http.StatusInternalServerError {
				c.fail(w, r, err)
				return
			}
			page.Error = leakdesk.ErrorMessage(err)
			c.render(w, status, "preview.html", page)
			return
		}
		c.render(w, http.StatusOK, "preview.html", page)
	})
}
