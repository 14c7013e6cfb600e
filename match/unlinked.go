package match

import (
	"maps"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// unknownTracked bounds, per worker, the unknown people told apart beyond
// those listed: a 5-million-line dump of strangers costs a few megabytes,
// and the rest are counted by row.
const unknownTracked = 1 << 17

// unlinked gathers, on one worker, the rows that link to no current
// contact: former contacts' rows, unknown people's, and the rest.
type unlinked struct {
	pastLinks       *linkCache
	former          map[int]*personAcc    // by person of the past
	unknown         map[uint64]*personAcc // listed, by the hash of their address or number
	unknownSeen     map[uint64]struct{}   // told apart, not listed
	unknownOverflow int64                 // rows beyond both
	formerRows      int64
	unknownRows     int64
	identifierRows  int64
	noContactRows   int64
}

func newUnlinked() unlinked {
	return unlinked{pastLinks: newLinkCache(), former: map[int]*personAcc{}, unknown: map[uint64]*personAcc{}, unknownSeen: map[uint64]struct{}{}}
}

// personAcc gathers the rows of one leaked person who is not a current
// contact.
type personAcc struct {
	person leakdesk.LeakedPerson // as described from their first row
	fields map[string]bool
	key    string // an unknown person's address or number, which tells them apart
}

// add counts row for the person; describe gives the person as a row
// shows them, and is asked for the first row only, so that what is shown
// does not depend on which worker read which row first.
func (pa *personAcc) add(rec Record, p plan, format dump.Format, row dump.Row, describe func() leakdesk.LeakedPerson) {
	if len(pa.person.Rows) == 0 || rec.Row < slices.Min(pa.person.Rows) {
		rows := pa.person.Rows
		pa.person = describe()
		pa.person.Rows = rows
	}
	pa.person.Rows = append(pa.person.Rows, rec.Row)
	exposed(p, format, row, rec, pa.fields)
}

// merge adds b's rows to a's; the description of the earlier first row
// is kept.
func (pa *personAcc) merge(b *personAcc) *personAcc {
	if pa == nil {
		return b
	}
	if slices.Min(b.person.Rows) < slices.Min(pa.person.Rows) {
		pa, b = b, pa
	}
	pa.person.Rows = append(pa.person.Rows, b.person.Rows...)
	maps.Copy(pa.fields, b.fields)
	return pa
}

// unlinked sorts a row that links to no current contact: a former
// contact's when the past holds them; else an unknown person's when it
// names someone with an e-mail address or a phone number; else an address
// or number alone (a combolist line), or no contact details at all.
func (s *Scanner) unlinked(a *acc, p plan, format dump.Format, row dump.Row, rec Record) {
	u := &a.unlinked
	if len(rec.Emails)+len(rec.Phones) == 0 {
		u.noContactRows++
		return
	}
	if s.past != nil {
		if i, pl := s.past.find(rec, u.pastLinks); i >= 0 {
			// The history may tie the row to a contact still in the
			// registry, whose values changed since: a person decides.
			if id := s.currentOf(i); id != "" {
				c, _ := s.current(id)
				item := s.reviewItem(p, format, row, rec, &Link{Contact: c, Confidence: pl.Confidence})
				item.Past = s.pastSays(i, rec, p.shown(format, row))
				a.review = append(a.review, item)
				return
			}
			s.former(a, i, p, format, row, rec, "")
			return
		}
	}
	if len(rec.First)+len(rec.Last) == 0 {
		u.identifierRows++
		return
	}
	u.unknownRows++
	key := append(slices.Clip(rec.Emails), rec.Phones...)[0]
	h := keyHash(key)
	pa := u.unknown[h]
	if pa == nil {
		if _, seen := u.unknownSeen[h]; seen {
			return
		}
		switch {
		case len(u.unknown) < leakdesk.UnknownListed:
			pa = &personAcc{fields: map[string]bool{}, key: key}
			u.unknown[h] = pa
		case len(u.unknownSeen) < unknownTracked:
			u.unknownSeen[h] = struct{}{}
			return
		default:
			u.unknownOverflow++
			return
		}
	}
	pa.add(rec, p, format, row, func() leakdesk.LeakedPerson { return fromLeak(leakdesk.LeakedPerson{}, rec, p.shown(format, row)) })
}

// keyHash tells unknown people apart by their address or number. It is
// FNV-1a, the same in every process, so that the people a piece of a
// leak met are told apart from another piece's when partial findings
// are merged.
func keyHash(key string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= 1099511628211
	}
	return h
}

// former counts the row for person i of the past, a former contact;
// tie, when not empty, adds to what ties them.
func (s *Scanner) former(a *acc, i int, p plan, format dump.Format, row dump.Row, rec Record, tie string) {
	u := &a.unlinked
	u.formerRows++
	pa := u.former[i]
	if pa == nil {
		pa = &personAcc{fields: map[string]bool{}}
		u.former[i] = pa
	}
	pa.add(rec, p, format, row, func() leakdesk.LeakedPerson {
		f := s.formerPerson(i, rec, p.shown(format, row))
		if tie != "" {
			f.Ties = append(f.Ties, tie)
		}
		return f
	})
}

// fromLeak fills what out lacks with what the leaked row holds.
func fromLeak(out leakdesk.LeakedPerson, rec Record, shown Shown) leakdesk.LeakedPerson {
	if out.Name == "" {
		out.Name = shown.Name
	}
	if out.Organisation == "" {
		out.Organisation = shown.Organisation
	}
	if out.Country == "" {
		out.Country = shown.Country
	}
	if out.Email == "" && len(rec.Emails) > 0 {
		out.Email = rec.Emails[0]
	}
	if out.Phone == "" && len(rec.RawPhones) > 0 {
		out.Phone = rec.RawPhones[0]
	}
	return out
}

// formerPerson describes person i of the past, found on the leaked row
// rec: as the past holds them, completed from the leak.
func (s *Scanner) formerPerson(i int, rec Record, shown Shown) leakdesk.LeakedPerson {
	return fromLeak(s.past.former(i, rec), rec, shown)
}

// currentOf returns the registry ID of person i of the past when the
// history names them and they are still in the registry, else "".
func (s *Scanner) currentOf(i int) string {
	for _, id := range s.past.people[i].contactIDs {
		if _, ok := s.current(id); ok {
			return id
		}
	}
	return ""
}

// pastSays describes, for a review, who of the past a row is.
func (s *Scanner) pastSays(i int, rec Record, shown Shown) string {
	f := s.formerPerson(i, rec, shown)
	return strings.Join(append([]string{f.Name}, f.Ties...), "; ")
}

// people lists the former contacts and the unknown people, and accounts
// for the leak's people and rows.
func (s *Scanner) people(res *leakdesk.Findings, accs []*acc) {
	pc := &res.People
	former := map[int]*personAcc{}
	unknown := map[uint64]*personAcc{}
	seen := map[uint64]struct{}{}
	var overflow int64
	for _, a := range accs {
		u := &a.unlinked
		pc.FormerRows += u.formerRows
		pc.UnknownRows += u.unknownRows
		pc.IdentifierRows += u.identifierRows
		pc.NoContactRows += u.noContactRows
		overflow += u.unknownOverflow
		for i, pa := range u.former {
			former[i] = former[i].merge(pa)
		}
		for h, pa := range u.unknown {
			unknown[h] = unknown[h].merge(pa)
		}
		maps.Copy(seen, u.unknownSeen)
	}
	for h := range unknown {
		delete(seen, h)
	}
	res.Former, res.Unknown = listPeople(former), listPeople(unknown)
	if len(res.Unknown) > leakdesk.UnknownListed {
		res.Unknown = res.Unknown[:leakdesk.UnknownListed]
	}
	pc.Affected, pc.ReviewRows = int64(len(res.Contacts)), int64(len(res.Review))
	pc.Former = int64(len(former))
	pc.Unknown = int64(len(unknown)+len(seen)) + overflow
	pc.UnknownApprox = overflow > 0
	pc.UnknownNotListed = pc.Unknown - int64(len(res.Unknown))
	pc.Total = pc.Affected + pc.Former + pc.Unknown
	pc.Searched = []string{}
	if s.past != nil {
		pc.Searched = s.past.Searched()
	}
}

// listPeople returns the people with their rows and fields in order,
// by first row.
func listPeople[K comparable](m map[K]*personAcc) []leakdesk.LeakedPerson {
	out := make([]leakdesk.LeakedPerson, 0, len(m))
	for _, pa := range m {
		p := pa.person
		slices.Sort(p.Rows)
		p.Fields = append([]string{}, slices.Sorted(maps.Keys(pa.fields))...)
		out = append(out, p)
	}
	sortPeople(out)
	return out
}
