// Package rules holds regulatory regimes as data and computes an incident's
// deadlines from them.
package rules

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
)

//go:embed regimes/*.json countries.json holidays.json reports/*.json
var embedded embed.FS

// Regime is one body of law or contract that imposes notification duties.
type Regime struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Sources     []Source     `json:"sources"`
	Obligations []Obligation `json:"obligations"`

	// file is the regime file as read, kept for the incidents that use a
	// regime that is not embedded (custom); see ForIncident.
	file   []byte
	custom bool
}

// Source is where a regime's rules come from.
type Source struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Obligation is one duty to tell someone something by some time.
type Obligation struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Article string   `json:"article"`
	From    string   `json:"from"`
	To      string   `json:"to"`
	Roles   []string `json:"roles,omitempty"` // empty: applies whatever the incident's role

	// Starts is "awareness"; "filed:OBLIGATION" for a clock that starts
	// when another obligation is first filed; or "latest:OBLIGATION" for
	// one that restarts with each filing of it (DORA's final report runs
	// from the latest updated intermediate report).
	Starts string `json:"starts"`
	// Within is a duration in hours ("72h"), days ("5 days") or months
	// ("1 month"), or "without undue delay" where the law sets no time.
	// Days and months end at the end of their last day (Regulation 1182/71
	// Art. 3(2)(b) and (c)); end_of_day is accepted for older files.
	Within   string `json:"within"`
	EndOfDay bool   `json:"end_of_day,omitempty"`
	// RollWeekend moves the end of a period of days or months that falls on
	// a Saturday, a Sunday or, with RollHolidays, a public holiday of the
	// incident's country to the end of the next working day (Regulation
	// 1182/71 Art. 3(4)). Refused on hour periods, which that article
	// leaves alone.
	RollWeekend  bool `json:"roll_weekend,omitempty"`
	RollHolidays bool `json:"roll_holidays,omitempty"`
	// WorkingDayNoon moves a time limit that falls on a weekend day or a
	// public holiday of the incident's country to 12:00 of the next
	// working day (DORA RTS 2025/301 Art. 5(4)).
	WorkingDayNoon bool `json:"working_day_noon,omitempty"`
	// DelayReasons is the article that requires a filing after the time
	// limit to give the reasons for the delay ("GDPR Art. 33(1)"); such a
	// filing is refused without them. Empty: the law asks for none, and a
	// late filing is only warned about.
	DelayReasons string `json:"delay_reasons,omitempty"`
	// Also is a second clock; the obligation is due at the earlier of the
	// two ("within 4 hours of classification and at most 24 hours from
	// awareness").
	Also *Clock `json:"also,omitempty"`
	// Record marks a fact to record, not a duty: a request from the
	// authority, an incident still ongoing. It is not-applicable until
	// filed, then met, and never blocks closing.
	Record bool `json:"record,omitempty"`
	// OnlyIf names a record of the regime without which the obligation
	// does not exist (NIS2 Art. 23(4)(c): an intermediate report only on
	// request); Unless, one that replaces it once recorded (Art. 23(4)(e):
	// an ongoing incident files a progress report instead of the final one).
	OnlyIf   string    `json:"only_if,omitempty"`
	Unless   string    `json:"unless,omitempty"`
	Note     string    `json:"note,omitempty"`
	Contents []Content `json:"contents"`

	period period
}

// Clock is a second deadline rule.
type Clock struct {
	Starts string `json:"starts"`
	Within string `json:"within"`
	// AloneWhenLater: when this clock starts after the first one has run
	// out, it alone applies (DORA RTS 2025/301 Art. 5(2): an incident
	// classified as major more than 24 hours after awareness is notified
	// within 4 hours of its classification).
	AloneWhenLater bool `json:"alone_when_later,omitempty"`

	period period
}

// Content is one item the filing must contain.
type Content struct {
	Item    string `json:"item"`
	Article string `json:"article"`
}

// Rules is the set of known regimes.
type Rules struct {
	regimes  map[string]*Regime
	zones    map[string]string
	reports  map[string]*ReportKind
	holidays map[string][]holidayRule
}

// Load reads the embedded regimes, then every *.json file in dirs, which add
// regimes or replace embedded ones of the same ID: a national
// transposition, or a contract that promises customers notice within
// 24 hours.
func Load(dirs ...string) (*Rules, error) {
	r := &Rules{regimes: map[string]*Regime{}}
	zones, err := fs.ReadFile(embedded, "countries.json")
	if err != nil {
		return nil, fmt.Errorf("read countries: %w", err)
	}
	if err := json.Unmarshal(zones, &r.zones); err != nil {
		return nil, fmt.Errorf("parse countries.json: %w", err)
	}
	if err := r.loadReports(); err != nil {
		return nil, err
	}
	if err := r.loadHolidays(); err != nil {
		return nil, err
	}
	names, err := fs.Glob(embedded, "regimes/*.json")
	if err != nil {
		return nil, fmt.Errorf("list regimes: %w", err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(embedded, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		reg, err := parseRegime(path.Base(name), data)
		if err != nil {
			return nil, err
		}
		reg.custom = false
		r.regimes[reg.ID] = reg
	}
	for _, dir := range dirs {
		names, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "rules directory %s: %v", dir, err)
		}
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "rules directory %s does not exist", dir)
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				return nil, leakdesk.Errorf(leakdesk.EINVALID, "regime file %s cannot be read: %v", name, err)
			}
			if err := r.Add(name, data); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

// Add parses one regime file and adds it, replacing a regime of the same ID.
// Errors name the file and the field at fault.
func (r *Rules) Add(file string, data []byte) error {
	reg, err := parseRegime(file, data)
	if err != nil {
		return err
	}
	r.regimes[reg.ID] = reg
	return nil
}

// parseRegime reads and checks one regime file; it is custom until Load
// says it is embedded.
func parseRegime(file string, data []byte) (*Regime, error) {
	reg := Regime{file: data, custom: true}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&reg); err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "regime file %s: %v", file, err)
	}
	bad := func(field, format string, args ...any) error {
		return leakdesk.Errorf(leakdesk.EINVALID, "regime file %s: %s: %s", file, field, fmt.Sprintf(format, args...))
	}
	if !regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`).MatchString(reg.ID) {
		return nil, bad("id", "%q is not a lower-case name", reg.ID)
	}
	if len(reg.Sources) == 0 {
		return nil, bad("sources", "a regime must cite its sources")
	}
	ids := map[string]bool{}
	for i := range reg.Obligations {
		o := &reg.Obligations[i]
		field := fmt.Sprintf("obligations[%d]", i)
		if o.ID == "" || ids[o.ID] {
			return nil, bad(field+".id", "missing or repeated %q", o.ID)
		}
		ids[o.ID] = true
		if o.Title == "" || o.Article == "" {
			return nil, bad(field, "title and article are required")
		}
		for _, role := range o.Roles {
			if role != leakdesk.RoleController && role != leakdesk.RoleProcessor {
				return nil, bad(field+".roles", "unknown role %q", role)
			}
		}
		if _, ok := startsAfter(o.Starts); !ok && o.Starts != "awareness" {
			return nil, bad(field+".starts", "%q: want awareness, filed:OBLIGATION or latest:OBLIGATION", o.Starts)
		}
		p, err := parsePeriod(o.Within)
		if err != nil {
			return nil, bad(field+".within", "%v", err)
		}
		o.period = p
		if (o.RollWeekend || o.RollHolidays) && (p.hours > 0 || p.undueDelay) {
			return nil, bad(field+".roll_weekend", "Regulation 1182/71 Art. 3(4) moves periods of days, months or years, not %q", o.Within)
		}
		if o.RollHolidays && !o.RollWeekend {
			return nil, bad(field+".roll_holidays", "needs roll_weekend: Art. 3(4) moves a period that ends on a public holiday, Saturday or Sunday")
		}
		if o.Also != nil {
			if _, ok := startsAfter(o.Also.Starts); !ok && o.Also.Starts != "awareness" {
				return nil, bad(field+".also.starts", "%q: want awareness, filed:OBLIGATION or latest:OBLIGATION", o.Also.Starts)
			}
			if o.Also.period, err = parsePeriod(o.Also.Within); err != nil || o.Also.period.undueDelay {
				return nil, bad(field+".also.within", "want a period such as 4h")
			}
		}
		if o.Contents == nil {
			o.Contents = []Content{}
		}
	}
	records := map[string]bool{}
	for _, o := range reg.Obligations {
		records[o.ID] = o.Record
	}
	for i, o := range reg.Obligations {
		for field, id := range map[string]string{"only_if": o.OnlyIf, "unless": o.Unless} {
			if id != "" && !records[id] {
				return nil, bad(fmt.Sprintf("obligations[%d].%s", i, field), "%q is not a record (\"record\": true) of this regime", id)
			}
		}
		if after, ok := startsAfter(o.Starts); ok && !ids[after] {
			return nil, bad(fmt.Sprintf("obligations[%d].starts", i), "no obligation %q in this regime", after)
		}
		if o.Also != nil {
			if after, ok := startsAfter(o.Also.Starts); ok && !ids[after] {
				return nil, bad(fmt.Sprintf("obligations[%d].also.starts", i), "no obligation %q in this regime", after)
			}
		}
	}
	return &reg, nil
}

// Regime returns the regime with the given ID, or ENOTFOUND.
func (r *Rules) Regime(id string) (*Regime, error) {
	reg, ok := r.regimes[id]
	if !ok {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "unknown regime %q: known regimes are %s", id, strings.Join(r.RegimeIDs(), ", "))
	}
	return reg, nil
}

// ForIncident checks the regimes a new incident names and returns the
// files of those that are not embedded, to be stored with it: a regime
// read from --rules once must still give the incident's clocks when the
// directory is gone (see Incident.RegimeFiles).
func (r *Rules) ForIncident(ids []string) (map[string]json.RawMessage, error) {
	files := map[string]json.RawMessage{}
	for _, id := range ids {
		reg, err := r.Regime(id)
		if err != nil {
			return nil, err
		}
		if reg.custom {
			files[id] = json.RawMessage(reg.file)
		}
	}
	return files, nil
}

// regimeFor returns the regime an incident's clocks run on: one given
// again with --rules (a correction made on purpose), else the file stored
// with the incident, else the embedded one.
func (r *Rules) regimeFor(inc *leakdesk.Incident, id string) (*Regime, error) {
	if reg, ok := r.regimes[id]; ok && reg.custom {
		return reg, nil
	}
	if file, ok := inc.RegimeFiles[id]; ok {
		reg, err := parseRegime(inc.PublicID()+"'s stored regime "+id, file)
		if err != nil {
			return nil, err
		}
		return reg, nil
	}
	return r.Regime(id)
}

// Obligation finds an obligation of one of the incident's regimes by its
// ID. Returns ENOTFOUND naming the obligations that exist.
func (r *Rules) Obligation(inc *leakdesk.Incident, id string) (*Obligation, error) {
	var known []string
	for _, rid := range inc.Regimes {
		reg, err := r.regimeFor(inc, rid)
		if err != nil {
			return nil, err
		}
		for i := range reg.Obligations {
			if reg.Obligations[i].ID == id {
				return &reg.Obligations[i], nil
			}
			known = append(known, reg.Obligations[i].ID)
		}
	}
	return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "no obligation %q under %s; known: %s", id, strings.Join(inc.Regimes, ", "), strings.Join(known, ", "))
}

// RegimeIDs lists the known regimes in order.
func (r *Rules) RegimeIDs() []string {
	ids := make([]string, 0, len(r.regimes))
	for id := range r.regimes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// TimeZone returns the IANA time zone of a country's capital, or "".
func (r *Rules) TimeZone(country string) string { return r.zones[country] }

// period is a parsed "within".
type period struct {
	undueDelay bool
	hours      int
	days       int
	months     int
}

func parsePeriod(s string) (period, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "without undue delay" {
		return period{undueDelay: true}, nil
	}
	m := regexp.MustCompile(`^(\d+)\s*(h|hours?|days?|months?)$`).FindStringSubmatch(s)
	if m == nil {
		return period{}, fmt.Errorf("%q: want 72h, 5 days, 1 month or without undue delay", s)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n == 0 || n > 10000 {
		return period{}, fmt.Errorf("%q: a period runs at least 1 and at most 10000 of its unit", s)
	}
	switch m[2][0] {
	case 'h':
		return period{hours: n}, nil
	case 'd':
		return period{days: n}, nil
	default:
		return period{months: n}, nil
	}
}

// startsAfter returns the obligation that a "filed:X" or "latest:X" start
// waits for.
func startsAfter(starts string) (string, bool) {
	for _, prefix := range []string{"filed:", "latest:"} {
		if after, ok := strings.CutPrefix(starts, prefix); ok && after != "" {
			return after, true
		}
	}
	return "", false
}

// filedAt is when an obligation was first and last filed.
type filedAt struct{ first, latest time.Time }

func filedTimes(filings []*leakdesk.Filing) map[string]filedAt {
	out := map[string]filedAt{}
	for _, f := range filings {
		t, ok := out[f.Obligation]
		if !ok || f.FiledAt.Before(t.first) {
			t.first = f.FiledAt
		}
		if f.FiledAt.After(t.latest) {
			t.latest = f.FiledAt
		}
		out[f.Obligation] = t
	}
	return out
}

// clockStart returns when a clock that starts at starts began, or zero.
func clockStart(starts string, inc *leakdesk.Incident, filed map[string]filedAt) time.Time {
	if after, ok := strings.CutPrefix(starts, "latest:"); ok {
		return filed[after].latest
	}
	if after, ok := strings.CutPrefix(starts, "filed:"); ok {
		return filed[after].first
	}
	return inc.AwareAt
}

// calendar knows the incident's time zone and its country's public
// holidays.
type calendar struct {
	r       *Rules
	country string
	loc     *time.Location
}

func (c calendar) workingDay(t time.Time) bool {
	t = t.In(c.loc)
	if t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		return false
	}
	_, holiday := c.r.Holiday(c.country, t)
	return !holiday
}

func endOfDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, t.Location())
}

// periodEnd is when a period that starts at start runs out, before any
// working-day relief.
func (o *Obligation) periodEnd(p period, start time.Time, cal calendar) time.Time {
	if p.hours > 0 {
		// Hours are elapsed time: a DST change does not move the deadline.
		return start.Add(time.Duration(p.hours) * time.Hour)
	}
	// Regulation 1182/71 Art. 3(1) and 3(2)(b), (c): the day of the event
	// is not counted, and a period of days or months ends with the last
	// hour of its last day.
	t := endOfDay(addMonthsClamped(start.In(cal.loc), p.months).AddDate(0, 0, p.days))
	if o.RollWeekend {
		// Art. 3(4): an end on a public holiday, a Saturday or a Sunday
		// moves to the end of the next working day.
		for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday || (o.RollHolidays && !cal.workingDay(t)) {
			t = endOfDay(t.AddDate(0, 0, 1))
		}
	}
	return t
}

// due applies the working-day relief of DORA RTS 2025/301 Art. 5(4) to a
// period's end: on a weekend day or a public holiday, the report may be
// submitted by 12:00 of the next working day.
func (o *Obligation) due(p period, start time.Time, cal calendar) time.Time {
	t := o.periodEnd(p, start, cal)
	if !o.WorkingDayNoon || cal.workingDay(t) {
		return t
	}
	d := t.In(cal.loc)
	for d = d.AddDate(0, 0, 1); !cal.workingDay(d); d = d.AddDate(0, 0, 1) {
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, cal.loc)
}

// addMonthsClamped adds months the way Regulation 1182/71 counts them: the
// same day of the later month, or its last day when it has no such day
// (31 January + 1 month is 28 or 29 February, not 3 March).
func addMonthsClamped(t time.Time, months int) time.Time {
	if months == 0 {
		return t
	}
	first := time.Date(t.Year(), t.Month()+time.Month(months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(t.Day(), last), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// Deadlines computes every obligation of the incident's regimes at now,
// from the filings made so far.
func (r *Rules) Deadlines(inc *leakdesk.Incident, filings []*leakdesk.Filing, now time.Time) ([]leakdesk.Deadline, error) {
	return r.deadlines(inc, filedTimes(filings), now)
}

func (r *Rules) deadlines(inc *leakdesk.Incident, filed map[string]filedAt, now time.Time) ([]leakdesk.Deadline, error) {
	cal := calendar{r: r, country: inc.Country, loc: inc.Location()}
	var out []leakdesk.Deadline
	for _, id := range inc.Regimes {
		reg, err := r.regimeFor(inc, id)
		if err != nil {
			return nil, err
		}
		for i := range reg.Obligations {
			o := &reg.Obligations[i]
			d := leakdesk.Deadline{Regime: reg.ID, Obligation: o.ID, Title: o.Title, Article: o.Article, From: o.From, To: o.To}
			out = append(out, o.status(d, inc, filed, now, cal))
		}
	}
	return out, nil
}

func (o *Obligation) status(d leakdesk.Deadline, inc *leakdesk.Incident, filed map[string]filedAt, now time.Time, cal calendar) leakdesk.Deadline {
	loc := cal.loc
	if len(o.Roles) > 0 && !slices.Contains(o.Roles, inc.Role) {
		d.Status, d.Reason = leakdesk.DeadlineNotApplicable, fmt.Sprintf("applies to a %s; this incident's role is %s", strings.Join(o.Roles, " or "), inc.Role)
		return d
	}
	switch {
	case o.Record && !filed[o.ID].first.IsZero():
		d.Status, d.FiledAt, d.Reason = leakdesk.DeadlineMet, filed[o.ID].first, "recorded "+filed[o.ID].first.In(loc).Format(time.RFC3339)
		return d
	case o.Record:
		d.Status, d.Reason = leakdesk.DeadlineNotApplicable, "a fact to record if it happens ("+o.Article+")"
		return d
	case o.OnlyIf != "" && filed[o.OnlyIf].first.IsZero():
		d.Status, d.Reason = leakdesk.DeadlineNotApplicable, "owed only once "+o.OnlyIf+" is recorded ("+o.Article+")"
		return d
	case o.Unless != "" && !filed[o.Unless].first.IsZero():
		d.Status, d.Reason = leakdesk.DeadlineNotApplicable, "replaced, as "+o.Unless+" is recorded ("+o.Article+")"
		return d
	}
	start := clockStart(o.Starts, inc, filed)
	if start.IsZero() {
		d.Status, d.Reason = leakdesk.DeadlineNotStarted, "the awareness time is not recorded"
		if after, ok := startsAfter(o.Starts); ok {
			d.Reason = "starts when " + after + " is filed"
		}
		return d
	}
	d.FiledAt = filed[o.ID].first
	isFiled := !d.FiledAt.IsZero()
	if o.period.undueDelay {
		d.Status, d.Reason = leakdesk.DeadlineDue, "without undue delay: the law sets no fixed time"
		if isFiled {
			d.Status, d.Reason = leakdesk.DeadlineMet, "filed "+d.FiledAt.In(loc).Format(time.RFC3339)
		}
		return d
	}
	d.Due = o.due(o.period, start, cal).In(loc)
	var notes []string
	if o.Also != nil {
		alsoStart := clockStart(o.Also.Starts, inc, filed)
		after, _ := startsAfter(o.Also.Starts)
		switch {
		case alsoStart.IsZero():
			notes = append(notes, "or "+o.Also.Within+" after "+after+" is filed, if earlier")
		case o.Also.AloneWhenLater && alsoStart.After(o.periodEnd(o.period, start, cal)):
			d.Due = o.due(o.Also.period, alsoStart, cal).In(loc)
			notes = append(notes, fmt.Sprintf("%s was filed after the first %s had run out: %s from it alone", after, o.Within, o.Also.Within))
		default:
			if also := o.due(o.Also.period, alsoStart, cal).In(loc); also.Before(d.Due) {
				d.Due = also
			}
		}
	}
	if (o.RollHolidays || o.WorkingDayNoon) && !cal.r.HasHolidays(inc.Country) {
		notes = append(notes, fmt.Sprintf("public holidays not counted: no holiday data for country %q", inc.Country))
	}
	switch {
	case isFiled && !d.FiledAt.After(d.Due):
		d.Status = leakdesk.DeadlineMet
		notes = append([]string{"filed " + d.FiledAt.In(loc).Format(time.RFC3339)}, notes...)
	case isFiled:
		d.Status = leakdesk.DeadlineLate
		notes = append([]string{"filed late, " + d.FiledAt.In(loc).Format(time.RFC3339) + ": the filing must give the reasons for the delay"}, notes...)
	case now.After(d.Due):
		d.Status = leakdesk.DeadlineLate
		notes = append([]string{"overdue by " + now.Sub(d.Due).Round(time.Minute).String()}, notes...)
	default:
		d.Status = leakdesk.DeadlineDue
	}
	d.Reason = strings.Join(notes, "; ")
	return d
}
