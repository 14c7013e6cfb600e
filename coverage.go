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

func (c *CoverageCounts) add(e *CoverageEntry) {
	c.Recipients++
	switch e.State {
	case CoverageAcknowledged:
		c.Acknowledged++
	case CoverageOther:
		if e.Channel == "phone" {
			c.ByPhone++
		} else {
			c.OtherChannel++
		}
	case CoverageDelivered:
		c.Delivered++
	case CoverageSent:
		c.Sent++
	case CoverageWaived:
		c.Waived++
	default:
		c.Unreached++
	}
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
