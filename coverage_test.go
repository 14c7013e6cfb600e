package leakdesk_test

import (
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
