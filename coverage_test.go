package leakdesk_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
)

func TestCoverageSaysOnlyWhatIsKnown(t *testing.T) {
	t.Parallel()
	entry := func(kind, state, channel string) *leakdesk.CoverageEntry {
		return &leakdesk.CoverageEntry{Recipient: &leakdesk.Recipient{Kind: kind}, State: state, Channel: channel}
	}
	sent := []*leakdesk.CoverageEntry{entry("affected", leakdesk.CoverageSent, ""), entry("former", leakdesk.CoverageSent, ""), entry("affected", leakdesk.CoverageWaived, "")}
	for _, tc := range []struct {
		name    string
		entries []*leakdesk.CoverageEntry
		outside int
		want    string
		reached int
	}{
		{"sent is not reached", sent, 0, "Every recipient was sent a notice or reached, or waived with a reason; 2 of them with no evidence yet", 0},
		{"outside the audience", sent, 3, "3 not reached yet.", 0},
		{"evidence", []*leakdesk.CoverageEntry{entry("affected", leakdesk.CoverageAcknowledged, ""), entry("affected", leakdesk.CoverageOther, "phone"),
			entry("other", leakdesk.CoverageDelivered, ""), entry("affected", leakdesk.CoverageOther, "letter")}, 0, "Everyone is reached on evidence", 4},
		{"bounced", []*leakdesk.CoverageEntry{entry("affected", leakdesk.CoverageBounced, ""), entry("affected", leakdesk.CoverageDelivered, "")}, 0, "1 not reached yet.", 1},
		{"nobody", nil, 0, "Nobody in the audience yet.", 0},
	} {
		s := leakdesk.SummariseCoverage(tc.entries)
		if got := s.Conclusion(tc.outside); !strings.HasPrefix(got, tc.want) || s.All.Reached() != tc.reached {
			t.Errorf("%s: %q, %d reached; want %q, %d", tc.name, got, s.All.Reached(), tc.want, tc.reached)
		}
	}
	s := leakdesk.SummariseCoverage(append(sent, entry("affected", leakdesk.CoverageOther, "phone"), entry("affected", leakdesk.CoverageNoAddress, "")))
	if got, want := s.ByKind["affected"].Words(), "1 reached on evidence (1 by phone); 1 sent, with no evidence yet that it arrived; 1 waived with a reason; 1 not reached"; got != want {
		t.Errorf("affected: %q, want %q", got, want)
	}
	if got := s.Kinds(); strings.Join(got, ",") != "affected,former" || s.ByKind["former"].Sent != 1 {
		t.Errorf("kinds %v, former %+v", got, s.ByKind["former"])
	}
}

func TestRankCoverage(t *testing.T) {
	t.Parallel()
	recipient := func(id int64, email, phone string) *leakdesk.Recipient {
		return &leakdesk.Recipient{ID: id, Key: fmt.Sprintf("C-%02d", id), Kind: leakdesk.RecipientAffected, Email: email, Phone: phone}
	}
	delivery := func(id int64, state, lastError string) *leakdesk.Delivery {
		return &leakdesk.Delivery{RecipientID: id, State: state, LastError: lastError}
	}
	contact := func(id int64, channel, outcome, note string) *leakdesk.ContactAttempt {
		return &leakdesk.ContactAttempt{RecipientID: id, Channel: channel, Outcome: outcome, Note: note}
	}
	const findAnother = "find another address, or record why not: leakdesk notify log-contact --outcome waived"
	for _, tc := range []struct {
		name       string
		recipient  *leakdesk.Recipient // nil for one with an e-mail address only
		deliveries []*leakdesk.Delivery
		contacts   []*leakdesk.ContactAttempt
		want       leakdesk.CoverageEntry // Recipient is not compared
	}{
		{name: "nothing sent",
			want: leakdesk.CoverageEntry{State: leakdesk.CoverageNotNotified, Next: "send the notice: leakdesk notify send"}},
		{name: "no address, a phone", recipient: recipient(1, "", "+33100000000"),
			want: leakdesk.CoverageEntry{State: leakdesk.CoverageNoAddress, Next: "call +33100000000, then record it: leakdesk notify log-contact"}},
		{name: "in flight counts as queued",
			deliveries: []*leakdesk.Delivery{delivery(1, leakdesk.DeliverySending, "")},
			want:       leakdesk.CoverageEntry{State: leakdesk.CoverageQueued, Pending: 1, Next: "in the queue: leakdesk notify send resumes a stopped campaign"}},
		{name: "a bounce shows over a sent update",
			deliveries: []*leakdesk.Delivery{delivery(1, leakdesk.DeliveryBounced, "550 unknown"), delivery(1, leakdesk.DeliverySent, "")},
			want:       leakdesk.CoverageEntry{State: leakdesk.CoverageBounced, Notices: 1, LastError: "550 unknown", Next: findAnother}},
		{name: "a delivery report beats a bounce",
			deliveries: []*leakdesk.Delivery{delivery(1, leakdesk.DeliveryDone, ""), delivery(1, leakdesk.DeliveryBounced, "full")},
			want:       leakdesk.CoverageEntry{State: leakdesk.CoverageDelivered, Notices: 1, LastError: "full"}},
		{name: "a failure then a retry in the queue",
			deliveries: []*leakdesk.Delivery{delivery(1, leakdesk.DeliveryFailed, "timeout"), delivery(1, leakdesk.DeliveryQueued, "")},
			want:       leakdesk.CoverageEntry{State: leakdesk.CoverageFailed, Pending: 1, LastError: "timeout", Next: findAnother}},
		{name: "a waiver shows over a sent notice",
			deliveries: []*leakdesk.Delivery{delivery(1, leakdesk.DeliverySent, "")},
			contacts:   []*leakdesk.ContactAttempt{contact(1, "letter", "waived", "moved abroad")},
			want:       leakdesk.CoverageEntry{State: leakdesk.CoverageWaived, Notices: 1, Reason: "moved abroad"}},
		{name: "a waiver resolves a bounce",
			deliveries: []*leakdesk.Delivery{delivery(1, leakdesk.DeliveryBounced, "550 unknown")},
			contacts:   []*leakdesk.ContactAttempt{contact(1, "letter", "waived", "deceased")},
			want:       leakdesk.CoverageEntry{State: leakdesk.CoverageWaived, LastError: "550 unknown", Reason: "deceased"}},
		{name: "waived without an address", recipient: recipient(1, "", ""),
			contacts: []*leakdesk.ContactAttempt{contact(1, "letter", "waived", "deceased")},
			want:     leakdesk.CoverageEntry{State: leakdesk.CoverageWaived, Reason: "deceased"}},
		{name: "a call beats a delivery report, and the latest call names the channel",
			deliveries: []*leakdesk.Delivery{delivery(1, leakdesk.DeliveryDone, "")},
			contacts:   []*leakdesk.ContactAttempt{contact(1, "letter", "reached", ""), contact(1, "phone", "no-answer", ""), contact(1, "phone", "reached", "")},
			want:       leakdesk.CoverageEntry{State: leakdesk.CoverageOther, Notices: 1, Channel: "phone"}},
		{name: "an acknowledgement beats all, and drops the channel",
			deliveries: []*leakdesk.Delivery{delivery(1, leakdesk.DeliverySent, "")},
			contacts:   []*leakdesk.ContactAttempt{contact(1, "phone", "reached", ""), contact(1, "ack", "acknowledged", "")},
			want:       leakdesk.CoverageEntry{State: leakdesk.CoverageAcknowledged, Notices: 1}},
		{name: "unanswered calls change nothing",
			deliveries: []*leakdesk.Delivery{delivery(1, leakdesk.DeliveryBounced, "gone")},
			contacts:   []*leakdesk.ContactAttempt{contact(1, "phone", "no-answer", ""), contact(1, "phone", "voicemail", "")},
			want:       leakdesk.CoverageEntry{State: leakdesk.CoverageBounced, LastError: "gone", Next: findAnother}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.recipient == nil {
				tc.recipient = recipient(1, "a@x.example", "")
			}
			// Rows of a recipient outside the audience are left out.
			deliveries := append(tc.deliveries, delivery(99, leakdesk.DeliveryDone, ""))
			contacts := append(tc.contacts, contact(99, "phone", "reached", ""))
			got := leakdesk.RankCoverage([]*leakdesk.Recipient{tc.recipient}, deliveries, contacts)
			if len(got) != 1 || got[0].Recipient != tc.recipient {
				t.Fatalf("%d entries, want 1 for the recipient", len(got))
			}
			e := *got[0]
			e.Recipient = nil
			if e != tc.want {
				t.Errorf("got %+v\nwant %+v", e, tc.want)
			}
		})
	}
}

func TestRankCoverageKeepsTheAudienceOrder(t *testing.T) {
	t.Parallel()
	var audience []*leakdesk.Recipient
	for _, id := range []int64{3, 1, 2} {
		audience = append(audience, &leakdesk.Recipient{ID: id, Key: fmt.Sprint(id), Email: "x@y.example"})
	}
	got := leakdesk.RankCoverage(audience, []*leakdesk.Delivery{{RecipientID: 1, State: leakdesk.DeliverySent}}, nil)
	var order []string
	for _, e := range got {
		order = append(order, e.Recipient.Key+"="+e.State)
	}
	if want := "3=not-notified,1=sent,2=not-notified"; strings.Join(order, ",") != want {
		t.Errorf("got %s, want %s", strings.Join(order, ","), want)
	}
}

func TestCheckEveryoneReached(t *testing.T) {
	t.Parallel()
	inc := &leakdesk.Incident{ID: 4}
	entries := func(states ...string) []*leakdesk.CoverageEntry {
		var out []*leakdesk.CoverageEntry
		for i, s := range states {
			out = append(out, &leakdesk.CoverageEntry{Recipient: &leakdesk.Recipient{Key: fmt.Sprintf("C-%d", i+1)}, State: s})
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		entries []*leakdesk.CoverageEntry
		outside int
		want    string // "" for no error
	}{
		{"everyone told or waived", entries(leakdesk.CoverageSent, leakdesk.CoverageWaived, leakdesk.CoverageAcknowledged, leakdesk.CoverageOther, leakdesk.CoverageDelivered), 0, ""},
		{"nobody in the audience", nil, 0, ""},
		{"one bounced", entries(leakdesk.CoverageSent, leakdesk.CoverageBounced), 0,
			"INC-0004 cannot be closed: 1 recipient(s) are not reached and have no recorded reason: C-2 (bounced). See leakdesk notify coverage INC-0004 --unreached"},
		{"only people outside the audience", entries(leakdesk.CoverageSent), 2,
			"INC-0004 cannot be closed: 0 recipient(s) are not reached and have no recorded reason; 2 affected contact(s) of the findings were never notified. See"},
		{"the first five, then a count", entries(leakdesk.CoverageQueued, leakdesk.CoverageSent, leakdesk.CoverageNoAddress, leakdesk.CoverageFailed,
			leakdesk.CoverageNotNotified, leakdesk.CoverageBounced, leakdesk.CoverageQueued, leakdesk.CoverageQueued), 1,
			"INC-0004 cannot be closed: 7 recipient(s) are not reached and have no recorded reason: C-1 (queued), C-3 (no-address), C-4 (failed), C-5 (not-notified), C-6 (bounced) and 2 more; 1 affected contact(s)"},
	} {
		err := leakdesk.CheckEveryoneReached(inc, tc.entries, tc.outside)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (leakdesk.ErrorCode(err) != leakdesk.ECONFLICT || !strings.HasPrefix(leakdesk.ErrorMessage(err), tc.want)):
			t.Errorf("%s: %v\nwant ECONFLICT starting %q", tc.name, err, tc.want)
		}
	}
}
