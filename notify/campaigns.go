package notify

import (
	"context"
	"database/sql"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// Deps is what the campaign service works with. Templates, From, Tokens
// and BaseURL are needed only to compose notices (plan, preview, send).
type Deps struct {
	Incidents leakdesk.IncidentService
	Notices   leakdesk.NoticeService
	Findings  leakdesk.FindingsService
	// Approvals, when set, holds waivers for a second approval on the
	// incidents that require one.
	Approvals leakdesk.ApprovalService
	// DB is the incident store's database, with its dialect ("sqlite" or
	// "postgres"): jobs are queued there in the same transaction as the
	// deliveries they send.
	DB      *sql.DB
	Dialect string

	Templates *Templates
	From      From
	Tokens    *Tokens
	BaseURL   string // where "leakdesk serve" answers acknowledgement links
	// Portal, when set, gives each organisation's people the private link
	// to its portal page in every notice.
	Portal leakdesk.PortalService
	// Rescues registers the job kinds of the other processes that share
	// River's tables (see QueueConfig).
	Rescues func(*river.Workers)

	Logger *slog.Logger
	Now    func() time.Time
}

// Campaigns runs an incident's notices from start to end: who is told,
// what they are told, sending it, and who was reached. The command line
// and the server call it alike.
type Campaigns struct{ deps Deps }

// NewCampaigns returns the campaign service over deps.
func NewCampaigns(deps Deps) *Campaigns {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	return &Campaigns{deps: deps}
}

// composer is made for each run, so that what it reads of an incident once
// (facts, earlier notices) is never older than the run.
func (c *Campaigns) composer() *Composer {
	d := c.deps
	return &Composer{Templates: d.Templates, From: d.From, Tokens: d.Tokens, BaseURL: d.BaseURL, Portal: d.Portal, Incidents: d.Incidents, Notices: d.Notices, Now: d.Now}
}

// AudienceRequest says how to refresh an incident's audience from its
// findings.
type AudienceRequest struct {
	Incident int64
	Registry string // read addresses and languages again from this registry file
	Former   bool   // also tell the former contacts of the findings
}

// audience is an incident's audience as sending would make it: the
// recipients already stored, refreshed from the latest findings and the
// registry. Nothing is stored; keep does that.
type audience struct {
	all      []*leakdesk.Recipient // everyone a notice would go to
	affected []*leakdesk.Recipient // from the findings (with former contacts, when asked), to store before sending
}

func (c *Campaigns) audience(ctx context.Context, req AudienceRequest) (*audience, error) {
	f, err := c.deps.Findings.LatestFindings(ctx, req.Incident)
	if err != nil && leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
		return nil, err
	}
	existing, err := c.deps.Notices.Recipients(ctx, req.Incident)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return &audience{all: existing}, nil
	}
	// The findings carry each contact's address as the registry held it at
	// matching time. The registry is read again only when named, or for
	// findings made before they carried addresses.
	registry := req.Registry
	var reg *match.Registry
	if registry == "" && !slices.ContainsFunc(f.Contacts, func(c leakdesk.AffectedContact) bool { return c.Email != "" || c.Phone != "" }) {
		registry = f.Registry
		if registry == "" {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "the findings do not name their registry: give --registry")
		}
	}
	if registry != "" {
		reader, err := dump.NewReader(dump.Options{})
		if err != nil {
			return nil, err
		}
		if reg, err = match.LoadRegistry(ctx, reader, match.NewNormaliser("FR"), registry, match.RegistryOptions{}); err != nil {
			return nil, err
		}
	}
	affected := Audience(f, reg)
	if req.Former {
		affected = append(affected, FormerAudience(f)...)
	}
	all := slices.Clone(affected)
	byKey := map[string]bool{}
	for _, r := range affected {
		byKey[r.Key] = true
	}
	for _, r := range existing {
		if !byKey[r.Key] {
			all = append(all, r)
		}
	}
	return &audience{all: all, affected: affected}, nil
}

// plannedAudience is the audience a notice would have now, stored nowhere.
// An empty one is refused: there is nobody to tell.
func (c *Campaigns) plannedAudience(ctx context.Context, req AudienceRequest) (*audience, error) {
	au, err := c.audience(ctx, req)
	if err != nil {
		return nil, err
	}
	if len(au.all) == 0 {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "%s has nobody to notify: run leakdesk match --incident first, or add recipients", leakdesk.FormatIncidentID(req.Incident))
	}
	return au, nil
}

// keep stores the audience's recipients from the findings: new ones, and
// changes to those stored before.
func (c *Campaigns) keep(ctx context.Context, incidentID int64, actor string, au *audience) error {
	if len(au.affected) == 0 {
		return nil
	}
	_, err := c.deps.Notices.AddRecipients(ctx, incidentID, actor, au.affected)
	return err
}

// check refuses a notice that cannot be composed for everyone: an unknown
// or broken template, or facts missing in a language of the audience.
func (c *Campaigns) check(ctx context.Context, incidentID int64, template string, audience []*leakdesk.Recipient) error {
	templates := c.deps.Templates
	if template == leakdesk.NoticeAnswer {
		return leakdesk.Errorf(leakdesk.EINVALID, "the %q template mails an answer to a question asked through the portal, to the one person the asker chose: it is not sent to an audience", template)
	}
	if !slices.Contains(templates.Names(), template) {
		return leakdesk.Errorf(leakdesk.EINVALID, "no template %q: templates are %s", template, strings.Join(templates.Names(), ", "))
	}
	if err := templates.Validate(template); err != nil {
		return err
	}
	facts, err := c.facts(ctx, incidentID)
	if err != nil {
		return err
	}
	if problems := MissingFacts(facts, audience); len(problems) > 0 {
		return leakdesk.Errorf(leakdesk.EINVALID, "a notice must say what GDPR Art. 34(2) requires; facts missing (%s): record each with leakdesk incident fact %s KEY \"TEXT\" (or KEY.fr / KEY.en for one language)",
			strings.Join(problems, "; "), leakdesk.FormatIncidentID(incidentID))
	}
	return nil
}

func (c *Campaigns) facts(ctx context.Context, incidentID int64) (map[string]string, error) {
	events, err := c.deps.Incidents.FindEvents(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	return leakdesk.Facts(events), nil
}
