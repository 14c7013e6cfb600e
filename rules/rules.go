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

//go:embed regimes/*.json countries.json reports/*.json
var embedded embed.FS

// Regime is one body of law or contract that imposes notification duties.
type Regime struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Sources     []Source     `json:"sources"`
	Obligations []Obligation `json:"obligations"`
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

	// Starts is "awareness", or "filed:OBLIGATION" for a clock that starts
	// when another obligation is filed.
	Starts string `json:"starts"`
	// Within is a duration in hours ("72h"), days ("5 days") or months
	// ("1 month"), or "without undue delay" where the law sets no time.
	Within      string `json:"within"`
	EndOfDay    bool   `json:"end_of_day,omitempty"`   // the period ends at the end of its last day
	RollWeekend bool   `json:"roll_weekend,omitempty"` // an end on Saturday or Sunday moves to Monday
	// Also is a second clock; the obligation is due at the earlier of the
	// two ("within 4 hours of classification and at most 24 hours from
	// awareness").
	Also     *Clock    `json:"also,omitempty"`
	Note     string    `json:"note,omitempty"`
	Contents []Content `json:"contents"`

	period period
}

// Clock is a second deadline rule.
type Clock struct {
	Starts string `json:"starts"`
	Within string `json:"within"`

	period period
}

// Content is one item the filing must contain.
type Content struct {
	Item    string `json:"item"`
	Article string `json:"article"`
}

// Rules is the set of known regimes.
type Rules struct {
	regimes map[string]*Regime
	zones   map[string]string
	reports map[string]*ReportKind
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
	names, err := fs.Glob(embedded, "regimes/*.json")
	if err != nil {
		return nil, fmt.Errorf("list regimes: %w", err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(embedded, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if err := r.Add(path.Base(name), data); err != nil {
			return nil, err
		}
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
	var reg Regime
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&reg); err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "regime file %s: %v", file, err)
	}
	bad := func(field, format string, args ...any) error {
		return leakdesk.Errorf(leakdesk.EINVALID, "regime file %s: %s: %s", file, field, fmt.Sprintf(format, args...))
	}
	if !regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`).MatchString(reg.ID) {
		return bad("id", "%q is not a lower-case name", reg.ID)
	}
	if len(reg.Sources) == 0 {
		return bad("sources", "a regime must cite its sources")
	}
	ids := map[string]bool{}
	for i := range reg.Obligations {
		o := &reg.Obligations[i]
		field := fmt.Sprintf("obligations[%d]", i)
		if o.ID == "" || ids[o.ID] {
			return bad(field+".id", "missing or repeated %q", o.ID)
		}
		ids[o.ID] = true
		if o.Title == "" || o.Article == "" {
			return bad(field, "title and article are required")
		}
		for _, role := range o.Roles {
			if role != leakdesk.RoleController && role != leakdesk.RoleProcessor {
				return bad(field+".roles", "unknown role %q", role)
			}
		}
		if o.Starts != "awareness" && !strings.HasPrefix(o.Starts, "filed:") {
			return bad(field+".starts", "%q: want awareness or filed:OBLIGATION", o.Starts)
		}
		p, err := parsePeriod(o.Within)
		if err != nil {
			return bad(field+".within", "%v", err)
		}
		o.period = p
		if o.Also != nil {
			if !strings.HasPrefix(o.Also.Starts, "filed:") && o.Also.Starts != "awareness" {
				return bad(field+".also.starts", "%q: want awareness or filed:OBLIGATION", o.Also.Starts)
			}
			if o.Also.period, err = parsePeriod(o.Also.Within); err != nil || o.Also.period.undueDelay {
				return bad(field+".also.within", "want a period such as 4h")
			}
		}
		if o.Contents == nil {
			o.Contents = []Content{}
		}
	}
	for i, o := range reg.Obligations {
		if after, ok := strings.CutPrefix(o.Starts, "filed:"); ok && !ids[after] {
			return bad(fmt.Sprintf("obligations[%d].starts", i), "no obligation %q in this regime", after)
		}
		if o.Also != nil {
			if after, ok := strings.CutPrefix(o.Also.Starts, "filed:"); ok && !ids[after] {
				return bad(fmt.Sprintf("obligations[%d].also.starts", i), "no obligation %q in this regime", after)
			}
		}
	}
	r.regimes[reg.ID] = &reg
	return nil
}

// Regime returns the regime with the given ID, or ENOTFOUND.
func (r *Rules) Regime(id string) (*Regime, error) {
	reg, ok := r.regimes[id]
	if !ok {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "unknown regime %q: known regimes are %s", id, strings.Join(r.RegimeIDs(), ", "))
	}
	return reg, nil
}

// Obligation finds an obligation of one of regimes by its ID. Returns
// ENOTFOUND naming the obligations that exist.
func (r *Rules) Obligation(regimes []string, id string) (*Obligation, error) {
	var known []string
	for _, rid := range regimes {
		reg, err := r.Regime(rid)
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
	return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "no obligation %q under %s; known: %s", id, strings.Join(regimes, ", "), strings.Join(known, ", "))
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
	n, _ := strconv.Atoi(m[1])
	switch m[2][0] {
	case 'h':
		return period{hours: n}, nil
	case 'd':
		return period{days: n}, nil
	default:
		return period{months: n}, nil
	}
}

// end returns when a period that starts at start ends, in loc.
func (o *Obligation) end(start time.Time, loc *time.Location) time.Time {
	return o.endOf(o.period, start, loc)
}

func (o *Obligation) endOf(p period, start time.Time, loc *time.Location) time.Time {
	if p.hours > 0 {
		// Hours are elapsed time: a DST change does not move the deadline.
		return start.Add(time.Duration(p.hours) * time.Hour)
	}
	t := start.In(loc)
	t = addMonthsClamped(t, p.months).AddDate(0, 0, p.days)
	if o.EndOfDay {
		t = time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, loc)
	}
	if o.RollWeekend {
		switch t.Weekday() {
		case time.Saturday:
			t = t.AddDate(0, 0, 2)
		case time.Sunday:
			t = t.AddDate(0, 0, 1)
		}
	}
	return t
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

// Deadlines computes every obligation of the incident's regimes at now.
// filed maps an obligation ID to when it was filed.
func (r *Rules) Deadlines(inc *leakdesk.Incident, filed map[string]time.Time, now time.Time) ([]leakdesk.Deadline, error) {
	loc := inc.Location()
	var out []leakdesk.Deadline
	for _, id := range inc.Regimes {
		reg, err := r.Regime(id)
		if err != nil {
			return nil, err
		}
		for i := range reg.Obligations {
			o := &reg.Obligations[i]
			d := leakdesk.Deadline{Regime: reg.ID, Obligation: o.ID, Title: o.Title, Article: o.Article, From: o.From, To: o.To}
			out = append(out, o.status(d, inc, filed, now, loc))
		}
	}
	return out, nil
}

func (o *Obligation) status(d leakdesk.Deadline, inc *leakdesk.Incident, filed map[string]time.Time, now time.Time, loc *time.Location) leakdesk.Deadline {
	if len(o.Roles) > 0 && !slices.Contains(o.Roles, inc.Role) {
		d.Status, d.Reason = leakdesk.DeadlineNotApplicable, fmt.Sprintf("applies to a %s; this incident's role is %s", strings.Join(o.Roles, " or "), inc.Role)
		return d
	}
	start := inc.AwareAt
	if after, ok := strings.CutPrefix(o.Starts, "filed:"); ok {
		start = filed[after]
		if start.IsZero() {
			d.Status, d.Reason = leakdesk.DeadlineNotStarted, "starts when "+after+" is filed"
			return d
		}
	}
	if start.IsZero() {
		d.Status, d.Reason = leakdesk.DeadlineNotStarted, "the awareness time is not recorded"
		return d
	}
	filedAt, isFiled := filed[o.ID]
	if o.period.undueDelay {
		d.Status, d.Reason = leakdesk.DeadlineDue, "without undue delay: the law sets no fixed time"
		if isFiled {
			d.Status, d.Reason = leakdesk.DeadlineMet, "filed "+filedAt.In(loc).Format(time.RFC3339)
		}
		return d
	}
	d.Due = o.end(start, loc).In(loc)
	if o.Also != nil {
		alsoStart := inc.AwareAt
		if after, ok := strings.CutPrefix(o.Also.Starts, "filed:"); ok {
			alsoStart = filed[after]
		}
		if alsoStart.IsZero() {
			d.Reason = "or " + o.Also.Within + " after " + strings.TrimPrefix(o.Also.Starts, "filed:") + " is filed, if earlier"
		} else if also := o.endOf(o.Also.period, alsoStart, loc).In(loc); also.Before(d.Due) {
			d.Due = also
		}
	}
	switch {
	case isFiled && !filedAt.After(d.Due):
		d.Status, d.Reason = leakdesk.DeadlineMet, "filed "+filedAt.In(loc).Format(time.RFC3339)
	case isFiled:
		d.Status, d.Reason = leakdesk.DeadlineLate, "filed late, "+filedAt.In(loc).Format(time.RFC3339)+": the filing must give the reasons for the delay"
	case now.After(d.Due):
		d.Status, d.Reason = leakdesk.DeadlineLate, "overdue by "+now.Sub(d.Due).Round(time.Minute).String()
	default:
		d.Status = leakdesk.DeadlineDue
	}
	return d
}

// Filed returns, for each obligation, when it was first filed: a phased
// notification (GDPR Art. 33(4)) meets its deadline with its first part.
func Filed(filings []*leakdesk.Filing) map[string]time.Time {
	out := map[string]time.Time{}
	for _, f := range filings {
		if t, ok := out[f.Obligation]; !ok || f.FiledAt.Before(t) {
			out[f.Obligation] = f.FiledAt
		}
	}
	return out
}
