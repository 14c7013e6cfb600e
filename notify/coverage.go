package notify

import (
	"context"

	"github.com/leakdesk/leakdesk"
)

// Coverage is where every recipient of an incident stands: what "notify
// coverage" prints.
type Coverage struct {
	Incident  string         `json:"incident"`
	Counts    map[string]int `json:"counts"`
	Unreached int            `json:"unreached"`
	NotInList int            `json:"affected_not_in_audience"`
	// FormerNotInList counts the former contacts of the findings who could
	// be told and are not in the audience: telling them is a choice.
	FormerNotInList int                       `json:"former_not_in_audience"`
	Summary         leakdesk.CoverageSummary  `json:"summary"`
	Entries         []*leakdesk.CoverageEntry `json:"entries"`
}

// Coverage says where every recipient of the incident stands, and who of
// its findings is not in the audience.
func (c *Campaigns) Coverage(ctx context.Context, incidentID int64) (*Coverage, error) {
	entries, err := c.deps.Notices.Coverage(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	if entries == nil {
		entries = []*leakdesk.CoverageEntry{}
	}
	res := &Coverage{Incident: leakdesk.FormatIncidentID(incidentID), Counts: map[string]int{}, Entries: entries, Summary: leakdesk.SummariseCoverage(entries)}
	for _, e := range entries {
		res.Counts[e.State]++
		if e.Unreached() {
			res.Unreached++
		}
	}
	if res.NotInList, err = c.deps.Notices.AffectedOutsideAudience(ctx, incidentID); err != nil {
		return nil, err
	}
	switch f, err := c.deps.Findings.LatestFindings(ctx, incidentID); {
	case err == nil:
		res.FormerNotInList = FormerOutside(f, entriesRecipients(entries))
	case leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND:
		return nil, err
	}
	return res, nil
}

func entriesRecipients(entries []*leakdesk.CoverageEntry) []*leakdesk.Recipient {
	out := make([]*leakdesk.Recipient, len(entries))
	for i, e := range entries {
		out[i] = e.Recipient
	}
	return out
}
