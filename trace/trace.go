// Package trace finds which export a leak came from.
//
// Passive provenance ranks candidate files, exports made before leakdesk
// was in place, by how well each explains the leak. The model follows the
// guilt model of Papadimitriou and Garcia-Molina ("Data Leakage Detection",
// IEEE TKDE 2011), which scores an agent by the probability that the leaked
// objects came from it, and improves on it in two ways:
//
//   - values, not only objects: a leaked row is explained best by an export
//     holding the same values, since a contact's phone or e-mail changes
//     over time and each export freezes the values of its day;
//   - size: a leak of k rows drawn from an export of n rows has probability
//     1/C(n,k), so an export larger than the leak explains it worse than an
//     exact one.
//
// The score of a candidate is the log-likelihood of the leak given that the
// candidate is its source:
//
//	score = Σ over leaked rows of log P(row | candidate) − log C(n, k)
//
// where P is 1−δ−σ for a row found with the same e-mail and phone values,
// δ for a row found with different values (re-typing or a later version),
// and σ for a row absent from the candidate (mixed in from elsewhere).
//
// The size term holds only for a leaker who drew rows at random; one who
// kept the rows of one kind did not. So the score ranks only candidates
// that the values do not separate, and a candidate that lacks a field most
// leaked rows carry ranks below those that have it (see rank.go).
//
// Formatting signatures count only where the leak kept them, and weigh
// little: leaks are often re-typed or re-laid, so a layout that differs
// proves nothing, and one that agrees breaks ties. Where at least 90% of
// the leaked rows compared (20 or more, found with the same values) lay
// out their phone numbers as the candidate does, the candidate gains
// log 2; so it does when the leak's columns come in its order, and when the
// leak has its delimiter and encoding: each twice as likely from its
// source as from another file.
package trace

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// Model probabilities, documented in the package comment.
const (
	probSame      = 0.92 // found, with the same values
	probDifferent = 0.03 // found, with different values
	probAbsent    = 0.05 // not in the candidate

	// A layout signature counts when the leak kept it on this share of at
	// least this many rows.
	layoutAgreement = 0.9
	layoutRows      = 20
)

// Candidate is one file that may be the source, with its evidence.
type Candidate struct {
	File        string       `json:"file"`
	Rank        int          `json:"rank"`
	Score       float64      `json:"score"`
	Containment float64      `json:"containment"` // share of leaked rows found in it
	Coverage    float64      `json:"coverage"`    // share of its rows found in the leak
	Rows        int          `json:"rows"`
	Found       int          `json:"found_rows"`
	SameValues  int          `json:"same_values"` // found rows whose e-mail and phone are as in the leak
	Layout      match.Layout `json:"layout"`
	Missing     []string     `json:"missing,omitempty"` // fields most leaked rows carry and it has in no row
	// Evidence holds counts, row numbers, file names and fields, never a
	// leaked value: it is recorded on the incident's timeline.
	Evidence []string `json:"evidence"`
	// Example is a leaked row whose e-mail or phone differ from this
	// file's, with both values: personal data for the analyst's screen,
	// never recorded.
	Example string    `json:"example,omitempty"`
	Export  *LogEntry `json:"export,omitempty"`
	Error   string    `json:"error,omitempty"`

	linked map[int64]bool // leaked rows found
	same   map[int64]bool // leaked rows found with the same values
}

// LogEntry is a line of the export audit log.
type LogEntry struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	User   string    `json:"user"`
	Report string    `json:"report"`
	File   string    `json:"file"`
}

// Result ranks the candidates, best first.
type Result struct {
	Leak     string `json:"leak"`
	LeakRows int    `json:"leak_rows"`
	// Unread names the parts of the leak that could not be read.
	Unread     []leakdesk.Unread `json:"unread"`
	Candidates []Candidate       `json:"candidates"`
	Verdict    string            `json:"verdict"` // source, union, none
	Union      []string          `json:"union,omitempty"`
	Note       string            `json:"note"`
	Dating     *Dating           `json:"dating,omitempty"` // with a registry and its history
}

// Tracer ranks candidate exports.
type Tracer struct {
	reader *dump.Reader
	n      *match.Normaliser
}

// New returns a tracer.
func New(r *dump.Reader, n *match.Normaliser) *Tracer { return &Tracer{reader: r, n: n} }

// CandidateFiles expands paths: directories are walked for files.
func CandidateFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "candidate %s does not exist", p)
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
				out = append(out, path)
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", p, err)
		}
	}
	return out, nil
}

// Trace ranks the candidates by how well each explains the leak. Candidates
// that cannot be read are named with their error and ranked last.
func (t *Tracer) Trace(ctx context.Context, leak match.Source, candidates []string, log map[string]*LogEntry) (*Result, error) {
	leaked, leakLayout, err := match.ReadRecords(ctx, t.reader, t.n, leak)
	unread, err := dump.Unreads(err)
	if err != nil {
		return nil, err
	}
	if len(leaked) == 0 && len(unread) > 0 {
		return nil, &dump.UnreadError{Files: unread}
	}
	res := &Result{Leak: leak.Name, LeakRows: len(leaked), Unread: append([]leakdesk.Unread{}, unread...)}
	for _, path := range candidates {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		c := Candidate{File: path, Evidence: []string{}, Export: log[filepath.Base(path)]}
		records, layout, err := match.ReadRecords(ctx, t.reader, t.n, match.Files(path)[0])
		if parts, rest := dump.Unreads(err); rest == nil && len(records) > 0 {
			// What could be read of a candidate still explains the leak;
			// the parts that could not are named in its evidence.
			for _, u := range parts {
				c.Evidence = append(c.Evidence, "not read: "+u.String())
			}
			err = nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			c.Error = leakdesk.ErrorMessage(err)
			res.Candidates = append(res.Candidates, c)
			continue
		}
		c.Layout, c.Rows = layout, len(records)
		t.score(&c, leaked, records)
		signatures(&c, leaked, records, leakLayout)
		missingFields(&c, leaked, records)
		res.Candidates = append(res.Candidates, c)
	}
	rank(res.Candidates)
	t.conclude(res)
	return res, nil
}

func (t *Tracer) score(c *Candidate, leaked, records []match.Record) {
	reg := match.RegistryOf(t.n, records)
	matcher := match.NewMatcher(reg, match.DefaultWeights())
	byRow := map[string]match.Record{}
	for _, r := range records {
		byRow[fmt.Sprint(r.Row)] = r
	}
	c.linked, c.same = map[int64]bool{}, map[int64]bool{}
	used := map[string]bool{}
	var logL float64
	exampleRow := int64(-1)
	emails, phones := count(records, hasEmail) > 0, count(records, hasPhone) > 0
	for _, l := range leaked {
		best, _ := matcher.Best(l)
		l = comparable(l, emails, phones)
		if best == nil || (best.Class != match.ClassCertain && best.Class != match.ClassProbable) {
			logL += math.Log(probAbsent)
			continue
		}
		c.Found++
		c.linked[l.Row] = true
		used[best.Contact.ID] = true
		cand := byRow[best.Contact.ID]
		if sameValues(l, cand) {
			c.SameValues++
			c.same[l.Row] = true
			logL += math.Log(probSame)
		} else {
			logL += math.Log(probDifferent)
			if exampleRow < 0 {
				exampleRow = l.Row
				c.Example = fmt.Sprintf("leaked row %d has %s, this file %s", l.Row, strings.Join(append(l.Emails, l.Phones...), " "), strings.Join(append(cand.Emails, cand.Phones...), " "))
			}
		}
	}
	n, k := float64(len(records)), float64(len(used))
	logL -= logChoose(n, k)
	c.Score = math.Round(logL*100) / 100
	if len(leaked) > 0 {
		c.Containment = round3(float64(c.Found) / float64(len(leaked)))
	}
	if len(records) > 0 {
		c.Coverage = round3(k / n)
	}
	c.Evidence = append(c.Evidence, fmt.Sprintf("%d of %d leaked rows are in this file (%.0f%%)", c.Found, len(leaked), 100*c.Containment))
	c.Evidence = append(c.Evidence, fmt.Sprintf("it holds %d rows; %d of them are not in the leak", len(records), len(records)-len(used)))
	if different := c.Found - c.SameValues; different > 0 {
		c.Evidence = append(c.Evidence, fmt.Sprintf("%d leaked rows carry e-mail or phone values that differ from this file's (leaked row %d, for one)", different, exampleRow))
	} else if c.Found > 0 {
		c.Evidence = append(c.Evidence, "every leaked row found here carries the same e-mail and phone values")
	}
	if c.Export != nil {
		c.Evidence = append(c.Evidence, fmt.Sprintf("exported %s by %s (%s, %s)", c.Export.At.Format("2006-01-02 15:04"), c.Export.User, c.Export.Report, c.Export.ID))
	}
}

// shape writes a phone number's layout: digits become 9.
func shape(raw string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '9'
		}
		return r
	}, strings.TrimSpace(raw))
}

// signatures adds the formatting evidence to a scored candidate: phone
// layouts where the leak kept them, column order, delimiter and encoding.
func signatures(c *Candidate, leaked, records []match.Record, leak match.Layout) {
	var logL float64
	layouts := byContactPhones(records)
	compared, kept := 0, 0
	for _, l := range leaked {
		shapes := layouts[phoneKey(l)]
		if !c.same[l.Row] || len(l.RawPhones) == 0 || shapes == nil {
			continue
		}
		compared++
		if !slices.ContainsFunc(l.RawPhones, func(p string) bool { return !shapes[shape(p)] }) {
			kept++
		}
	}
	if compared >= layoutRows && float64(kept) >= layoutAgreement*float64(compared) {
		logL += math.Log(2)
		c.Evidence = append(c.Evidence, fmt.Sprintf("%d of %d leaked rows compared lay out their phone numbers as this file does", kept, compared))
	}
	if len(leak.Roles) > 0 && slices.Equal(leak.Roles, c.Layout.Roles) {
		logL += math.Log(2)
		c.Evidence = append(c.Evidence, "the leak's columns come in this file's order")
	}
	if leak.Delimiter != "" && leak.Delimiter == c.Layout.Delimiter && leak.Encoding == c.Layout.Encoding {
		logL += math.Log(2)
		c.Evidence = append(c.Evidence, fmt.Sprintf("the leak has this file's delimiter %q and encoding %s", leak.Delimiter, leak.Encoding))
	}
	c.Score = math.Round((c.Score+logL)*100) / 100
}

// byContactPhones maps a record's phone digits to the layouts its phones
// are written in.
func byContactPhones(records []match.Record) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, r := range records {
		k := phoneKey(r)
		if k == "" {
			continue
		}
		if out[k] == nil {
			out[k] = map[string]bool{}
		}
		for _, p := range r.RawPhones {
			out[k][shape(p)] = true
		}
	}
	return out
}

// phoneKey names a record by the last digits of its phones, sorted.
func phoneKey(r match.Record) string {
	var parts []string
	for _, p := range r.RawPhones {
		if s := match.PhoneSuffix(p); s != "" {
			parts = append(parts, s)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// comparable keeps of a leaked row the values a file can hold: a field it
// has in no row is missing, not different (missingFields says so), and the
// values it does hold still date the leak.
func comparable(l match.Record, emails, phones bool) match.Record {
	if !emails {
		l.Emails = nil
	}
	if !phones {
		l.Phones, l.RawPhones = nil, nil
	}
	return l
}

// sameValues reports whether a leaked row holds the candidate row's e-mail
// addresses and phone numbers, where it holds any. Phones are compared by
// their last eight digits as written: an export in national layout does
// not say which country a foreign number is from, but its digits are the
// same.
func sameValues(leaked, cand match.Record) bool {
	for _, e := range leaked.Emails {
		if !slices.Contains(cand.Emails, e) {
			return false
		}
	}
	var candidates []string
	for _, p := range cand.RawPhones {
		candidates = append(candidates, match.PhoneSuffix(p))
	}
	for _, p := range leaked.RawPhones {
		if s := match.PhoneSuffix(p); s != "" && !slices.Contains(candidates, s) {
			return false
		}
	}
	return true
}

func logChoose(n, k float64) float64 {
	if k <= 0 || k >= n {
		return 0
	}
	a, _ := math.Lgamma(n + 1)
	b, _ := math.Lgamma(k + 1)
	c, _ := math.Lgamma(n - k + 1)
	return a - b - c
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// conclude states the verdict, and compares the two best candidates.
func (t *Tracer) conclude(res *Result) {
	if len(res.Candidates) == 0 || res.LeakRows == 0 {
		res.Verdict, res.Note = "none", "Nothing to compare: no candidate, or an empty leak"
		return
	}
	best := &res.Candidates[0]
	switch {
	case best.Error != "" || best.Found == 0:
		res.Verdict, res.Note = "none", "The leak shares no rows with any candidate: none of them is its source"
		return
	case best.Containment >= 0.8:
		res.Verdict = "source"
		res.Note = fmt.Sprintf("Best explained by %s", best.File)
		if !best.whole() {
			res.Note += fmt.Sprintf(", which cannot be the whole source: most leaked rows carry a %s that it has in no row", missingNote(best))
		}
	default:
		res.Verdict, res.Union = "union", t.cover(res)
		res.Note = fmt.Sprintf("No single file explains the leak (the best holds %.0f%% of its rows); it looks like a union of %s", 100*best.Containment, strings.Join(res.Union, " and "))
	}
	if len(res.Candidates) > 1 && res.Candidates[1].Error == "" {
		second := &res.Candidates[1]
		sameHere, sameThere := 0, 0
		for row := range best.same {
			if second.linked[row] && !second.same[row] {
				sameHere++
			}
		}
		for row := range second.same {
			if best.linked[row] && !best.same[row] {
				sameThere++
			}
		}
		if sameHere > 0 {
			best.Evidence = append(best.Evidence, fmt.Sprintf("%d leaked rows carry values that %s holds and %s does not: the leak was taken when those values were current", sameHere, filepath.Base(best.File), filepath.Base(second.File)))
		}
		if sameThere > 0 {
			best.Evidence = append(best.Evidence, fmt.Sprintf("%d leaked rows carry values that %s holds and %s does not", sameThere, filepath.Base(second.File), filepath.Base(best.File)))
		}
	}
}

// cover explains the leak as a union of candidates, greedily.
func (t *Tracer) cover(res *Result) []string {
	covered := map[int64]bool{}
	var union []string
	for len(union) < 5 {
		best, gain := -1, 0
		for i, c := range res.Candidates {
			g := 0
			for row := range c.linked {
				if !covered[row] {
					g++
				}
			}
			if g > gain {
				best, gain = i, g
			}
		}
		if best < 0 || gain*50 < res.LeakRows { // stop when a file adds less than 2%
			break
		}
		for row := range res.Candidates[best].linked {
			covered[row] = true
		}
		union = append(union, res.Candidates[best].File)
	}
	return union
}

// ReadLog reads an export audit log: export id, time, user, report, rows
// and file, by header name.
func ReadLog(path string) (map[string]*LogEntry, error) {
	out := map[string]*LogEntry{}
	err := match.ReadCSV(path, "export log", []string{"export_id", "exported_at", "user", "file"}, func(line int, get func(string) string) error {
		at, err := time.Parse(time.RFC3339, get("exported_at"))
		if err != nil {
			return fmt.Errorf("exported_at %q is not RFC 3339", get("exported_at"))
		}
		e := &LogEntry{ID: get("export_id"), At: at, User: get("user"), Report: get("report"), File: get("file")}
		out[filepath.Base(e.File)] = e
		return nil
	})
	return out, err
}
