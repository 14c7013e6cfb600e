package match

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// Past is what the organisation once held about people: the rows of past
// exports and the values of its registry's history, grouped into people.
// A leaked row that links to no current contact but to someone of the
// past is a former contact's: a data subject still.
type Past struct {
	m        *Matcher
	people   []*pastPerson // by contact index of m's registry
	history  map[string][]Change
	left     map[string]time.Time
	searched []string
}

// pastPerson is one person of the past: the export rows and history
// values that share an e-mail address or a phone number.
type pastPerson struct {
	contactIDs []string // from the history
	first      sighting // the first export row that holds them
	sightings  int      // export rows that hold them
	shown      Shown
}

type sighting struct {
	file string
	row  int64
}

// PastExport is a past export, read: its file and its records.
type PastExport struct {
	File    string
	Records []Record
}

// LoadPast reads past exports (any format dump reads) and indexes them,
// with the registry's history, as the past. Exports that cannot be read,
// in whole or in part, are returned as unread, and what was read counts.
func LoadPast(ctx context.Context, r *dump.Reader, n *Normaliser, exports []string, history []Change) (*Past, []leakdesk.Unread, error) {
	var read []PastExport
	var unread []leakdesk.Unread
	for _, path := range exports {
		records, _, err := ReadRecords(ctx, r, n, Files(path)[0])
		parts, err := dump.Unreads(err)
		if err != nil {
			return nil, nil, err
		}
		unread = append(unread, parts...)
		read = append(read, PastExport{File: path, Records: records})
	}
	return NewPast(n, read, history), unread, nil
}

// NewPast groups the exports' rows and the history's values into people:
// rows sharing an e-mail address or a phone number are one person, and a
// contact of the history is the person holding one of its values.
func NewPast(n *Normaliser, exports []PastExport, history []Change) *Past {
	p := &Past{history: map[string][]Change{}, left: map[string]time.Time{}}
	reg := &Registry{n: n}
	var contacts []*Contact
	byKey := map[string]int{}
	// person returns the person holding one of the values, or a new one.
	person := func(emails, phones []string) int {
		i := -1
		for _, e := range emails {
			if j, ok := byKey["e:"+e]; ok && i < 0 {
				i = j
			}
		}
		for _, ph := range phones {
			if j, ok := byKey["p:"+ph]; ok && i < 0 {
				i = j
			}
		}
		if i < 0 {
			i = len(contacts)
			contacts = append(contacts, &Contact{ID: fmt.Sprint(i)})
			p.people = append(p.people, &pastPerson{})
		}
		c := contacts[i]
		for _, e := range emails {
			byKey["e:"+e] = i
			if !slices.Contains(c.Emails, e) {
				c.Emails = append(c.Emails, e)
			}
		}
		for _, ph := range phones {
			byKey["p:"+ph] = i
			if !slices.Contains(c.Phones, ph) {
				c.Phones = append(c.Phones, ph)
			}
		}
		return i
	}
	for _, e := range exports {
		p.searched = append(p.searched, e.File)
		for _, rec := range e.Records {
			if len(rec.Emails)+len(rec.Phones) == 0 {
				continue // nothing ties a row without them
			}
			i := person(rec.Emails, rec.Phones)
			pp, c := p.people[i], contacts[i]
			if pp.sightings == 0 {
				pp.first = sighting{file: e.File, row: rec.Row}
			}
			pp.sightings++
			if len(c.first)+len(c.last) == 0 && len(rec.First)+len(rec.Last) > 0 {
				c.first, c.last, c.org, c.Name, c.Org = rec.First, rec.Last, rec.Org, rec.Shown.Name, rec.Shown.Organisation
				pp.shown = rec.Shown
			}
		}
	}
	values := map[string][2][]string{} // contact ID -> e-mails, phones
	var ids []string
	for _, ch := range history {
		if ch.Field == "left" {
			p.left[ch.ContactID] = ch.At
			continue
		}
		if _, ok := values[ch.ContactID]; !ok {
			ids = append(ids, ch.ContactID)
		}
		p.history[ch.ContactID] = append(p.history[ch.ContactID], ch)
		v := values[ch.ContactID]
		for _, s := range []string{ch.Old, ch.New} {
			if ch.Field == "email" {
				if e, ok := n.Email(s); ok {
					v[0] = append(v[0], e)
				}
			} else if ph, ok := n.Phone(s); ok {
				v[1] = append(v[1], ph)
			}
		}
		values[ch.ContactID] = v
	}
	for _, id := range ids {
		v := values[id]
		if len(v[0])+len(v[1]) == 0 {
			continue
		}
		pp := p.people[person(v[0], v[1])]
		pp.contactIDs = append(pp.contactIDs, id)
		slices.SortFunc(p.history[id], func(a, b Change) int { return a.At.Compare(b.At) })
	}
	if len(history) > 0 {
		p.searched = append(p.searched, "registry history")
	}
	for _, c := range contacts {
		reg.add(c)
	}
	p.m = NewMatcher(reg, DefaultWeights())
	return p
}

// Searched names what the past holds: the export files, and the history.
func (p *Past) Searched() []string { return slices.Clone(p.searched) }

// find returns the person of the past whom rec is, with the link, or -1.
func (p *Past) find(rec Record, cache *linkCache) (int, *Link) {
	best, _ := p.m.best(rec, cache)
	if best == nil || best.Class != ClassCertain && best.Class != ClassProbable {
		return -1, nil
	}
	i, _ := strconv.Atoi(best.Contact.ID) // the index, see NewPast
	return i, best
}

// former describes person i of the past, whom the leaked rec is: who they
// are, as the past holds them, and what ties them, in words.
func (p *Past) former(i int, rec Record) leakdesk.LeakedPerson {
	pp, c := p.people[i], p.m.reg.Contact(i)
	out := leakdesk.LeakedPerson{Name: pp.shown.Name, Organisation: pp.shown.Organisation, Country: pp.shown.Country}
	// The values the leak shows, where they are the person's, else the
	// first the past holds.
	pick := func(leaked, held []string) string {
		for _, v := range leaked {
			if slices.Contains(held, v) {
				return v
			}
		}
		if len(held) > 0 {
			return held[0]
		}
		return ""
	}
	out.Email, out.Phone = pick(rec.Emails, c.Emails), pick(rec.Phones, c.Phones)
	if pp.sightings > 0 {
		out.Sources = append(out.Sources, "export")
		var agreed []string
		for _, e := range p.m.Explain(rec, c).Evidence {
			field := e.Field
			if field == "first_name" || field == "last_name" {
				field = "name"
			}
			if e.Weight > 0 && !slices.Contains(agreed, field) {
				agreed = append(agreed, field)
			}
		}
		tie := fmt.Sprintf("row %d of export %s", pp.first.row, filepath.Base(pp.first.file))
		if pp.sightings > 1 {
			tie += fmt.Sprintf(" (and %d other export row(s))", pp.sightings-1)
		}
		if len(agreed) > 0 {
			tie += ": same " + strings.Join(agreed, ", ")
		}
		out.Ties = append(out.Ties, tie)
	}
	if len(pp.contactIDs) > 0 {
		out.Sources = append(out.Sources, "history")
		out.ContactID = pp.contactIDs[0]
	}
	for _, id := range pp.contactIDs {
		out.Ties = append(out.Ties, p.historyTies(id, rec)...)
		if at, ok := p.left[id]; ok {
			out.Ties = append(out.Ties, fmt.Sprintf("%s left the registry on %s", id, at.Format(time.DateOnly)))
		}
	}
	return out
}

// historyTies says when the leaked row's values were the contact's: "e-mail
// held by C-00123 until 2026-04-02".
func (p *Past) historyTies(id string, rec Record) []string {
	var out []string
	n := p.m.reg.n
	for _, field := range []string{"e-mail", "phone"} {
		leaked := rec.Emails
		same := func(s string) bool { e, ok := n.Email(s); return ok && slices.Contains(leaked, e) }
		if field == "phone" {
			leaked = rec.Phones
			same = func(s string) bool { ph, ok := n.Phone(s); return ok && slices.Contains(leaked, ph) }
		}
		var from, until time.Time
		held := false
		for _, ch := range p.history[id] {
			if (ch.Field == "email") != (field == "e-mail") {
				continue
			}
			if same(ch.New) {
				from, until, held = ch.At, time.Time{}, true
			}
			if same(ch.Old) {
				until, held = ch.At, true
			}
		}
		switch {
		case !held:
		case !from.IsZero() && !until.IsZero():
			out = append(out, fmt.Sprintf("%s held by %s from %s until %s", field, id, from.Format(time.DateOnly), until.Format(time.DateOnly)))
		case !until.IsZero():
			out = append(out, fmt.Sprintf("%s held by %s until %s", field, id, until.Format(time.DateOnly)))
		default:
			out = append(out, fmt.Sprintf("%s held by %s since %s", field, id, from.Format(time.DateOnly)))
		}
	}
	return out
}

// sortPeople orders leaked people by their first row.
func sortPeople(ps []leakdesk.LeakedPerson) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].Rows[0] < ps[j].Rows[0] })
}
