package rules_test

import (
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
)

func TestAssess(t *testing.T) {
	t.Parallel()
	contacts := map[string]int64{"identity": 683, "contact": 1366, "professional": 683}
	known := func(conf float64, malicious float64) func(*rules.SeverityInput) {
		return func(in *rules.SeverityInput) {
			in.CBConf = rules.Factor{Value: conf, Reason: "sent by mistake to one partner, who deleted it", Set: true}
			in.Malicious = rules.Factor{Value: malicious, Reason: "a clerical error", Set: true}
		}
	}
	// Each case cites the article or guideline it checks.
	tests := []struct {
		name, article string
		categories    map[string]int64
		sources       []string
		mutate        func(*rules.SeverityInput)
		score         float64
		band          string
		authority     string // the proposal's decision
		subjects      string
		why           string // in the authority proposal or the missing questions
	}{
		{"contact list for sale on a criminal forum: intent and exposure come from the source", "GDPR Art. 33(1); EDPB Guidelines 01/2021",
			contacts, []string{"criminal forum, thread offering the file for sale"}, nil, 2, rules.BandMedium, "notify", "no-notification", "likely to result in a risk"},
		{"contact list posted on a paste site: exposure from the source, intent still asked", "GDPR Art. 33(1)",
			contacts, []string{"public paste site"}, nil, 0, rules.BandUndetermined, "undetermined", "undetermined", "--malicious=true or --malicious=false"},
		{"no evidence at all proposes nothing", "GDPR Art. 33(1)",
			nil, nil, nil, 0, rules.BandUndetermined, "undetermined", "undetermined", "no evidence is held"},
		{"evidence whose source says nothing: intent and exposure are asked", "GDPR Art. 33(1)",
			contacts, []string{"USB stick handed in"}, nil, 0, rules.BandUndetermined, "undetermined", "undetermined", "--confidentiality 0.5"},
		{"low band but unknown recipients is not the exemption", "GDPR Art. 33(1); EDPB Guidelines 01/2021",
			contacts, []string{"USB stick handed in"}, func(in *rules.SeverityInput) {
				known(0.5, 0)(in)
				in.CBConf.Reason = "the stick was lost in a train"
			}, 1.5, rules.BandLow, "notify", "no-notification", "not the exemption of Art. 33(1)"},
		{"low band, known recipient, not malicious: no notification, reasoned", "GDPR Art. 33(1), 33(5)",
			contacts, []string{"e-mail sent to the wrong partner"}, known(0.25, 0), 1.25, rules.BandLow, "no-notification", "no-notification", "only known recipients"},
		{"low band, known recipient, malicious: notify", "GDPR Art. 33(1)",
			contacts, []string{"e-mail sent to the wrong partner"}, known(0.25, 0.5), 1.75, rules.BandLow, "notify", "no-notification", "the breach was malicious"},
		{"credentials on a forum: high, people told", "GDPR Art. 34(1)",
			map[string]int64{"identity": 10, "contact": 10, "credentials": 10}, []string{"darknet forum"}, nil, 4, rules.BandVeryHigh, "notify", "notify", "likely to result in a risk"},
		{"national IDs for ransom, names without contact", "GDPR Art. 34(1)",
			map[string]int64{"identity": 10, "government_identifiers": 10}, []string{"ransom note"}, nil, 3, rules.BandHigh, "notify", "notify", "likely to result in a risk"},
		{"nothing identifying, known recipient, not malicious", "GDPR Art. 33(1)",
			map[string]int64{"professional": 3}, []string{"internal share"}, known(0, 0), 0.25, rules.BandLow, "no-notification", "no-notification", "unlikely to result in a risk"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := rules.DefaultSeverityInput(tc.categories, tc.sources)
			if tc.mutate != nil {
				tc.mutate(&in)
			}
			s, err := rules.Assess(in)
			if err != nil {
				t.Fatal(err)
			}
			if s.Score != tc.score || s.Band != tc.band || s.Authority.Decision() != tc.authority || s.Subjects.Decision() != tc.subjects {
				t.Errorf("%s: SE %g %s, authority %s, subjects %s; want %g %s %s %s", tc.article, s.Score, s.Band, s.Authority.Decision(), s.Subjects.Decision(), tc.score, tc.band, tc.authority, tc.subjects)
			}
			if !strings.Contains(s.Authority.Why, tc.why) {
				t.Errorf("%s: authority %q, want it to say %q", tc.article, s.Authority.Why, tc.why)
			}
			if (tc.band == rules.BandUndetermined) != (len(s.Missing) > 0) {
				t.Errorf("%s: missing %q with band %s", tc.article, s.Missing, s.Band)
			}
			if len(s.Reasoning) < 6 {
				t.Errorf("reasoning %q", s.Reasoning)
			}
		})
	}
}

func TestDefaultSeverityInputNeverSilentlyZero(t *testing.T) {
	t.Parallel()
	in := rules.DefaultSeverityInput(map[string]int64{"contact": 1}, []string{"customer complaint"})
	if !in.Malicious.Unknown || !in.CBConf.Unknown {
		t.Fatalf("intent and exposure from an uninformative source: %+v", in)
	}
	in = rules.DefaultSeverityInput(map[string]int64{"contact": 1}, []string{"Forum criminel, annonce de vente"})
	if in.Malicious.Value != 0.5 || in.Malicious.Unknown || !strings.Contains(in.Malicious.Reason, "Forum criminel") {
		t.Fatalf("a criminal forum is malicious: %+v", in.Malicious)
	}
}

func TestAssessRefusesBadInput(t *testing.T) {
	t.Parallel()
	base := rules.DefaultSeverityInput(map[string]int64{"contact": 1}, []string{"criminal forum"})
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
