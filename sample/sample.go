// Package sample generates deterministic synthetic incidents: a customer
// registry that changes over a year, the files employees exported from it,
// one of them leaked and damaged, and the truth about it all. Every person,
// organisation, number and address is invented.
package sample

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Config sets the size and shape of a scenario. Zero fields take defaults.
type Config struct {
	Seed            uint64
	Organisations   int       // customers at the start; default 180
	Start           time.Time // first day of the registry's history; default 2026-01-05
	Incident        time.Time // when the leak is found; default 2026-09-21 21:30 Paris time
	Exports         int       // files exported during the period; default 10
	LeakStyle       string    // one of LeakStyles(); default chosen by the seed
	LeakPhoneLayout string    // default chosen by the seed
}

func (c Config) withDefaults() (Config, error) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return c, fmt.Errorf("load time zone: %w", err)
	}
	if c.Organisations == 0 {
		c.Organisations = 180
	}
	if c.Start.IsZero() {
		c.Start = time.Date(2026, 1, 5, 9, 0, 0, 0, paris)
	}
	if c.Incident.IsZero() {
		c.Incident = time.Date(2026, 9, 21, 21, 30, 0, 0, paris)
	}
	if c.Exports == 0 {
		c.Exports = 10
	}
	switch {
	case c.Organisations < 5:
		return c, fmt.Errorf("organisations: want at least 5, got %d", c.Organisations)
	case c.Exports < 3:
		return c, fmt.Errorf("exports: want at least 3, got %d", c.Exports)
	case !c.Incident.After(c.Start.AddDate(0, 2, 0)):
		return c, fmt.Errorf("the incident must come at least two months after the start")
	case c.LeakStyle != "" && !slices.Contains(LeakStyles(), c.LeakStyle):
		return c, fmt.Errorf("leak style %q: want one of %s", c.LeakStyle, strings.Join(LeakStyles(), ", "))
	case c.LeakPhoneLayout != "" && !slices.Contains(phoneLayouts(), c.LeakPhoneLayout):
		return c, fmt.Errorf("phone layout %q: want one of %s", c.LeakPhoneLayout, strings.Join(phoneLayouts(), ", "))
	}
	return c, nil
}

// Scenario is a generated incident.
type Scenario struct {
	Config   Config
	world    *world
	Registry []*Contact // the registry on the day of the incident
	History  []Change
	Exports  []*Export
	Source   *Export
	Leak     *Leak

	strangers *world // the people a seller mixes into a leak
}

// Organisation returns the organisation with the given ID.
func (s *Scenario) Organisation(id string) *Organisation { return s.world.org(id) }

// Generate builds a scenario. The same Config always gives the same scenario.
func Generate(cfg Config) (*Scenario, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	d, err := loadData()
	if err != nil {
		return nil, err
	}
	newWorld := func(stream uint64) *world {
		return &world{rng: rand.New(rand.NewPCG(cfg.Seed, stream)), data: d, phones: map[string]bool{}, domains: map[string]bool{}, emails: map[string]bool{}}
	}
	w := newWorld(1)
	for range cfg.Organisations {
		w.newOrganisation(cfg.Start)
	}
	w.simulate(cfg.Start, cfg.Incident)

	s := &Scenario{Config: cfg, world: w, Registry: w.snapshot(cfg.Incident), History: w.history}
	if err := s.planExports(); err != nil {
		return nil, err
	}
	// Strangers come from a world of their own, sharing no phone, e-mail or
	// domain with the registry.
	strangers := newWorld(2)
	strangers.phones, strangers.domains, strangers.emails = w.phones, w.domains, w.emails
	strangers.nextOrg = 9000
	for range 12 {
		strangers.newOrganisation(cfg.Start)
	}
	s.strangers = strangers
	s.Leak = w.makeLeak(s.Source, strangers, cfg)
	return s, nil
}

// planExports spreads exports over the period and makes one of them the
// source of the leak. The source always has a twin: the same report, by the
// same person, in the same format, four weeks apart, which is the hardest
// case for tracing.
func (s *Scenario) planExports() error {
	w, cfg := s.world, s.Config
	users := []string{"c.roux", "j.morel", "l.garnier", "m.lefebvre", "s.petit", "a.benali", "t.nguyen"}
	reps := reports()
	formats := []string{FormatCSV, FormatCSVExcelFR, FormatXLSX}
	span := cfg.Incident.Sub(cfg.Start) - 6*7*24*time.Hour
	var specs []*Export
	for i := range cfg.Exports - 1 {
		r := reps[w.rng.IntN(len(reps))]
		if i%3 == 1 {
			r = reps[1] // the report everybody uses
		}
		at := cfg.Start.Add(time.Duration(float64(span) * (float64(i) + w.rng.Float64()*0.6) / float64(cfg.Exports-1)))
		at = time.Date(at.Year(), at.Month(), at.Day(), 8+w.rng.IntN(10), w.rng.IntN(60), 0, 0, at.Location())
		if at.Before(cfg.Start) {
			// Office hours on the first day can fall before the registry
			// exists; such an export would be empty.
			at = at.AddDate(0, 0, 1)
		}
		specs = append(specs, &Export{
			User: users[w.rng.IntN(len(users))], Report: r.Name, At: at,
			Format: formats[w.rng.IntN(len(formats))], PhoneLayout: phoneLayouts()[w.rng.IntN(len(phoneLayouts()))],
			French: w.chance(0.7), Columns: r.Columns,
		})
	}
	// The source: a Micro-SOC export with its twin four weeks later.
	var candidates []*Export
	for _, e := range specs {
		if e.Report == reps[1].Name && e.At.AddDate(0, 0, 28).Before(cfg.Incident.AddDate(0, 0, -7)) {
			candidates = append(candidates, e)
		}
	}
	if len(candidates) == 0 {
		return fmt.Errorf("no export can be the source: lengthen the period or add exports")
	}
	src := candidates[w.rng.IntN(len(candidates))]
	twin := *src
	twin.At = src.At.AddDate(0, 0, 28)
	specs = append(specs, &twin)
	slices.SortFunc(specs, func(a, b *Export) int { return a.At.Compare(b.At) })

	for i, e := range specs {
		e.ID = fmt.Sprintf("EXP-%02d", i+1)
		var r report
		for _, candidate := range reps {
			if candidate.Name == e.Report {
				r = candidate
			}
		}
		ext := ".csv"
		if e.Format == FormatXLSX {
			ext = ".xlsx"
		}
		e.File = fmt.Sprintf("%s_%s_%s%s", r.Stem, e.At.Format("2006-01-02"), strings.TrimPrefix(e.User[strings.Index(e.User, ".")+1:], "."), ext)
		if err := w.makeExport(e, r); err != nil {
			return err
		}
	}
	s.Exports, s.Source = specs, src
	return nil
}

// Truth is what a perfect responder would conclude.
type Truth struct {
	Seed             uint64   `json:"seed"`
	LeakFile         string   `json:"leak_file"`
	LeakStyle        string   `json:"leak_style"`
	LeakPhoneStyle   string   `json:"leak_phone_style"`
	LeakMojibake     bool     `json:"leak_mojibake"`
	SourceExport     string   `json:"source_export"`
	SourceExportID   string   `json:"source_export_id"`
	LeakedContacts   int      `json:"leaked_contacts_total"`
	StrangerRows     int      `json:"stranger_rows"`
	AffectedContacts []string `json:"affected_contacts"`
	AffectedOrgs     []string `json:"affected_orgs"`
	// Leaked contacts who are no longer in the registry.
	DepartedContacts []string `json:"departed_contacts"`
	// For each leak record in reading order (1-based), the contact it holds,
	// or "" for a stranger.
	RowContacts []string `json:"row_contacts"`
}

// Truth returns the answers.
func (s *Scenario) Truth() Truth {
	t := Truth{
		Seed: s.Config.Seed, LeakFile: "leak/" + s.Leak.File, LeakStyle: s.Leak.Style, LeakPhoneStyle: s.Leak.PhoneLayout,
		LeakMojibake: s.Leak.Mojibake, SourceExport: s.Source.File, SourceExportID: s.Source.ID, RowContacts: s.Leak.RowContacts,
		AffectedContacts: []string{}, AffectedOrgs: []string{}, DepartedContacts: []string{},
	}
	current := map[string]*Contact{}
	for _, p := range s.Registry {
		current[p.ID] = p
	}
	seen, orgs := map[string]bool{}, map[string]bool{}
	for _, id := range s.Leak.RowContacts {
		if id == "" {
			t.StrangerRows++
			continue
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		t.LeakedContacts++
		if p, ok := current[id]; ok {
			t.AffectedContacts = append(t.AffectedContacts, id)
			if !orgs[p.OrgID] {
				orgs[p.OrgID] = true
				t.AffectedOrgs = append(t.AffectedOrgs, p.OrgID)
			}
		} else {
			t.DepartedContacts = append(t.DepartedContacts, id)
		}
	}
	slices.Sort(t.AffectedContacts)
	slices.Sort(t.AffectedOrgs)
	slices.Sort(t.DepartedContacts)
	return t
}

// LeakPath is where Write puts the leak, relative to its directory.
func (s *Scenario) LeakPath() string { return filepath.Join("leak", s.Leak.File) }

// Write lays the scenario out under dir: registry/, exports/, leak/ and
// truth.json.
func (s *Scenario) Write(dir string) error {
	for _, sub := range []string{"registry", "exports", "leak"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", sub, err)
		}
	}
	files := map[string][]byte{s.LeakPath(): s.Leak.content}
	registry, err := s.registryCSV()
	if err != nil {
		return err
	}
	files[filepath.Join("registry", "contacts.csv")] = registry
	history, err := s.historyCSV()
	if err != nil {
		return err
	}
	files[filepath.Join("registry", "history.csv")] = history
	var log [][]string
	for _, e := range s.Exports {
		files[filepath.Join("exports", e.File)] = e.content
		log = append(log, []string{e.ID, e.At.Format(time.RFC3339), e.User, e.Report, fmt.Sprint(len(e.Contacts)), e.File})
	}
	exportLog, err := renderCSV([]string{"export_id", "exported_at", "user", "report", "rows", "file"}, log, ',', false, nil)
	if err != nil {
		return err
	}
	files[filepath.Join("exports", "export_log.csv")] = exportLog
	truth, err := json.MarshalIndent(s.Truth(), "", " ")
	if err != nil {
		return fmt.Errorf("encode truth: %w", err)
	}
	files["truth.json"] = append(truth, '\n')
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// RegistryCSV returns the registry on the day of the incident as CSV, as
// Write lays it out in registry/contacts.csv.
func (s *Scenario) RegistryCSV() ([]byte, error) { return s.registryCSV() }

func (s *Scenario) registryCSV() ([]byte, error) {
	header := []string{colContactID, colOrgID, colOrganisation, colFirstName, colLastName, colTitle, colEmail, colPhone, colMobile, colCountry, colCity, colOffers, colPublic}
	rows := make([][]string, 0, len(s.Registry))
	for _, p := range s.Registry {
		values := s.world.row(p, s.Config.Incident, PhoneE164)
		row := make([]string, len(header))
		for i, col := range header {
			row[i] = values[col]
		}
		rows = append(rows, row)
	}
	return renderCSV(header, rows, ',', false, nil)
}

func (s *Scenario) historyCSV() ([]byte, error) {
	rows := make([][]string, 0, len(s.History))
	for _, c := range s.History {
		rows = append(rows, []string{c.At.Format(time.RFC3339), c.ContactID, c.OrgID, c.Field, c.Old, c.New})
	}
	out, err := renderCSV([]string{"at", "contact_id", "org_id", "field", "old", "new"}, rows, ',', false, nil)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return out, nil
}
