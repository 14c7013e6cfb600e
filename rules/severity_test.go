package rules_test

import (
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
)

func TestAssess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		categories map[string]int64
		mutate     func(*rules.SeverityInput)
		score      float64
		band       string
		authority  bool
		subjects   bool
	}{
		{"contact list posted online", map[string]int64{"identity": 900, "contact": 1800, "professional": 900}, nil, 1.5, rules.BandLow, false, false},
		{"contact list, malicious", map[string]int64{"identity": 900, "contact": 1800}, func(in *rules.SeverityInput) {
			in.Malicious = rules.Factor{Value: 0.5, Reason: "offered for sale on a criminal forum", Set: true}
		}, 2, rules.BandMedium, true, false},
		{"credentials", map[string]int64{"identity": 10, "contact": 10, "credentials": 10}, nil, 3.5, rules.BandHigh, true, true},
		{"national IDs, malicious", map[string]int64{"identity": 10, "government_identifiers": 10}, func(in *rules.SeverityInput) {
			in.Malicious = rules.Factor{Value: 0.5, Reason: "extortion", Set: true}
		}, 3, rules.BandHigh, true, true}, // EI 0.5: names without contact
		{"sensitive and identified", map[string]int64{"identity": 1, "contact": 1, "special_category_hints": 1}, nil, 4.5, rules.BandVeryHigh, true, true},
		{"nothing identifying", map[string]int64{"professional": 3}, nil, 0.75, rules.BandLow, false, false},
	}
	for _, tc := range tests {
		in := rules.DefaultSeverityInput(tc.categories)
		if tc.mutate != nil {
			tc.mutate(&in)
		}
		s, err := rules.Assess(in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if s.Score != tc.score || s.Band != tc.band || s.Authority.Notify != tc.authority || s.Subjects.Notify != tc.subjects {
			t.Errorf("%s: SE %g %s, authority %v, subjects %v; want %g %s %v %v", tc.name, s.Score, s.Band, s.Authority.Notify, s.Subjects.Notify, tc.score, tc.band, tc.authority, tc.subjects)
		}
		if len(s.Reasoning) != 7 || !strings.Contains(s.Reasoning[6], "SE =") {
			t.Errorf("%s: reasoning %q", tc.name, s.Reasoning)
		}
	}
}

func TestAssessRefusesBadInput(t *testing.T) {
	t.Parallel()
	base := rules.DefaultSeverityInput(map[string]int64{"contact": 1})
	for name, mutate := range map[string]func(*rules.SeverityInput){
		"dpc out of range":   func(in *rules.SeverityInput) { in.DPC = rules.Factor{Value: 5, Reason: "x", Set: true} },
		"dpc without reason": func(in *rules.SeverityInput) { in.DPC = rules.Factor{Value: 2, Set: true} },
		"ei not a level":     func(in *rules.SeverityInput) { in.EI = rules.Factor{Value: 0.6, Reason: "x", Set: true} },
		"cb not a level":     func(in *rules.SeverityInput) { in.CBInteg = rules.Factor{Value: 1, Reason: "x", Set: true} },
	} {
		in := base
		mutate(&in)
		if _, err := rules.Assess(in); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCNILBand(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0-5", 5: "0-5", 6: "6-50", 50: "6-50", 51: "51-300", 300: "51-300", 301: "301-5000", 5000: "301-5000", 5001: "> 5000"} {
		if got := rules.CNILBand(n); got != want {
			t.Errorf("CNILBand(%d) = %q, want %q", n, got, want)
		}
	}
}
