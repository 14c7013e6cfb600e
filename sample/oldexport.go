package sample

import (
	"fmt"
	"io"
	"time"
)

// OldExportTruth says who an old export's leak holds.
type OldExportTruth struct {
	// Contacts are the registry's contacts written, as they were then.
	Contacts []string `json:"contacts"`
	// Changed are those of them whose e-mail address and mobile number
	// have both changed since.
	Changed []string `json:"changed"`
}

// WriteOldExportLeak writes, as CSV, a leak of the export of the renewals
// report (full name, organisation, e-mail, mobile; no landline) made at:
// every contact then in the registry and still in it at the incident,
// with the values they held at that time.
func (s *Scenario) WriteOldExportLeak(w io.Writer, at time.Time) (OldExportTruth, error) {
	var truth OldExportTruth
	header := []string{colFullName, colOrganisation, colEmail, colMobile}
	var rows [][]string
	for _, p := range s.Registry {
		if !activeAt(p.Joined, p.Left, at) {
			continue
		}
		v := s.world.row(p, at, PhoneIntl)
		rows = append(rows, []string{v[colFullName], v[colOrganisation], v[colEmail], v[colMobile]})
		truth.Contacts = append(truth.Contacts, p.ID)
		then, now := p.Value(fieldMobile, at), p.Value(fieldMobile, s.Config.Incident)
		if then != "" && then != now && p.Value(fieldEmail, at) != p.Value(fieldEmail, s.Config.Incident) {
			truth.Changed = append(truth.Changed, p.ID)
		}
	}
	b, err := render(FormatCSV, header, rows)
	if err != nil {
		return truth, fmt.Errorf("old export: %w", err)
	}
	_, err = w.Write(b)
	return truth, err
}
