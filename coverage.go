package leakdesk

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// CoverageCounts say what is known of how far some recipients were told.
// A person counts as reached only on evidence: an acknowledgement, a
// contact recorded as reached (a call, a letter, a meeting), or a
// delivery report saying the message was delivered. A message the mail
// server accepted is sent, and nothing more is known.
type CoverageCounts struct {
	Recipients   int `json:"recipients"`
	Acknowledged int `json:"acknowledged"`
	ByPhone      int `json:"reached_by_phone"`
	OtherChannel int `json:"reached_other_channel"` // by letter, in person...
	Delivered    int `json:"delivered"`             // a delivery report said so
	Sent         int `json:"sent_no_evidence"`      // accepted by the mail server; nothing more known
	Waived       int `json:"waived"`
	// Unreached have neither a notice sent nor a recorded reason: bounced,
	// failed, queued, not notified, or without an address.
	Unreached int `json:"unreached"`
}

// Reached counts the recipients reached on evidence.
func (c CoverageCounts) Reached() int {
	return c.Acknowledged + c.ByPhone + c.OtherChannel + c.Delivered
}

func (c *CoverageCounts) add(e *CoverageEntry) { c.Count(e.State, e.Channel, 1) }

// Count counts n recipients in a coverage state; channel is how those
// reached on another channel were reached.
func (c *CoverageCounts) Count(state, channel string, n int) {
	c.Recipients += n
	switch state {
	case CoverageAcknowledged:
		c.Acknowledged += n
	case CoverageOther:
		if channel == "phone" {
			c.ByPhone += n
		} else {
			c.OtherChannel += n
		}
	case CoverageDelivered:
		c.Delivered += n
	case CoverageSent:
		c.Sent += n
	case CoverageWaived:
		c.Waived += n
	default:
		c.Unreached += n
	}
}

// Plus is c and o counted together.
func (c CoverageCounts) Plus(o CoverageCounts) CoverageCounts {
	return CoverageCounts{Recipients: c.Recipients + o.Recipients, Acknowledged: c.Acknowledged + o.Acknowledged, ByPhone: c.ByPhone + o.ByPhone,
		OtherChannel: c.OtherChannel + o.OtherChannel, Delivered: c.Delivered + o.Delivered, Sent: c.Sent + o.Sent, Waived: c.Waived + o.Waived,
		Unreached: c.Unreached + o.Unreached}
}

// CoverageSummary is what is known of an audience, in all and by kind of
// recipient (affected, former, other).
type CoverageSummary struct {
	All    CoverageCounts            `json:"all"`
	ByKind map[string]CoverageCounts `json:"by_kind"`
}

// SummariseCoverage counts what is known of each recipient.
func SummariseCoverage(entries []*CoverageEntry) CoverageSummary {
	s := CoverageSummary{ByKind: map[string]CoverageCounts{}}
	for _, e := range entries {
		s.All.add(e)
		c := s.ByKind[e.Recipient.Kind]
		c.add(e)
		s.ByKind[e.Recipient.Kind] = c
	}
	return s
}

// Words says what is known, in English: reached on evidence, and how;
// sent with no evidence yet that it arrived; waived; not reached.
func (c CoverageCounts) Words() string {
	var parts []string
	if n := c.Reached(); n > 0 {
		var how []string
		for _, h := range []struct {
			n    int
			what string
		}{{c.Acknowledged, "acknowledged"}, {c.ByPhone, "by phone"}, {c.OtherChannel, "by letter or in person"}, {c.Delivered, "delivered, per a delivery report"}} {
			if h.n > 0 {
				how = append(how, fmt.Sprintf("%d %s", h.n, h.what))
			}
		}
		parts = append(parts, fmt.Sprintf("%d reached on evidence (%s)", n, strings.Join(how, ", ")))
	}
	if c.Sent > 0 {
		parts = append(parts, fmt.Sprintf("%d sent, with no evidence yet that it arrived", c.Sent))
	}
	if c.Waived > 0 {
		parts = append(parts, fmt.Sprintf("%d waived with a reason", c.Waived))
	}
	if c.Unreached > 0 {
		parts = append(parts, fmt.Sprintf("%d not reached", c.Unreached))
	}
	if len(parts) == 0 {
		return "nobody yet"
	}
	return strings.Join(parts, "; ")
}

// Conclusion says, in one sentence, where the audience stands; outside
// counts the people of the findings no notice can reach yet. It never says
// that everyone is reached when all that is known is that mail was sent.
func (s CoverageSummary) Conclusion(outside int) string {
	c := s.All
	switch {
	case c.Unreached+outside > 0:
		return fmt.Sprintf("%d not reached yet.", c.Unreached+outside)
	case c.Sent > 0:
		return fmt.Sprintf("Every recipient was sent a notice or reached, or waived with a reason; %d of them with no evidence yet that the notice arrived (a delivery report, an acknowledgement or a call would confirm it).", c.Sent)
	case c.Recipients == 0:
		return "Nobody in the audience yet."
	default:
		return "Everyone is reached on evidence, or waived with a reason."
	}
}

// Kinds returns the summary's recipient kinds in a fixed order.
func (s CoverageSummary) Kinds() []string {
	order := []string{RecipientAffected, RecipientFormer, RecipientOther}
	kinds := slices.Collect(maps.Keys(s.ByKind))
	slices.SortFunc(kinds, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia < 0 {
			ia = len(order)
		}
		if ib < 0 {
			ib = len(order)
		}
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	return kinds
}

// RankCoverage says where each recipient stands, in the order of
// recipients, from their deliveries (in the order of their notices) and
// the contact attempts (in the order they were recorded). A recipient's
// state is the best thing known of them: an acknowledgement or another
// channel beats a delivery report, which beats the mail server's
// acceptance; but a bounce is worse news than a bare "sent", and shows
// over it. Deliveries and contacts of anyone not in recipients are left
// out.
func RankCoverage(recipients []*Recipient, deliveries []*Delivery, contacts []*ContactAttempt) []*CoverageEntry {
	out := make([]*CoverageEntry, 0, len(recipients))
	entries := make(map[int64]*CoverageEntry, len(recipients))
	known := make(map[int64]map[string]bool, len(recipients))
	for _, r := range recipients {
		e := &CoverageEntry{Recipient: r}
		out = append(out, e)
		entries[r.ID], known[r.ID] = e, map[string]bool{}
	}
	for _, d := range deliveries {
		e := entries[d.RecipientID]
		if e == nil {
			continue
		}
		switch d.State {
		case DeliverySent, DeliveryDone:
			e.Notices++
		case DeliveryQueued, DeliverySending:
			e.Pending++
		}
		if d.LastError != "" {
			e.LastError = d.LastError
		}
		known[d.RecipientID][d.State] = true
	}
	for _, a := range contacts {
		e := entries[a.RecipientID]
		if e == nil {
			continue
		}
		state := ContactCoverage(a.Outcome)
		switch state {
		case CoverageOther:
			e.Channel = a.Channel
		case CoverageWaived:
			e.Reason = a.Note
		}
		if state != "" {
			known[a.RecipientID][state] = true
		}
	}
	for _, e := range out {
		e.State = bestKnown(e.Recipient, known[e.Recipient.ID])
		if e.State != CoverageOther {
			e.Channel = ""
		}
		e.Next = e.Suggest()
	}
	return out
}

// ContactCoverage is the coverage state a contact attempt's outcome
// shows, or "" for an outcome that shows nothing (no answer, say).
func ContactCoverage(outcome string) string {
	switch outcome {
	case "acknowledged":
		return CoverageAcknowledged
	case "reached":
		return CoverageOther
	case "waived":
		return CoverageWaived
	}
	return ""
}

// CoverageRanks lists the delivery and coverage states a recipient can be
// known by, best first. A store that ranks in SQL builds its ranking from
// this list, so that both rank alike.
func CoverageRanks() []string {
	// A waiver is a recorded decision about someone not reached, so it
	// ranks above the bounce or failure that usually led to it; a
	// bounce ranks above a sent notice, which probably went the same way.
	return []string{
		CoverageAcknowledged, CoverageOther, DeliveryDone, CoverageWaived,
		DeliveryBounced, DeliverySent, DeliveryFailed, DeliverySending, DeliveryQueued,
	}
}

// BestCoverage says where r stands from the best state known of them (one
// of CoverageRanks, or "" when nothing is known).
func BestCoverage(r *Recipient, best string) string {
	switch {
	case best == DeliverySending:
		return CoverageQueued // in flight is still in the queue for whoever reads coverage
	case best != "":
		return best
	case r.Email == "":
		return CoverageNoAddress
	}
	return CoverageNotNotified
}

// bestKnown returns the best of the delivery and coverage states known of
// r, or why nothing is known.
func bestKnown(r *Recipient, known map[string]bool) string {
	for _, state := range CoverageRanks() {
		if known[state] {
			return BestCoverage(r, state)
		}
	}
	return BestCoverage(r, "")
}

// CheckEveryoneReached returns ECONFLICT, naming the first recipients not
// reached, unless every entry is reached or waived with a reason and no
// affected contact is outside the audience (outside counts them): an
// incident cannot close before that.
func CheckEveryoneReached(inc *Incident, entries []*CoverageEntry, outside int) error {
	var names []string
	for _, e := range entries {
		if e.Unreached() {
			names = append(names, e.Recipient.Key+" ("+e.State+")")
		}
	}
	if len(names)+outside == 0 {
		return nil
	}
	msg := fmt.Sprintf("%s cannot be closed: %d recipient(s) are not reached and have no recorded reason", inc.PublicID(), len(names))
	if len(names) > 0 {
		const listed = 5
		msg += ": " + strings.Join(names[:min(len(names), listed)], ", ")
		if len(names) > listed {
			msg += fmt.Sprintf(" and %d more", len(names)-listed)
		}
	}
	if outside > 0 {
		msg += fmt.Sprintf("; %d affected contact(s) of the findings were never notified", outside)
	}
	return Errorf(ECONFLICT, "%s. See leakdesk notify coverage %s --unreached; record each call or letter, or the reason, with leakdesk notify log-contact", msg, inc.PublicID())
}
