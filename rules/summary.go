package rules

import (
	"context"
	"fmt"
	"time"

	"github.com/leakdesk/leakdesk"
)

// IncidentSummary is an incident with its legal clocks and its evidence.
// Its JSON is the contract of "leakdesk incident show --format json".
type IncidentSummary struct {
	ID string `json:"id"`
	*leakdesk.Incident
	Deadlines []DeadlineLeft       `json:"deadlines"`
	Evidence  []*leakdesk.Evidence `json:"evidence"`
}

// DeadlineLeft is a deadline with the time left, or how late it is, while
// it runs. Its JSON is the contract of "leakdesk deadlines --format json".
type DeadlineLeft struct {
	leakdesk.Deadline
	Left string `json:"left,omitempty"`
}

// Summary assembles incident id's summary at now. Returns ENOTFOUND.
func (s *Services) Summary(ctx context.Context, id int64, now time.Time) (*IncidentSummary, error) {
	sum, _, err := s.summary(ctx, id, now)
	return sum, err
}

// summary returns the summary with the filings its clocks were computed
// from.
func (s *Services) summary(ctx context.Context, id int64, now time.Time) (*IncidentSummary, []*leakdesk.Filing, error) {
	inc, err := s.Incidents.FindIncidentByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	filings, err := s.Incidents.FindFilings(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	deadlines, err := s.Rules.Deadlines(inc, filings, now)
	if err != nil {
		return nil, nil, err
	}
	evidence, err := s.Evidence.FindEvidence(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	sum := &IncidentSummary{ID: inc.PublicID(), Incident: inc, Evidence: evidence, Deadlines: []DeadlineLeft{}}
	if sum.Evidence == nil {
		sum.Evidence = []*leakdesk.Evidence{}
	}
	for _, d := range deadlines {
		left := DeadlineLeft{Deadline: d}
		if d.Status == leakdesk.DeadlineDue || d.Status == leakdesk.DeadlineLate {
			left.Left = TimeLeft(d.Due, now)
		}
		sum.Deadlines = append(sum.Deadlines, left)
	}
	return sum, filings, nil
}

// TimeLeft says how long is left until due, or how late it is; "-" when
// there is no due time.
func TimeLeft(due, now time.Time) string {
	if due.IsZero() {
		return "-"
	}
	d := due.Sub(now).Round(time.Minute)
	if d < 0 {
		return "late by " + Duration(-d)
	}
	return Duration(d)
}

// Duration says d in days, hours and minutes, as clocks are read.
func Duration(d time.Duration) string {
	days, hours, minutes := int(d.Hours())/24, int(d.Hours())%24, int(d.Minutes())%60
	if days > 0 {
		return fmt.Sprintf("%dd %02dh %02dm", days, hours, minutes)
	}
	return fmt.Sprintf("%dh %02dm", hours, minutes)
}
