package notify

import (
	"context"
	"slices"

	"github.com/leakdesk/leakdesk"
)

// PlanEntry is one line of a plan: who gets what.
type PlanEntry struct {
	Recipient *leakdesk.Recipient `json:"recipient"`
	Channel   string              `json:"channel"` // email, or what to try instead
	Subject   string              `json:"subject,omitempty"`
	Exposed   []string            `json:"exposed"`
}

// Plan is who would get which notice, and what stops it from being sent.
// Its fields are in alphabetical order, the stable order of "notify plan
// --format json".
type Plan struct {
	Incident   string      `json:"incident"`
	Problem    string      `json:"problem,omitempty"`
	Ready      bool        `json:"ready"`
	Recipients []PlanEntry `json:"recipients"`
	Template   string      `json:"template"`
	Traps      []Trap      `json:"traps"`
	err        error
}

// Err is why the notice cannot be sent as planned, or nil when it is ready.
func (p *Plan) Err() error { return p.err }

// Plan shows who would get which notice of template, and what cannot be
// sent, without storing or sending anything. A plan that is not ready is
// returned with its reason in Err, not as an error.
func (c *Campaigns) Plan(ctx context.Context, req AudienceRequest, template string) (*Plan, error) {
	au, err := c.plannedAudience(ctx, req)
	if err != nil {
		return nil, err
	}
	id := req.Incident
	checkErr := c.check(ctx, id, template, au.all)
	facts, err := c.facts(ctx, id)
	if err != nil {
		return nil, err
	}
	composer := c.composer()
	plan := &Plan{Incident: leakdesk.FormatIncidentID(id), Template: template, Recipients: make([]PlanEntry, 0, len(au.all)),
		Traps: Traps(id, facts, au.all, composer.From, composer.BaseURL)}
	if plan.Traps == nil {
		plan.Traps = []Trap{}
	}
	for _, r := range au.all {
		e := PlanEntry{Recipient: r, Channel: "email", Exposed: ExposedLabels(r.Fields, r.Language)}
		if r.Email == "" {
			e.Channel = "no address: " + (&leakdesk.CoverageEntry{Recipient: r, State: leakdesk.CoverageNoAddress}).Suggest()
		} else if checkErr == nil {
			d, _, err := composer.Data(ctx, &leakdesk.Notice{IncidentID: id, Template: template, Kind: leakdesk.NoticeFirst}, r)
			if err != nil {
				return nil, err
			}
			if msg, err := c.deps.Templates.Render(template, r.Language, d); err == nil {
				e.Subject = msg.Subject
			}
		}
		plan.Recipients = append(plan.Recipients, e)
	}
	if checkErr == nil && len(plan.Traps) > 0 {
		word := "traps"
		if len(plan.Traps) == 1 {
			word = "trap"
		}
		checkErr = leakdesk.Errorf(leakdesk.EINVALID, "not ready: %d %s armed; disarm each as said", len(plan.Traps), word)
	}
	plan.err, plan.Ready = checkErr, checkErr == nil
	if checkErr != nil {
		plan.Problem = leakdesk.ErrorMessage(checkErr)
	}
	return plan, nil
}

// PreviewRequest names the notice to render and for whom.
type PreviewRequest struct {
	AudienceRequest
	Template  string
	Recipient string // the recipient's key or e-mail address
	Language  string // render in this language instead of the recipient's
	Message   string // an update's text: previews an update
}

// Preview is a notice rendered for one recipient, as it would be sent.
// Its fields are in alphabetical order, the stable order of "notify
// preview --format json".
type Preview struct {
	HTML         string   `json:"html"`
	Language     string   `json:"language"`
	MissingFacts []string `json:"missing_facts"` // shown empty
	Subject      string   `json:"subject"`
	Text         string   `json:"text"`
	To           string   `json:"to"`
	Name         string   `json:"-"`
}

// PortalPlaceholder stands in a preview for the secret of a portal link.
const PortalPlaceholder = "(private-link-added-when-sent)"

// Preview renders a notice for one recipient of the planned audience.
func (c *Campaigns) Preview(ctx context.Context, req PreviewRequest) (*Preview, error) {
	au, err := c.plannedAudience(ctx, req.AudienceRequest)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(au.all, func(r *leakdesk.Recipient) bool { return r.Key == req.Recipient || r.Email == req.Recipient })
	if i < 0 {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "no recipient %q in the audience of %s", req.Recipient, leakdesk.FormatIncidentID(req.Incident))
	}
	r := *au.all[i]
	if req.Language != "" {
		r.Language = req.Language
	}
	kind := leakdesk.NoticeFirst
	if req.Message != "" {
		kind = leakdesk.NoticeUpdate
	}
	d, missing, err := c.composer().Data(ctx, &leakdesk.Notice{IncidentID: req.Incident, Template: req.Template, Kind: kind, Message: req.Message}, &r)
	if err != nil {
		return nil, err
	}
	d.UpdateNumber = max(d.UpdateNumber, 1)
	if c.deps.Portal != nil && c.deps.BaseURL != "" && r.OrgID != "" {
		// A preview is read by roles that must not open the organisation's
		// page: it shows where the link goes, never the link.
		d.PortalURL = PortalURL(c.deps.BaseURL, PortalPlaceholder)
	}
	msg, err := c.deps.Templates.Render(req.Template, r.Language, d)
	if err != nil {
		return nil, err
	}
	return &Preview{To: r.Email, Name: r.Name, Language: r.Language, Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML, MissingFacts: missing}, nil
}
