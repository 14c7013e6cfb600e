package http

import (
	"context"
	"maps"
	"net/http"
	"slices"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

type notificationsPage struct {
	Title     string
	Incident  string
	Progress  progressPart
	Templates []string
	Languages []string
	Channels  []string
	Outcomes  []string
	CanSend   bool // the role may, and the server composes and has a mail server
	CanLog    bool
	CanPlan   bool
	Why       string // why notices cannot be sent from here, when they cannot
	Held      bool   // a waiver just recorded waits for a second approval
	Form      form
}

// progressPart is the campaigns' progress, a part of the page that
// htmx asks for again every few seconds; without JavaScript, the page
// reloaded shows the same.
type progressPart struct {
	Incident  string
	Campaigns []campaignLine
	// Live is true while a campaign runs or has deliveries left: only
	// then is the part asked for again.
	Live bool
}

// campaignLine is a notice's campaign with its deliveries by state.
type campaignLine struct {
	Notice    *leakdesk.Notice
	States    []stateCount
	Total     int
	Finished  int  // deliveries no longer queued or in flight
	Running   bool // some deliveries are on the wire
	Remaining bool // deliveries still queued or in flight
}

type stateCount struct {
	State string
	Count int
}

// notifications shows the campaigns' progress, live, the forms to send
// the first notice and to record a call or a letter, and the previews of
// each template and language.
func (c *console) notifications() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.showNotifications(w, r, form{}, http.StatusOK)
	})
}

func (c *console) showNotifications(w http.ResponseWriter, r *http.Request, f form, status int) {
	p, id, err := authorizedIncident(r, leakdesk.ActionCoverageRead)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	progress, err := c.progressOf(r.Context(), id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	page := notificationsPage{Incident: leakdesk.FormatIncidentID(id), Progress: progress, Form: f, Held: r.URL.Query().Get("held") == "waiver",
		Templates: c.deps.Campaigns.TemplateNames(), Languages: notify.Languages,
		Channels: slices.DeleteFunc(slices.Clone(leakdesk.ContactChannels), func(ch string) bool { return ch == "ack" }), // acknowledgements come from the link
		Outcomes: contactOutcomes(),
		CanLog:   p.Authorize(id, leakdesk.ActionContactLog) == nil, CanPlan: c.deps.Composes && p.Authorize(id, leakdesk.ActionNoticePlan) == nil}
	page.Title = "Notifications of " + page.Incident
	switch {
	case !c.deps.Composes:
		page.Why = "This server composes no notices: start it with --from and templates."
	case c.deps.Dispatcher == nil:
		page.Why = "This server sends no notices: start it with --from, and --smtp or --outbox."
	default:
		page.CanSend = p.Authorize(id, leakdesk.ActionNoticeSend) == nil
	}
	c.render(w, status, "notifications.html", page)
}

// contactOutcomes lists the outcomes a call or letter may record, sorted.
func contactOutcomes() []string {
	var out []string
	for o := range leakdesk.ContactOutcomes {
		if o != "acknowledged" {
			out = append(out, o)
		}
	}
	slices.Sort(out)
	return out
}

// progress is the campaigns' progress alone: what htmx polls.
func (c *console) progress() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, id, err := authorizedIncident(r, leakdesk.ActionCoverageRead)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		part, err := c.progressOf(r.Context(), id)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		c.render(w, http.StatusOK, "progress", part)
	})
}

func (c *console) progressOf(ctx context.Context, id int64) (progressPart, error) {
	part := progressPart{Incident: leakdesk.FormatIncidentID(id)}
	notices, err := c.deps.Notices.Notices(ctx, id)
	if err != nil {
		return part, err
	}
	for _, n := range notices {
		states, err := c.deps.Notices.Progress(ctx, n.ID)
		if err != nil {
			return part, err
		}
		line := campaignLine{Notice: n, Remaining: !states.Done(), Running: states[leakdesk.DeliverySending] > 0}
		for _, s := range slices.Sorted(maps.Keys(states)) {
			line.States = append(line.States, stateCount{s, states[s]})
			line.Total += states[s]
		}
		line.Finished = line.Total - states[leakdesk.DeliveryQueued] - states[leakdesk.DeliverySending]
		part.Campaigns = append(part.Campaigns, line)
		part.Live = part.Live || line.Remaining
	}
	return part, nil
}

// firstCampaign names the campaign of the first notice started from the
// console: starting it again joins it, so nobody is told twice.
const firstCampaign = "first-notice"

// sendFirst queues the first notice's campaign to the whole audience on
// the server's dispatcher, with the checks of "leakdesk notify send"; the
// page then shows its progress. Starting it again joins it.
func (c *console) sendFirst() http.Handler {
	return c.act(leakdesk.ActionNoticeSend, "send", func(r *http.Request, p *leakdesk.Principal, id int64) (string, error) {
		if !c.deps.Composes || c.deps.Dispatcher == nil {
			return "", leakdesk.Errorf(leakdesk.EUNAVAILABLE, "this server cannot send notices: it needs templates, a From and a mail server")
		}
		template, err := formText(r, "template", "The template", true)
		if err != nil {
			return "", err
		}
		req := notify.SendRequest{AudienceRequest: notify.AudienceRequest{Incident: id}, Actor: p.String(),
			Notice: &leakdesk.Notice{Campaign: firstCampaign, Kind: leakdesk.NoticeFirst, Template: template}}
		if _, err := c.deps.Dispatcher.Send(r.Context(), req); err != nil {
			return "", err
		}
		return incidentPath(id, "/notifications"), nil
	}, c.showNotifications)
}

// logContact records a call, a letter or a meeting with a recipient, or
// why they will not be reached, which the two-person rule may hold.
func (c *console) logContact() http.Handler {
	return c.act(leakdesk.ActionContactLog, "contact", func(r *http.Request, p *leakdesk.Principal, id int64) (string, error) {
		recipient, err := formText(r, "recipient", "The recipient (key or e-mail address)", true)
		if err != nil {
			return "", err
		}
		channel, err := formText(r, "channel", "The channel", true)
		if err != nil {
			return "", err
		}
		outcome, err := formText(r, "outcome", "The outcome", true)
		if err != nil {
			return "", err
		}
		at, err := formTime(r, "at", "When")
		if err != nil {
			return "", err
		}
		note, _ := formText(r, "note", "", false)
		logged, err := c.deps.Campaigns.LogContact(r.Context(), notify.Contact{Incident: id, Recipient: recipient, Channel: channel, Outcome: outcome,
			Note: note, Actor: p.String(), At: at})
		if err != nil {
			return "", err
		}
		if logged.Held != nil {
			return incidentPath(id, "/notifications?held=waiver"), nil
		}
		return incidentPath(id, "/coverage"), nil
	}, c.showNotifications)
}
