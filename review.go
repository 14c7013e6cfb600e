package leakdesk

import (
	"slices"
	"strings"
	"time"
)

// ReviewDecision is a person's decision on a leaked row to review: which
// of its candidates it is, or none of them.
type ReviewDecision struct {
	Row int64 `json:"row"`
	// Contact is the candidate chosen; empty when the row is none of them.
	Contact string    `json:"contact,omitempty"`
	Reason  string    `json:"reason,omitempty"`
	Actor   string    `json:"actor"`
	At      time.Time `json:"at"`
}

// ClassReviewed is the class of an affected contact whom a person linked
// to a row to review.
const ClassReviewed = "reviewed"

// ReviewOf returns the item of the row to review, or ENOTFOUND when the row
// is not (or no longer) to review.
func (f *Findings) ReviewOf(row int64) (*ReviewItem, error) {
	for i := range f.Review {
		if f.Review[i].Row == row {
			return &f.Review[i], nil
		}
	}
	return nil, Errorf(ENOTFOUND, "row %d is not to review in these findings: it may have been decided already", row)
}

// Decide returns new findings with d applied, and f unchanged: the row
// leaves the review queue and, when d names a candidate, counts as that
// contact's, who is then affected. It returns EINVALID for a decision
// without an actor or naming no candidate of the row, and ENOTFOUND for a
// row not to review.
func (f *Findings) Decide(d ReviewDecision) (*Findings, error) {
	if strings.TrimSpace(d.Actor) == "" {
		return nil, Errorf(EINVALID, "a review decision names who took it")
	}
	item, err := f.ReviewOf(d.Row)
	if err != nil {
		return nil, err
	}
	out := *f
	out.ID, out.Base, out.CreatedAt, out.Actor = 0, f.ID, time.Time{}, d.Actor
	out.Review = slices.DeleteFunc(slices.Clone(f.Review), func(it ReviewItem) bool { return it.Row == d.Row })
	out.Decisions = append(slices.Clip(f.Decisions), d)
	out.People = f.Count()
	out.People.ReviewRows--
	if d.Contact == "" {
		return &out, nil
	}
	i := slices.IndexFunc(item.Candidates, func(c Candidate) bool { return c.ID == d.Contact })
	if i < 0 {
		return nil, Errorf(EINVALID, "%s is not a candidate of row %d", d.Contact, d.Row)
	}
	cand := item.Candidates[i].Contact
	if cand == nil {
		return nil, Errorf(EINVALID, "these findings were made before candidates' records were kept: run the match again to decide row %d", d.Row)
	}
	out.MatchedRows++
	out.Contacts = slices.Clone(f.Contacts)
	if j := slices.IndexFunc(out.Contacts, func(c AffectedContact) bool { return c.ID == d.Contact }); j >= 0 {
		c := out.Contacts[j]
		c.Rows = append(slices.Clip(c.Rows), d.Row)
		slices.Sort(c.Rows)
		c.Fields = mergeFields(c.Fields, item.Leaked)
		out.Contacts[j] = c
		return &out, nil
	}
	c := *cand
	c.Class, c.Rows, c.Fields = ClassReviewed, []int64{d.Row}, mergeFields(nil, item.Leaked)
	j, _ := slices.BinarySearchFunc(out.Contacts, c.ID, func(a AffectedContact, id string) int { return strings.Compare(a.ID, id) })
	out.Contacts = slices.Insert(out.Contacts, j, c)
	out.People.Affected++
	out.People.Total++
	out.Organisations = slices.Clone(f.Organisations)
	if k := slices.IndexFunc(out.Organisations, func(o AffectedOrganisation) bool { return o.ID == c.OrgID }); k >= 0 {
		out.Organisations[k].Contacts++
	} else {
		k, _ = slices.BinarySearchFunc(out.Organisations, c.OrgID, func(o AffectedOrganisation, id string) int { return strings.Compare(o.ID, id) })
		out.Organisations = slices.Insert(out.Organisations, k, AffectedOrganisation{ID: c.OrgID, Name: c.Organisation, Contacts: 1})
	}
	return &out, nil
}

// mergeFields returns fields with the kinds of data the leaked row holds
// added, sorted, without changing fields.
func mergeFields(fields []string, leaked *LeakedPerson) []string {
	out := slices.Clone(fields)
	if leaked != nil {
		out = append(out, leaked.Fields...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
