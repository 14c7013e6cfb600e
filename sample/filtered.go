package sample

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// rowKind is a kind of row a leaker can keep by looking at a broad export:
// the organisation's name, country or offers tell it.
type rowKind struct {
	Name string
	Stem string
	Keep func(o *Organisation) bool
}

func rowKinds() []rowKind {
	return []rowKind{
		{"Annuaire secteur public", "annuaire_secteur_public", func(o *Organisation) bool { return o.PublicSector }},
		{"Contacts Belgique", "contacts_belgique", func(o *Organisation) bool { return o.Country == "BE" }},
		{"Clients MDR", "clients_mdr", func(o *Organisation) bool { return slices.Contains(o.Offers, "MDR") }},
	}
}

// GenerateFiltered builds a scenario whose leak was filtered by the leaker:
// it holds only the rows of one kind (public bodies, one country's or one
// offer's customers, chosen by the seed) of a broad export of every
// customer. Three to six weeks later another team exported the same kind
// of rows in a narrower report, without phone numbers; it therefore holds
// about the same rows as the leak, with newer values. The other exports of
// Generate stay as further candidates, none of them within a week of the
// broad export, so that the source's values set it apart.
func GenerateFiltered(cfg Config) (*Scenario, error) {
	s, err := Generate(cfg)
	if err != nil {
		return nil, err
	}
	w := s.world
	kind := rowKinds()[w.rng.IntN(len(rowKinds()))]
	at, err := s.quietDay()
	if err != nil {
		return nil, err
	}
	broad := reports()[0]
	var users []string
	for _, e := range s.Exports {
		if !slices.Contains(users, e.User) {
			users = append(users, e.User)
		}
	}
	i := w.rng.IntN(len(users))
	formats := []string{FormatCSV, FormatCSVExcelFR, FormatXLSX}
	source := &Export{User: users[i], Report: broad.Name, At: at, Format: formats[w.rng.IntN(len(formats))],
		PhoneLayout: phoneLayouts()[w.rng.IntN(len(phoneLayouts()))], French: w.chance(0.7), Columns: broad.Columns}
	// Another team: anyone but the broad export's author.
	narrow := &Export{User: users[(i+1+w.rng.IntN(len(users)-1))%len(users)], Report: kind.Name, At: at.AddDate(0, 0, 21+w.rng.IntN(22)),
		Format: FormatCSV, Columns: []string{colOrganisation, colLastName, colFirstName, colTitle, colEmail, colCity}}
	for _, e := range []struct {
		spec *Export
		r    report
	}{
		{source, broad},
		{narrow, report{Name: kind.Name, Stem: kind.Stem, Columns: narrow.Columns, Filter: func(o *Organisation, _ *Contact) bool { return kind.Keep(o) }}},
	} {
		ext := ".csv"
		if e.spec.Format == FormatXLSX {
			ext = ".xlsx"
		}
		_, surname, _ := strings.Cut(e.spec.User, ".")
		e.spec.File = fmt.Sprintf("%s_%s_%s%s", e.r.Stem, e.spec.At.Format("2006-01-02"), surname, ext)
		if err := w.makeExport(e.spec, e.r); err != nil {
			return nil, err
		}
		s.Exports = append(s.Exports, e.spec)
	}
	slices.SortStableFunc(s.Exports, func(a, b *Export) int { return a.At.Compare(b.At) })
	for i, e := range s.Exports {
		e.ID = fmt.Sprintf("EXP-%02d", i+1)
	}

	// What the leaker kept: the broad export's rows of that kind.
	view := *source
	view.Contacts = slices.DeleteFunc(slices.Clone(source.Contacts), func(id string) bool {
		return !kind.Keep(w.org(w.contacts[contactIndex(id)].OrgID))
	})
	if len(view.Contacts) == 0 {
		return nil, fmt.Errorf("no %s row in the export of %s: add organisations", kind.Name, at.Format("2006-01-02"))
	}
	s.Source = source
	s.Leak = w.makeLeak(&view, s.strangers, s.Config)
	return s, nil
}

// quietDay picks a working day, at least eight weeks before the incident,
// that is more than a week away from every planned export.
func (s *Scenario) quietDay() (time.Time, error) {
	w, cfg := s.world, s.Config
	first, last := cfg.Start.AddDate(0, 1, 0), cfg.Incident.AddDate(0, 0, -8*7)
	var days []time.Time
	for d := first; d.Before(last); d = d.AddDate(0, 0, 1) {
		near := slices.ContainsFunc(s.Exports, func(e *Export) bool { return d.Sub(e.At).Abs() <= 7*24*time.Hour })
		if !near && d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			days = append(days, d)
		}
	}
	if len(days) == 0 {
		return time.Time{}, fmt.Errorf("no day is a week away from every export: lengthen the period or lower the exports")
	}
	d := days[w.rng.IntN(len(days))]
	return time.Date(d.Year(), d.Month(), d.Day(), 8+w.rng.IntN(10), w.rng.IntN(60), 0, 0, d.Location()), nil
}
