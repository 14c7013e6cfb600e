package match

import (
	"context"
	"fmt"
	"hash/maphash"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// Scanner reads leaks and links their rows to a registry.
type Scanner struct {
	reader  *dump.Reader
	n       *Normaliser
	m       *Matcher
	workers int
	// forms reads every way of writing a registry phone number, as digits,
	// as its E.164 form: the leak is read without libphonenumber, which is
	// slow, and without knowing each number's country.
	forms phoneForms
	// past, when set, sorts the rows that link to no current contact into
	// former contacts and unknowns.
	past *Past
	seed maphash.Seed
	// namelessLinksNone says that a record of e-mail addresses and phone
	// numbers alone is blocked with no contact by its other fields, so
	// that identifiersOnly may sort rows without making records.
	namelessLinksNone bool
}

// NewScanner returns a scanner; workers is how many rows are linked at once.
func NewScanner(r *dump.Reader, n *Normaliser, m *Matcher, workers int) *Scanner {
	s := &Scanner{reader: r, n: n, m: m, workers: max(workers, 1), seed: maphash.MakeSeed()}
	if m != nil {
		s.forms = phoneForms{m.reg.phoneLayouts()}
		s.addForms(m.reg, false)
		s.namelessLinksNone = len(m.otherCandidates(Record{}, nil)) == 0
	}
	return s
}

// addForms makes the phone numbers reg's contacts held before known in
// every layout, after those known already, and with current their current
// numbers before them: where two numbers share a layout, the current one
// is read.
func (s *Scanner) addForms(reg *Registry, current bool) {
	pl := newPhoneLayouts()
	if current {
		for i := range reg.Len() {
			for _, p := range reg.Contact(i).Phones {
				pl.add(p)
			}
		}
	}
	reg.withHeld(func(c *Contact) {
		for _, p := range c.heldPhones() {
			pl.add(p)
		}
	})
	if pl.count() > 0 {
		pl.build()
		s.forms = append(s.forms, pl)
	}
}

// WithPast makes the scan look for the rows that link to no current
// contact in the past: they are former contacts', or unknown people's.
func (s *Scanner) WithPast(p *Past) *Scanner {
	s.past = p
	s.addForms(p.m.reg, true)
	return s
}

// current returns the registry's contact whose ID is id, if the scan
// has a registry and it holds one.
func (s *Scanner) current(id string) (*Contact, bool) {
	if s.m == nil {
		return nil, false
	}
	return s.m.reg.ContactByID(id)
}

// phone reads a leaked phone number: a registry number in any layout, or,
// for any other number, its digits, which can only disagree with the
// registry. What has too few or too many digits is not a phone number.
func (s *Scanner) phone(raw string) (string, bool) {
	var buf [maxPhoneDigits]byte
	digits, ok := phoneDigits(raw, buf[:0])
	if !ok {
		return "", false
	}
	if e164, ok := s.forms.find(string(digits)); ok { // no copy made for the lookup
		return e164, true
	}
	return "#" + string(digits), true
}

// maxPhoneDigits is the most digits a leaked phone number is read with:
// E.164's 15 and a written trunk 0 or 00.
const maxPhoneDigits = 17

// phoneDigits appends the digits of raw to buf, or reports false when
// they are too few or too many for a phone number.
func phoneDigits(raw string, buf []byte) ([]byte, bool) {
	n := len(buf)
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c >= '0' && c <= '9' {
			if len(buf)-n == maxPhoneDigits {
				return nil, false
			}
			buf = append(buf, c)
		}
	}
	return buf, len(buf)-n >= 8
}

// plan says where a table's fields are.
type plan struct {
	emails, phones, first, last, full, org []int
	country                                int // -1 when absent
	personColumns
	exposed map[int]string // column -> kind of data it exposes
	// fromCells says that records are read from cells, not only from the
	// tokens of free text.
	fromCells bool
}

// personColumns say where a table's person fields are; -1 when absent.
type personColumns struct {
	birth, nationalID, postcode, city int
	address                           []int
}

func noPersonColumns() personColumns {
	return personColumns{birth: -1, nationalID: -1, postcode: -1, city: -1}
}

// take notes column i if its role is a person field.
func (pc *personColumns) take(role dump.Role, i int) {
	switch role {
	case dump.RoleDateOfBirth:
		pc.birth = i
	case dump.RoleNationalID:
		pc.nationalID = i
	case dump.RolePostcode:
		pc.postcode = i
	case dump.RoleCity:
		pc.city = i
	case dump.RolePostalAddress:
		pc.address = append(pc.address, i)
	}
}

func (s *Scanner) plan(t *dump.Table, sample [][]string) plan {
	p := plan{country: -1, personColumns: noPersonColumns(), exposed: map[int]string{}}
	for i, cr := range s.reader.InferRoles(t, sample, nil) {
		switch cr.Role {
		case dump.RoleEmail:
			p.emails = append(p.emails, i)
		case dump.RolePhone:
			p.phones = append(p.phones, i)
		case dump.RoleFirstName:
			p.first = append(p.first, i)
		case dump.RoleLastName:
			p.last = append(p.last, i)
		case dump.RoleFullName:
			p.full = append(p.full, i)
		case dump.RoleOrganisation:
			p.org = append(p.org, i)
		case dump.RoleCountry:
			p.country = i
		default:
			p.take(cr.Role, i)
		}
		switch cr.Role {
		case dump.RoleUnknown, dump.RoleID:
		case dump.RoleFirstName, dump.RoleLastName, dump.RoleFullName:
			p.exposed[i] = "name"
		default:
			p.exposed[i] = string(cr.Role)
		}
	}
	p.fromCells = p.readsCells()
	return p
}

// acc gathers one worker's findings.
type acc struct {
	memo     *memo
	links    *linkCache
	contacts map[int]*contactAcc // by contact ordinal
	review   []leakdesk.ReviewItem
	matched  int64
	invalid  leakdesk.InvalidCounts
	unlinked
	lastRecord int64      // the last record of the table read that this worker saw
	visit      RowVisitor // shown every row this worker reads, when set
}

// show shows r to the worker's visitor, if it has one.
func (a *acc) show(r dump.Row) {
	if a.visit != nil {
		a.visit(r)
	}
}

type contactAcc struct {
	best    Link
	bestRow int64 // the row best explains; of equal links, the first row's is kept
	rows    []int64
	fields  map[string]bool
}

// better reports whether a link of weight w from row beats the one kept,
// so that which row explains a contact does not depend on which worker
// read it first.
func (ca *contactAcc) better(w float64, row int64) bool {
	return ca.best.Contact == nil || w > ca.best.Weight || w == ca.best.Weight && row < ca.bestRow
}

// Source is a leak to read: a file, or a stream such as evidence read from
// the vault.
type Source struct {
	Name string
	Path string                        // a file, read with random access (zip, XLSX)
	Open func() (io.ReadCloser, error) // or a stream
}

// Files returns the sources for files.
func Files(paths ...string) []Source {
	out := make([]Source, len(paths))
	for i, p := range paths {
		out[i] = Source{Name: p, Path: p}
	}
	return out
}

// Scan reads every leak in order and links its rows. Rows are numbered
// from 1 across all the sources, in reading order, not counting headers or
// skipped lines. Files or members that could not be read are listed in the
// findings' Unread, not returned as an error: what was read still stands.
func (s *Scanner) Scan(ctx context.Context, sources []Source) (*leakdesk.Findings, error) {
	return s.ScanVisiting(ctx, sources, nil)
}

// RowVisitor is shown a row that a scan reads. It runs on the scan's
// worker and must not keep the row's slices, which are reused.
type RowVisitor func(dump.Row)

// ScanVisiting is Scan that also shows every row it reads, on the worker
// that reads it, to that worker's visitor: visitor(w) is called once for
// each worker w below the scanner's worker count, before reading. A
// caller that needs something else from the rows (a sketch, a count) gets
// it in the scan's own pass, without reading the file again; the visitors
// of different workers run at once, each on its own rows.
func (s *Scanner) ScanVisiting(ctx context.Context, sources []Source, visitor func(worker int) RowVisitor) (*leakdesk.Findings, error) {
	accs := make([]*acc, s.workers)
	for i := range accs {
		accs[i] = &acc{memo: newMemo(), links: newLinkCache(), contacts: map[int]*contactAcc{}, unlinked: newUnlinked()}
		if visitor != nil {
			accs[i].visit = visitor(i)
		}
	}
	var offset int64
	visit := func(t *dump.Table) error {
		n, err := s.scanTable(ctx, t, offset, accs)
		offset += n
		return err
	}
	var names []string
	unread := []leakdesk.Unread{}
	for _, src := range sources {
		names = append(names, src.Name)
		files, err := dump.Unreads(readSource(ctx, s.reader, src, visit))
		if err != nil {
			return nil, err
		}
		unread = append(unread, files...)
	}
	res := s.result(offset, accs)
	res.Leaks, res.Unread = names, unread
	return res, nil
}

// readSource reads a file or a stream with r.
func readSource(ctx context.Context, r *dump.Reader, src Source, fn func(*dump.Table) error) error {
	if src.Open == nil {
		return r.Read(ctx, src.Path, fn)
	}
	rc, err := src.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return r.ReadStream(ctx, src.Name, rc, fn)
}

func (s *Scanner) scanTable(ctx context.Context, t *dump.Table, offset int64, accs []*acc) (int64, error) {
	var records int64
	var mu sync.Mutex
	count := func(r dump.Row) {
		mu.Lock()
		records = max(records, r.Pos.Record)
		mu.Unlock()
	}
	if preview := t.Preview(); len(preview) > 0 || t.Format == dump.FormatText {
		p := s.plan(t, preview)
		// Each worker keeps its own count: a lock taken on every row costs
		// more than reading most rows.
		for _, a := range accs {
			a.lastRecord = 0
		}
		err := t.ParallelRows(ctx, s.workers, func(w int, r dump.Row) error {
			accs[w].lastRecord = max(accs[w].lastRecord, r.Pos.Record)
			accs[w].show(r)
			s.link(accs[w], p, t.Format, offset, r)
			return nil
		})
		for _, a := range accs {
			records = max(records, a.lastRecord)
		}
		return records, err
	}
	// Other formats: infer the plan from the first rows, then go on.
	var buffered []dump.Row
	var p *plan
	flush := func() {
		var sample [][]string
		for _, r := range buffered {
			sample = append(sample, r.Cells)
		}
		pl := s.plan(t, sample)
		p = &pl
		for _, r := range buffered {
			s.link(accs[0], *p, t.Format, offset, r)
		}
		buffered = nil
	}
	err := t.Rows(ctx, func(r dump.Row) error {
		count(r)
		accs[0].show(r)
		if p == nil {
			buffered = append(buffered, dump.Row{Pos: r.Pos, Cells: slices.Clone(r.Cells), Tokens: slices.Clone(r.Tokens)})
			if len(buffered) == 300 {
				flush()
			}
			return nil
		}
		s.link(accs[0], *p, t.Format, offset, r)
		return nil
	})
	if p == nil && len(buffered) > 0 {
		flush()
	}
	return records, err
}

// link turns a row into a record and links it.
func (s *Scanner) link(a *acc, p plan, format dump.Format, offset int64, row dump.Row) {
	if s.identifiersOnly(a, p, format, row) {
		return
	}
	rec, invalid := s.n.record(p, format, offset, row, s.phone, a.memo)
	a.invalid.Add(invalid)
	best, second := s.m.best(rec, a.links)
	if best == nil || best.Class == "" {
		s.unlinked(a, p, format, row, rec)
		return
	}
	ambiguous := second != nil && second.Class != "" && best.Weight-second.Weight < 2
	if best.Class == ClassPossible || ambiguous {
		item := s.reviewItem(p, format, row, rec, best)
		if second != nil && second.Class != "" {
			item.Candidates = append(item.Candidates, s.candidate(rec, second.Contact, second.Confidence))
		}
		if s.past != nil {
			if i, pl := s.past.find(rec, a.pastLinks); i >= 0 {
				// Someone of the past whom the row is for certain, and more
				// surely than any current contact: a former contact, whose
				// namesake or colleague the current candidate is.
				if pl.Class == ClassCertain && pl.Weight > best.Weight && s.currentOf(i) == "" {
					s.former(a, i, p, format, row, rec, fmt.Sprintf("rather than current contact %s (%.3f)", best.Contact.ID, best.Confidence))
					return
				}
				item.Past = s.pastSays(i, rec, p.shown(format, row))
			}
		}
		a.review = append(a.review, item)
		return
	}
	a.matched++
	ca := a.contacts[best.Contact.ordinal]
	if ca == nil {
		ca = &contactAcc{fields: map[string]bool{}}
		a.contacts[best.Contact.ordinal] = ca
	}
	ca.rows = append(ca.rows, rec.Row)
	exposed(p, format, row, rec, ca.fields)
	if ca.better(best.Weight, rec.Row) {
		ca.best, ca.bestRow = s.m.Explain(rec, best.Contact), rec.Row
	}
}

func (s *Scanner) result(rows int64, accs []*acc) *leakdesk.Findings {
	res := &leakdesk.Findings{Rows: rows, Contacts: []leakdesk.AffectedContact{}, Organisations: []leakdesk.AffectedOrganisation{}, Review: []leakdesk.ReviewItem{}}
	merged := map[int]*contactAcc{}
	for _, a := range accs {
		res.MatchedRows += a.matched
		res.Invalid.Add(a.invalid)
		res.Review = append(res.Review, a.review...)
		for c, ca := range a.contacts {
			m := merged[c]
			if m == nil {
				merged[c] = ca
				continue
			}
			m.rows = append(m.rows, ca.rows...)
			for f := range ca.fields {
				m.fields[f] = true
			}
			if m.better(ca.best.Weight, ca.bestRow) {
				m.best, m.bestRow = ca.best, ca.bestRow
			}
		}
	}
	orgs := map[string]*leakdesk.AffectedOrganisation{}
	for _, ca := range merged {
		c := ca.best.Contact
		slices.Sort(ca.rows)
		fields := make([]string, 0, len(ca.fields))
		for f := range ca.fields {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		ac := affectedContact(c, ca.best)
		ac.Fields, ac.Rows = fields, ca.rows
		res.Contacts = append(res.Contacts, ac)
		o := orgs[c.OrgID]
		if o == nil {
			o = &leakdesk.AffectedOrganisation{ID: c.OrgID, Name: c.Org}
			orgs[c.OrgID] = o
		}
		o.Contacts++
	}
	sort.Slice(res.Contacts, func(i, j int) bool { return res.Contacts[i].ID < res.Contacts[j].ID })
	for _, o := range orgs {
		res.Organisations = append(res.Organisations, *o)
	}
	sort.Slice(res.Organisations, func(i, j int) bool {
		return strings.Compare(res.Organisations[i].ID, res.Organisations[j].ID) < 0
	})
	sort.Slice(res.Review, func(i, j int) bool { return res.Review[i].Row < res.Review[j].Row })
	s.people(res, accs)
	return res
}

// affectedContact is the registry contact c as findings list them, linked
// by l.
func affectedContact(c *Contact, l Link) leakdesk.AffectedContact {
	ac := leakdesk.AffectedContact{ID: c.ID, OrgID: c.OrgID, Organisation: c.Org, Name: c.Name, Country: c.Country, Language: c.Language,
		Class: l.Class, Confidence: l.Confidence, Evidence: l.Evidence}
	if len(c.Emails) > 0 {
		ac.Email = c.Emails[0]
	}
	if len(c.Phones) > 0 {
		ac.Phone = c.Phones[0]
	}
	return ac
}

// reviewItem is a row to review whose first candidate is best: what the
// row says, beside the candidate's record and the evidence weights, for a
// person to decide.
func (s *Scanner) reviewItem(p plan, format dump.Format, row dump.Row, rec Record, best *Link) leakdesk.ReviewItem {
	fields := map[string]bool{}
	exposed(p, format, row, rec, fields)
	leaked := fromLeak(leakdesk.LeakedPerson{Fields: slices.Sorted(maps.Keys(fields)), Rows: []int64{rec.Row}}, rec, p.shown(format, row))
	return leakdesk.ReviewItem{Row: rec.Row, Leaked: &leaked, Candidates: []leakdesk.Candidate{s.candidate(rec, best.Contact, best.Confidence)}}
}

// candidate is contact c as a candidate of the row rec, with the evidence
// for and against the link.
func (s *Scanner) candidate(rec Record, c *Contact, confidence float64) leakdesk.Candidate {
	ac := affectedContact(c, s.m.Explain(rec, c))
	return leakdesk.Candidate{ID: c.ID, Confidence: confidence, Contact: &ac}
}
