package leakdesk

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"
)

// SideTables are the rows of one incident that decisions read: coverage
// (recipients, deliveries, contact attempts), the clocks (awareness,
// filings) and the close gate (all of them, and the status).
type SideTables struct {
	Incident   *Incident
	Filings    []*Filing
	Recipients []*Recipient
	Deliveries []*Delivery
	Contacts   []*ContactAttempt // in the order they were inserted
	// Findings is the ID of the latest findings row, 0 when none, and
	// AffectedContacts the number of its affected_contacts rows.
	Findings         int64
	AffectedContacts int
	// Personal are the incident's stored personal values: a contact's note
	// is compared as a reader sees it, "erased" once erased.
	Personal PersonalValues
}

// Disagreement is one place where a side table says something its
// incident's timeline does not.
type Disagreement struct {
	Table    string `json:"table"`
	Row      string `json:"row"` // "id 3", or what identifies the row
	Field    string `json:"field"`
	Stored   string `json:"stored"`
	Recorded string `json:"recorded"`
}

func (d Disagreement) String() string {
	return fmt.Sprintf("%s %s: %s is %q in the table but %q on the timeline", d.Table, d.Row, d.Field, d.Stored, d.Recorded)
}

// Placeholders for a row that one side has and the other has not.
const (
	noRow       = "(no row)"
	rowNotNamed = "(no event)"
)

// Disagreements compares side with what rec says they must hold, and
// returns every difference that could change a decision, table by table.
// Fields no event carries (a delivery's attempts, last error, address and
// lease; a recipient's name, kind and address; a filing's recorded_at)
// are not compared: none of them decides coverage, the clocks or closing.
func (rec *Record) Disagreements(side *SideTables) []Disagreement {
	keys := make(map[int64]string, len(side.Recipients))
	for _, r := range side.Recipients {
		keys[r.ID] = r.Key
	}
	var out []Disagreement
	out = append(out, rec.incidentDisagreements(side.Incident)...)
	out = append(out, rec.filingDisagreements(side.Filings)...)
	out = append(out, rec.findingsDisagreements(side)...)
	out = append(out, rec.recipientDisagreements(side.Recipients)...)
	out = append(out, rec.deliveryDisagreements(side.Deliveries, keys)...)
	return append(out, rec.contactDisagreements(side.Contacts, keys, side.Personal)...)
}

// fieldDiffs lists, for the row of table named row, each field whose
// stored and recorded values differ; pairs are name, stored, recorded.
func fieldDiffs(table, row string, pairs ...string) []Disagreement {
	var out []Disagreement
	for i := 0; i+2 < len(pairs); i += 3 {
		if pairs[i+1] != pairs[i+2] {
			out = append(out, Disagreement{Table: table, Row: row, Field: pairs[i], Stored: pairs[i+1], Recorded: pairs[i+2]})
		}
	}
	return out
}

// recordTime shows a time as both sides store it; "" when unknown.
func recordTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return CanonicalTime(t)
}

func rowID(id int64) string { return "id " + strconv.FormatInt(id, 10) }

func (rec *Record) incidentDisagreements(inc *Incident) []Disagreement {
	return fieldDiffs("incidents", rowID(inc.ID),
		"status", inc.Status, rec.Status,
		"aware_at", recordTime(inc.AwareAt), recordTime(rec.AwareAt),
		"closed_at", recordTime(inc.ClosedAt), recordTime(rec.ClosedAt))
}

func (rec *Record) filingDisagreements(filings []*Filing) []Disagreement {
	var out []Disagreement
	seen := map[int64]bool{}
	for _, f := range filings {
		seen[f.ID] = true
		r := rec.Filings[f.ID]
		if r == nil {
			out = append(out, Disagreement{Table: "filings", Row: rowID(f.ID), Field: "row", Stored: f.Obligation, Recorded: rowNotNamed})
			continue
		}
		out = append(out, fieldDiffs("filings", rowID(f.ID),
			"obligation", f.Obligation, r.Obligation,
			"filed_at", recordTime(f.FiledAt), recordTime(r.FiledAt),
			"ref", f.Ref, r.Ref,
			"delay_reason", f.DelayReason, r.DelayReason,
			"actor", f.Actor, r.Actor)...)
	}
	for _, id := range slices.Sorted(maps.Keys(rec.Filings)) {
		if !seen[id] {
			out = append(out, Disagreement{Table: "filings", Row: rowID(id), Field: "row", Stored: noRow, Recorded: rec.Filings[id].Obligation})
		}
	}
	return out
}

// findingsDisagreements compares the latest findings and how many affected
// contacts they hold; the findings document itself is not compared.
func (rec *Record) findingsDisagreements(side *SideTables) []Disagreement {
	latest := strconv.FormatInt(rec.Findings, 10)
	return append(fieldDiffs("findings", "latest", "id", strconv.FormatInt(side.Findings, 10), latest),
		fieldDiffs("affected_contacts", "of findings "+latest, "count", strconv.Itoa(side.AffectedContacts), strconv.Itoa(rec.AffectedContacts))...)
}

// recipientDisagreements compares the count: the events of recipients
// carry counts, not rows. A recipient removed or added behind leakdesk's
// back changes it; one named by a delivery or a contact must also exist,
// which deliveryDisagreements and contactDisagreements check by key.
func (rec *Record) recipientDisagreements(recipients []*Recipient) []Disagreement {
	return fieldDiffs("recipients", "of the incident", "count", strconv.Itoa(len(recipients)), strconv.Itoa(rec.Recipients))
}

// settled says whether a delivery state is one only an event can set:
// queued and sending change without one (a claim, a release), and are
// the same for coverage (still in the queue).
func settled(state string) bool {
	return state != DeliveryQueued && state != DeliverySending
}

// comparableState is a delivery state as the timeline can vouch for it.
func comparableState(state string) string {
	if !settled(state) {
		return "queued or sending"
	}
	return state
}

func (rec *Record) deliveryDisagreements(deliveries []*Delivery, keys map[int64]string) []Disagreement {
	var out []Disagreement
	seen := map[int64]bool{}
	for _, d := range deliveries {
		seen[d.ID] = true
		r := rec.Deliveries[d.ID]
		if r == nil {
			// Never changed since it was queued: it can only still be queued.
			out = append(out, fieldDiffs("deliveries", rowID(d.ID), "state", comparableState(d.State), comparableState(DeliveryQueued))...)
			continue
		}
		out = append(out, fieldDiffs("deliveries", rowID(d.ID),
			"notice_id", strconv.FormatInt(d.NoticeID, 10), strconv.FormatInt(r.Notice, 10),
			"recipient", keys[d.RecipientID], r.RecipientKey,
			"message_id", d.MessageID, r.MessageID,
			"state", comparableState(d.State), comparableState(r.State))...)
	}
	for _, id := range slices.Sorted(maps.Keys(rec.Deliveries)) {
		if !seen[id] {
			out = append(out, Disagreement{Table: "deliveries", Row: rowID(id), Field: "row", Stored: noRow, Recorded: rec.Deliveries[id].State})
		}
	}
	return out
}

// contactDisagreements compares attempts in order: both sides keep them in
// the order they were recorded, and no event carries the row's ID.
func (rec *Record) contactDisagreements(contacts []*ContactAttempt, keys map[int64]string, personal PersonalValues) []Disagreement {
	var out []Disagreement
	for i, a := range contacts {
		if i >= len(rec.Contacts) {
			out = append(out, Disagreement{Table: "contact_attempts", Row: rowID(a.ID), Field: "row", Stored: a.Outcome, Recorded: rowNotNamed})
			continue
		}
		r := rec.Contacts[i]
		out = append(out, fieldDiffs("contact_attempts", rowID(a.ID),
			"recipient", keys[a.RecipientID], r.RecipientKey,
			"channel", a.Channel, r.Channel,
			"outcome", a.Outcome, r.Outcome,
			"note", a.Note, personal.Show(r.Note),
			"actor", a.Actor, r.Actor,
			"at", recordTime(a.At), recordTime(r.At))...)
	}
	for _, r := range rec.Contacts[min(len(contacts), len(rec.Contacts)):] {
		out = append(out, Disagreement{Table: "contact_attempts", Row: fmt.Sprintf("of event %d", r.Seq), Field: "row", Stored: noRow, Recorded: r.Outcome})
	}
	return out
}
