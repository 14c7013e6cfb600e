package match

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// record turns a row into a normalised record, and counts the values it
// could not read. phone normalises a phone number as written, and reports
// false for what is not one.
func (n *Normaliser) record(p plan, format dump.Format, offset int64, row dump.Row, phone func(string) (string, bool), m *memo) (Record, leakdesk.InvalidCounts) {
	rec := Record{Row: offset + row.Pos.Record}
	var invalid leakdesk.InvalidCounts
	cell := func(i int) string { // "" for a column the table lacks (-1)
		if i >= 0 && i < len(row.Cells) {
			return row.Cells[i]
		}
		return ""
	}
	var bad int
	rec.Emails, bad = n.Emails(cells(row.Cells, p.emails))
	invalid.Emails += int64(bad)
	for _, v := range cells(row.Cells, p.phones) {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		// Every number as written is kept: tracing compares digits even
		// where the country, and so the normal form, is unknown.
		rec.RawPhones = append(rec.RawPhones, v)
		if ph, ok := phone(v); ok {
			rec.Phones = append(rec.Phones, ph)
		} else {
			invalid.Phones++
		}
	}
	for _, i := range p.first {
		rec.First = append(rec.First, m.nameTokens(cell(i))...)
	}
	for _, i := range p.last {
		rec.Last = append(rec.Last, m.nameTokens(cell(i))...)
	}
	for _, i := range p.full {
		if len(rec.First) == 0 && len(rec.Last) == 0 {
			rec.First, rec.Last = splitFullName(m.nameTokens(cell(i)))
		}
	}
	for _, i := range p.org {
		if rec.Org == "" {
			rec.Org = m.org(n, cell(i))
		}
	}
	if v := cell(p.birth); v != "" {
		var readable bool
		if rec.Birth, readable = birthOrWritten(v); !readable {
			invalid.Births++
		}
	}
	rec.NationalID, rec.Postcode = Identifier(cell(p.nationalID)), Identifier(cell(p.postcode))
	if v := cell(p.city); v != "" {
		rec.City = m.fold(v)
	}
	if len(p.address) > 0 {
		rec.Address = n.AddressTokens(strings.Join(cells(row.Cells, p.address), " "))
	}
	if format == dump.FormatText {
		for _, tok := range row.Tokens {
			switch tok.Kind {
			case dump.TokenEmail:
				if e, ok := n.Email(tok.Value); ok {
					rec.Emails = append(rec.Emails, e)
				}
			case dump.TokenPhone:
				if ph, ok := phone(tok.Value); ok {
					rec.Phones, rec.RawPhones = append(rec.Phones, ph), append(rec.RawPhones, tok.Value)
				}
			case dump.TokenName:
				if len(rec.Last) == 0 {
					rec.First, rec.Last = writtenName(tok.Value)
				}
			}
		}
	}
	rec.emails = emailForms(rec.Emails)
	return rec, invalid
}

// writtenName reads a name found in text: "first;last" from the cells of
// a delimited line, or a full name.
func writtenName(s string) (first, last []string) {
	if f, l, ok := strings.Cut(s, ";"); ok {
		return NameTokens(f), NameTokens(l)
	}
	return splitFullName(NameTokens(s))
}

// shown reads a row's name, organisation and country as written.
func (p plan) shown(format dump.Format, row dump.Row) Shown {
	var out Shown
	first := func(columns []int) string {
		for _, v := range cells(row.Cells, columns) {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
		return ""
	}
	var names []string
	for _, v := range cells(row.Cells, append(slices.Clip(p.first), p.last...)) {
		if v = strings.TrimSpace(v); v != "" {
			names = append(names, v)
		}
	}
	out.Name = strings.Join(names, " ")
	if out.Name == "" {
		out.Name = first(p.full)
	}
	if format == dump.FormatText && out.Name == "" {
		for _, tok := range row.Tokens {
			if tok.Kind == dump.TokenName {
				out.Name = tok.Value
				break
			}
		}
	}
	out.Organisation = first(p.org)
	if p.country >= 0 {
		out.Country = first([]int{p.country})
	}
	return out
}

// exposed adds to into the kinds of data a row exposes: those of its
// filled columns, or, for free text, of the tokens read from it. It is
// asked only of rows that link, the few of a large leak.
func exposed(p plan, format dump.Format, row dump.Row, rec Record, into map[string]bool) {
	for i, kind := range p.exposed {
		if i < len(row.Cells) && row.Cells[i] != "" {
			into[kind] = true
		}
	}
	if format != dump.FormatText {
		return
	}
	if len(rec.Emails) > 0 {
		into["email"] = true
	}
	if len(rec.Phones) > 0 {
		into["phone"] = true
	}
	if len(rec.First)+len(rec.Last) > 0 {
		into["name"] = true
	}
}

// memo remembers, on one worker, the normal forms of the names and
// organisations met before: they repeat from row to row of a leak, and
// folding them is most of the work of reading a row. A nil memo remembers
// nothing.
type memo struct {
	names map[string][]string
	orgs  map[string]string
	folds map[string]string
}

// memoSize bounds each map; past it, the memo starts afresh.
const memoSize = 1 << 16

func newMemo() *memo {
	return &memo{names: map[string][]string{}, orgs: map[string]string{}, folds: map[string]string{}}
}

// nameTokens is NameTokens, remembered. The tokens are shared: callers
// copy them before changing them.
func (m *memo) nameTokens(s string) []string {
	if m == nil {
		return NameTokens(s)
	}
	return remember(m.names, s, func(s string) []string { return slices.Clip(NameTokens(s)) })
}

// fold is fold, remembered: cities repeat as organisations do.
func (m *memo) fold(s string) string {
	if m == nil {
		return fold(s)
	}
	return remember(m.folds, s, fold)
}

func (m *memo) org(n *Normaliser, s string) string {
	if m == nil {
		return n.Org(s)
	}
	return remember(m.orgs, s, n.Org)
}

// remember returns f(s), from seen when it was worked out before.
func remember[V any](seen map[string]V, s string, f func(string) V) V {
	if v, ok := seen[s]; ok {
		return v
	}
	if len(seen) >= memoSize {
		clear(seen)
	}
	v := f(s)
	seen[strings.Clone(s)] = v // the cell pins its whole block; the copy does not
	return v
}

// Layout describes how a file was written: what tracing compares besides
// the values.
type Layout struct {
	Format    dump.Format `json:"format"`
	Encoding  string      `json:"encoding,omitempty"`
	Delimiter string      `json:"delimiter,omitempty"`
	Roles     []dump.Role `json:"roles"` // column roles in order
}

// ReadRecords reads every row of a source as a normalised record, and the
// layout of its first table. When part of the source could not be read, the
// records read are returned with a *dump.UnreadError.
func ReadRecords(ctx context.Context, r *dump.Reader, n *Normaliser, src Source) ([]Record, Layout, error) {
	return readRecords(ctx, r, n, src, -1)
}

// SampleRecords reads the first limit records of the sources, in order: a
// sample of a leak to estimate linkage weights from.
func SampleRecords(ctx context.Context, r *dump.Reader, n *Normaliser, sources []Source, limit int) ([]Record, error) {
	var out []Record
	for _, src := range sources {
		if len(out) >= limit {
			break
		}
		// A file that cannot be read teaches nothing; the scan reports it.
		recs, _, err := readRecords(ctx, r, n, src, limit-len(out))
		if _, err := dump.Unreads(err); err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
}

// errEnough stops reading once a sample is complete.
var errEnough = errors.New("enough records")

// readRecords reads up to limit records of a source, or all of them when
// limit is negative.
func readRecords(ctx context.Context, r *dump.Reader, n *Normaliser, src Source, limit int) ([]Record, Layout, error) {
	s := NewScanner(r, n, nil, 1)
	var out []Record
	var layout Layout
	var offset int64
	visit := func(t *dump.Table) error {
		var p *plan
		var buffered []dump.Row
		first := layout.Format == ""
		setPlan := func(sample [][]string) {
			pl := s.plan(t, sample)
			p = &pl
			if first {
				layout = Layout{Format: t.Format, Encoding: t.Encoding, Delimiter: t.Delimiter}
				for _, cr := range r.InferRoles(t, sample, nil) {
					layout.Roles = append(layout.Roles, cr.Role)
				}
			}
		}
		add := func(row dump.Row) {
			rec, _ := n.record(*p, t.Format, offset, row, n.Phone, nil)
			rec.Shown = p.shown(t.Format, row)
			out = append(out, rec)
		}
		// Plan from the first rows read, then add them.
		flush := func() {
			var sample [][]string
			for _, b := range buffered {
				sample = append(sample, b.Cells)
			}
			setPlan(sample)
			for _, b := range buffered {
				add(b)
			}
			buffered = nil
		}
		if preview := t.Preview(); len(preview) > 0 || t.Format == dump.FormatText {
			setPlan(preview)
		}
		var last int64
		err := t.Rows(ctx, func(row dump.Row) error {
			if limit >= 0 && len(out)+len(buffered) >= limit {
				return errEnough
			}
			last = row.Pos.Record
			if p != nil {
				add(row)
				return nil
			}
			buffered = append(buffered, dump.Row{Pos: row.Pos, Cells: slices.Clone(row.Cells), Tokens: slices.Clone(row.Tokens)})
			if len(buffered) == 300 {
				flush()
			}
			return nil
		})
		if p == nil && len(buffered) > 0 {
			flush()
		}
		offset += last
		return err
	}
	err := readSource(ctx, r, src, visit)
	if errors.Is(err, errEnough) {
		err = nil
	}
	return out, layout, err
}

// RegistryOf indexes records as a registry whose contact IDs are their row
// numbers, so that one file's rows can be linked to another's.
func RegistryOf(n *Normaliser, records []Record) *Registry {
	reg := &Registry{n: n}
	for _, r := range records {
		c := &Contact{ID: itoa(r.Row), Emails: r.Emails, Phones: r.Phones, first: r.First, last: r.Last, org: r.Org,
			birth: r.Birth, nationalID: r.NationalID, postcode: r.Postcode, city: r.City, address: r.Address}
		reg.add(c)
	}
	return reg
}

// PhoneSuffix returns the last eight digits of a phone number as written,
// or "" when it has fewer: the part of a number that does not depend on
// its layout or on whether the country code is written.
func PhoneSuffix(s string) string {
	var digits [24]byte
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if n == len(digits) {
				return ""
			}
			digits[n] = s[i]
			n++
		}
	}
	if n < 8 {
		return ""
	}
	return string(digits[n-8 : n])
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
