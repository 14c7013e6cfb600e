package notify

import (
	"context"
	"slices"

	"github.com/leakdesk/leakdesk"
)

// TemplateNames lists the templates notices are composed from, sorted;
// none when the service composes no notices. The answer template is not
// one: it mails one answer to one person.
func (c *Campaigns) TemplateNames() []string {
	if c.deps.Templates == nil {
		return nil
	}
	return slices.DeleteFunc(c.deps.Templates.Names(), func(name string) bool { return name == leakdesk.NoticeAnswer })
}

// FirstRecipient returns the first of the audience a notice would go to
// now, to preview a notice for, before anything is sent. Returns
// ENOTFOUND when the audience is empty.
func (c *Campaigns) FirstRecipient(ctx context.Context, req AudienceRequest) (*leakdesk.Recipient, error) {
	au, err := c.plannedAudience(ctx, req)
	if err != nil {
		return nil, err
	}
	if len(au.all) == 0 {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "the audience of %s is empty: there is nobody to preview a notice for", leakdesk.FormatIncidentID(req.Incident))
	}
	return au.all[0], nil
}
