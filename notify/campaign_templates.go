package notify

// TemplateNames lists the templates notices are composed from, sorted;
// none when the service composes no notices.
func (c *Campaigns) TemplateNames() []string {
	if c.deps.Templates == nil {
		return nil
	}
	return c.deps.Templates.Names()
}
