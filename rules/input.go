package rules

import (
	"context"
	"time"

	"github.com/leakdesk/leakdesk"
)

// ReportInput gathers what the reports of incident id draw on at now: the
// incident, its clocks, filings, evidence, timeline and facts, its latest
// confirmed assessment, how far the people were told, and whether the
// record holds. Returns ENOTFOUND.
func (s *Services) ReportInput(ctx context.Context, id int64, now time.Time) (ReportInput, error) {
	sum, filings, err := s.summary(ctx, id, now)
	if err != nil {
		return ReportInput{}, err
	}
	events, err := s.Incidents.FindEvents(ctx, id)
	if err != nil {
		return ReportInput{}, err
	}
	record, err := s.recordState(ctx, sum.Incident, now)
	if err != nil {
		return ReportInput{}, err
	}
	in := ReportInput{Incident: sum.Incident, Filings: filings, Evidence: sum.Evidence, Events: events, Facts: leakdesk.Facts(events), Record: record}
	if in.Facts[InformedFact] == "" {
		if err := s.informedFacts(ctx, id, in.Facts); err != nil {
			return ReportInput{}, err
		}
	}
	for _, d := range sum.Deadlines {
		in.Deadlines = append(in.Deadlines, d.Deadline)
	}
	switch _, as, err := leakdesk.LatestAssessment(events); {
	case err == nil:
		f := as.Findings
		in.Severity, in.Categories, in.Special = &as.Severity, f.Categories, f.Special
		in.Persons, in.PersonsHow, in.Records, in.People = f.Persons, f.PersonsHow, f.Records, f.People
	case leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND:
		return ReportInput{}, err
	}
	return in, nil
}

// Report fills the report of kind in lang for incident id at now. Returns
// EINVALID for an unknown kind or language, and ENOTFOUND.
func (s *Services) Report(ctx context.Context, id int64, kind, lang string, now time.Time) (*Report, error) {
	k, err := s.Rules.ReportKind(kind)
	if err != nil {
		return nil, err
	}
	in, err := s.ReportInput(ctx, id, now)
	if err != nil {
		return nil, err
	}
	return k.Build(lang, in, now)
}

// InformedFact is the fact said from the notices once they went out,
// unless a responder recorded it.
const InformedFact = "subjects_informed"

// informedFacts says, in each language, how far the people concerned were
// told, from the incident's notices.
func (s *Services) informedFacts(ctx context.Context, id int64, facts map[string]string) error {
	notices, err := s.Notices.Notices(ctx, id)
	if err != nil || len(notices) == 0 {
		return err
	}
	// The counts alone: no page of recipients.
	board, err := s.Notices.CoverageBoard(ctx, id, 0, 0)
	if err != nil {
		return err
	}
	updates, since := len(notices)-1, notices[0].CreatedAt
	for _, lang := range []string{"fr", "en"} {
		facts[InformedFact+"."+lang] = SubjectsInformed(lang, board.Summary, board.NotInList, since, updates)
	}
	return nil
}
