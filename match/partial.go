package match

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/leakdesk/leakdesk"
)

// Partial is what scanning one piece of a leak found, rows numbered from
// 1 within the piece. It keeps what each of the scan's workers gathered,
// as Scan does before it merges them, so that Merge gives the findings of
// one scan of the whole leak. Stored between the two, it is JSON.
type Partial struct {
	Rows    int64             `json:"rows"`
	Unread  []leakdesk.Unread `json:"unread"`
	Workers []PartialWorker   `json:"workers"`
	// Range is, for a piece of a cut file, what reading it met.
	Range *RangeRead `json:"range,omitempty"`
	// Summary is what the run's PieceSummary gathered of the piece's
	// rows; absent when the run names none.
	Summary json.RawMessage `json:"summary,omitempty"`
}

// PartialWorker is one scan worker's share of a piece.
type PartialWorker struct {
	Matched        int64                  `json:"matched"`
	Invalid        leakdesk.InvalidCounts `json:"invalid"`
	Review         []leakdesk.ReviewItem  `json:"review"`
	Contacts       []PartialContact       `json:"contacts"`
	Former         []PartialPerson        `json:"former"`
	Unknown        []PartialPerson        `json:"unknown"`
	FormerRows     int64                  `json:"former_rows"`
	UnknownRows    int64                  `json:"unknown_rows"`
	IdentifierRows int64                  `json:"identifier_rows"`
	NoContactRows  int64                  `json:"no_contact_rows"`
	// UnknownSeen are the unknown people told apart beyond those listed,
	// by the hash of their address or number; UnknownOverflow counts
	// those beyond them, by row.
	UnknownSeen     []uint64 `json:"unknown_seen,omitempty"`
	UnknownOverflow int64    `json:"unknown_overflow,omitempty"`
}

// PartialContact is a registry contact a worker linked rows to, with the
// link that explains them best.
type PartialContact struct {
	ID         string               `json:"id"`
	Class      string               `json:"class"`
	Confidence float64              `json:"confidence"`
	Evidence   []leakdesk.Agreement `json:"evidence"`
	Weight     float64              `json:"weight"`
	BestRow    int64                `json:"best_row"`
	Rows       []int64              `json:"rows"`
	Fields     []string             `json:"fields"`
}

// PartialPerson is a former contact (by their place in the past) or an
// unknown person (by their address or number) a worker met.
type PartialPerson struct {
	Past   int                   `json:"past,omitempty"`
	Key    string                `json:"key,omitempty"`
	Person leakdesk.LeakedPerson `json:"person"`
	Fields []string              `json:"fields"`
}

// partial saves what accs gathered over rows records. The contacts of
// all the piece's scan workers are saved once, with the first worker's
// share: merging them is the same whatever the grouping (rows and fields
// joined, the best link kept by weight, then by row), and a contact
// linked by every worker would otherwise be saved, with its evidence,
// once per worker.
func (s *Scanner) partial(rows int64, accs []*acc, unread []leakdesk.Unread) *Partial {
	p := &Partial{Rows: rows, Unread: unread}
	contacts := joinContacts(accs)
	for i, a := range accs {
		u := &a.unlinked
		w := PartialWorker{Matched: a.matched, Invalid: a.invalid, Review: a.review, FormerRows: u.formerRows, UnknownRows: u.unknownRows,
			IdentifierRows: u.identifierRows, NoContactRows: u.noContactRows, UnknownOverflow: u.unknownOverflow}
		if i == 0 {
			for _, ca := range contacts {
				w.Contacts = append(w.Contacts, PartialContact{ID: ca.best.Contact.ID, Class: ca.best.Class, Confidence: ca.best.Confidence, Evidence: ca.best.Evidence,
					Weight: ca.best.Weight, BestRow: ca.bestRow, Rows: ca.rows, Fields: slices.Sorted(maps.Keys(ca.fields))})
			}
		}
		for i, pa := range u.former {
			w.Former = append(w.Former, PartialPerson{Past: i, Person: pa.person, Fields: slices.Sorted(maps.Keys(pa.fields))})
		}
		for _, pa := range u.unknown {
			w.Unknown = append(w.Unknown, PartialPerson{Key: pa.key, Person: pa.person, Fields: slices.Sorted(maps.Keys(pa.fields))})
		}
		w.UnknownSeen = slices.Sorted(maps.Keys(u.unknownSeen))
		p.Workers = append(p.Workers, w)
	}
	return p
}

// joinContacts joins the contacts the workers of accs linked rows to.
func joinContacts(accs []*acc) map[int]*contactAcc {
	joined := map[int]*contactAcc{}
	for _, a := range accs {
		for c, ca := range a.contacts {
			j := joined[c]
			if j == nil {
				joined[c] = &contactAcc{best: ca.best, bestRow: ca.bestRow, rows: slices.Clone(ca.rows), fields: maps.Clone(ca.fields)}
				continue
			}
			j.rows = append(j.rows, ca.rows...)
			maps.Copy(j.fields, ca.fields)
			if j.better(ca.best.Weight, ca.bestRow) {
				j.best, j.bestRow = ca.best, ca.bestRow
			}
		}
	}
	return joined
}

// Merge puts the partials of a leak's pieces, in reading order, together
// into the findings of one scan of the whole leak: rows are numbered
// across the pieces, and each contact and person is counted once. leaks
// names the files read.
func (s *Scanner) Merge(partials []*Partial, leaks []string) (*leakdesk.Findings, error) {
	var accs []*acc
	var offset int64
	unread := []leakdesk.Unread{}
	var cut cutFiles
	for _, p := range partials {
		unread = append(unread, cut.next(p)...)
		for _, w := range p.Workers {
			a, err := s.accOf(w, offset)
			if err != nil {
				return nil, err
			}
			accs = append(accs, a)
		}
		offset += p.Rows
		unread = append(unread, p.Unread...)
	}
	unread = append(unread, cut.end()...)
	res := s.result(offset, accs)
	res.Leaks, res.Unread = leaks, unread
	return res, nil
}

// accOf turns a worker's share back into what the worker gathered, its
// rows moved by offset.
func (s *Scanner) accOf(w PartialWorker, offset int64) (*acc, error) {
	a := &acc{contacts: map[int]*contactAcc{}, unlinked: newUnlinked(), matched: w.Matched, invalid: w.Invalid}
	u := &a.unlinked
	u.formerRows, u.unknownRows, u.identifierRows, u.noContactRows = w.FormerRows, w.UnknownRows, w.IdentifierRows, w.NoContactRows
	u.unknownOverflow = w.UnknownOverflow
	for _, h := range w.UnknownSeen {
		u.unknownSeen[h] = struct{}{}
	}
	for _, r := range w.Review {
		r.Row += offset
		if r.Leaked != nil {
			leaked := *r.Leaked
			leaked.Rows = shifted(leaked.Rows, offset)
			r.Leaked = &leaked
		}
		a.review = append(a.review, r)
	}
	for _, pc := range w.Contacts {
		c, ok := s.m.reg.ContactByID(pc.ID)
		if !ok {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "contact %s of a piece's findings is not in the registry: the registry changed during the run", pc.ID)
		}
		a.contacts[c.ordinal] = &contactAcc{best: Link{Contact: c, Weight: pc.Weight, Confidence: pc.Confidence, Class: pc.Class, Evidence: pc.Evidence},
			bestRow: pc.BestRow + offset, rows: shifted(pc.Rows, offset), fields: fieldSet(pc.Fields)}
	}
	for _, pp := range w.Former {
		u.former[pp.Past] = personAccOf(pp, offset)
	}
	for _, pp := range w.Unknown {
		pa := personAccOf(pp, offset)
		pa.key = pp.Key
		u.unknown[keyHash(pp.Key)] = pa
	}
	return a, nil
}

func personAccOf(pp PartialPerson, offset int64) *personAcc {
	pa := &personAcc{person: pp.Person, fields: fieldSet(pp.Fields)}
	pa.person.Rows = shifted(pp.Person.Rows, offset)
	return pa
}

func shifted(rows []int64, offset int64) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r + offset
	}
	return out
}

func fieldSet(fields []string) map[string]bool {
	m := make(map[string]bool, len(fields))
	for _, f := range fields {
		m[f] = true
	}
	return m
}
