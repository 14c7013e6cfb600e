package rules

import (
	"fmt"
	"slices"

	"github.com/leakdesk/leakdesk"
)

// SeverityInput holds the factors of the ENISA (2013) methodology for the
// severity of a personal data breach. Each carries the reason it has its
// value, whether derived from the findings or set by the responder.
type SeverityInput struct {
	DPC       Factor `json:"dpc"`                // data processing context: 1 simple, 2 behavioural, 3 financial, 4 sensitive
	EI        Factor `json:"ei"`                 // ease of identification: 0.25, 0.5, 0.75 or 1
	CBConf    Factor `json:"cb_confidentiality"` // 0, 0.25 (known recipients) or 0.5 (unknown recipients)
	CBInteg   Factor `json:"cb_integrity"`       // 0, 0.25 (altered, recoverable) or 0.5 (not recoverable)
	CBAvail   Factor `json:"cb_availability"`    // 0, 0.25 (temporary) or 0.5 (permanent)
	Malicious Factor `json:"cb_malicious"`       // 0 or 0.5
}

// Factor is one input with where its value comes from.
type Factor struct {
	Value  float64 `json:"value"`
	Reason string  `json:"reason"`
	Set    bool    `json:"set_by_responder"`
}

// Severity bands.
const (
	BandLow      = "low"
	BandMedium   = "medium"
	BandHigh     = "high"
	BandVeryHigh = "very-high"
)

// Severity is an assessment and what it proposes.
type Severity struct {
	Input     SeverityInput `json:"input"`
	Score     float64       `json:"score"` // SE = DPC x EI + CB
	Band      string        `json:"band"`
	Authority Proposal      `json:"authority"`
	Subjects  Proposal      `json:"data_subjects"`
	Reasoning []string      `json:"reasoning"`
}

// Proposal is a proposed decision, for the responder to confirm.
type Proposal struct {
	Code    string `json:"code"` // authority.notify, authority.none, subjects.notify, subjects.none
	Notify  bool   `json:"notify"`
	Article string `json:"article"`
	Why     string `json:"why"`
}

// DefaultSeverityInput derives the factors from what the leak holds: the
// GDPR data categories found and their counts. Circumstances that the data
// cannot show (integrity, availability, intent) default to their lowest
// value and say so.
func DefaultSeverityInput(categories map[string]int64) SeverityInput {
	in := SeverityInput{
		DPC:       Factor{1, "simple data: identity, contact and professional details", false},
		EI:        Factor{0.25, "no data that identifies a person was found", false},
		CBConf:    Factor{0.5, "leaked data is exposed to an unknown number of recipients", false},
		CBInteg:   Factor{0, "no sign that data was altered (set --integrity if it was)", false},
		CBAvail:   Factor{0, "no sign that data was lost (set --availability if it was)", false},
		Malicious: Factor{0, "intent not established (set --malicious if it is)", false},
	}
	has := func(c string) bool { return categories[c] > 0 }
	switch {
	case has("special_category_hints") || has("government_identifiers"):
		in.DPC = Factor{4, "sensitive data: government identifiers or special categories", false}
	case has("financial") || has("credentials"):
		in.DPC = Factor{3, "financial data or credentials that give access to accounts", false}
	}
	switch {
	case has("identity") && has("contact"):
		in.EI = Factor{1, "full names with contact details identify people directly", false}
	case has("contact"):
		in.EI = Factor{0.75, "personal e-mail addresses and phone numbers identify most people with little effort", false}
	case has("identity"):
		in.EI = Factor{0.5, "names without further detail identify some people", false}
	}
	return in
}

// Assess computes SE = DPC x EI + CB, bands it and proposes the decisions,
// with the articles and the reasoning.
func Assess(in SeverityInput) (Severity, error) {
	check := func(name string, f Factor, allowed ...float64) error {
		if !slices.Contains(allowed, f.Value) {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s = %g: want one of %v", name, f.Value, allowed)
		}
		if f.Set && f.Reason == "" {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s was set without a reason", name)
		}
		return nil
	}
	if in.DPC.Value < 1 || in.DPC.Value > 4 {
		return Severity{}, leakdesk.Errorf(leakdesk.EINVALID, "DPC = %g: want 1 (simple) to 4 (sensitive)", in.DPC.Value)
	}
	if in.DPC.Set && in.DPC.Reason == "" {
		return Severity{}, leakdesk.Errorf(leakdesk.EINVALID, "DPC was set without a reason")
	}
	for _, c := range []struct {
		name    string
		f       Factor
		allowed []float64
	}{
		{"EI", in.EI, []float64{0.25, 0.5, 0.75, 1}},
		{"confidentiality", in.CBConf, []float64{0, 0.25, 0.5}},
		{"integrity", in.CBInteg, []float64{0, 0.25, 0.5}},
		{"availability", in.CBAvail, []float64{0, 0.25, 0.5}},
		{"malicious", in.Malicious, []float64{0, 0.5}},
	} {
		if err := check(c.name, c.f, c.allowed...); err != nil {
			return Severity{}, err
		}
	}
	cb := in.CBConf.Value + in.CBInteg.Value + in.CBAvail.Value + in.Malicious.Value
	s := Severity{Input: in, Score: in.DPC.Value*in.EI.Value + cb}
	switch {
	case s.Score < 2:
		s.Band = BandLow
	case s.Score < 3:
		s.Band = BandMedium
	case s.Score < 4:
		s.Band = BandHigh
	default:
		s.Band = BandVeryHigh
	}
	s.Reasoning = []string{
		fmt.Sprintf("DPC %g: %s", in.DPC.Value, in.DPC.Reason),
		fmt.Sprintf("EI %g: %s", in.EI.Value, in.EI.Reason),
		fmt.Sprintf("CB confidentiality +%g: %s", in.CBConf.Value, in.CBConf.Reason),
		fmt.Sprintf("CB integrity +%g: %s", in.CBInteg.Value, in.CBInteg.Reason),
		fmt.Sprintf("CB availability +%g: %s", in.CBAvail.Value, in.CBAvail.Reason),
		fmt.Sprintf("CB malicious intent +%g: %s", in.Malicious.Value, in.Malicious.Reason),
		fmt.Sprintf("SE = %g x %g + %g = %g: %s (ENISA 2013: low < 2, medium < 3, high < 4, very high >= 4)", in.DPC.Value, in.EI.Value, cb, s.Score, s.Band),
	}
	if s.Band == BandLow {
		s.Authority = Proposal{"authority.none", false, "GDPR Art. 33(1)", "the breach is unlikely to result in a risk to people: document it in the register (Art. 33(5)) and keep the reasoning"}
	} else {
		s.Authority = Proposal{"authority.notify", true, "GDPR Art. 33(1)", "the breach is likely to result in a risk to people: notify the supervisory authority within 72 hours of awareness"}
	}
	if s.Band == BandHigh || s.Band == BandVeryHigh {
		s.Subjects = Proposal{"subjects.notify", true, "GDPR Art. 34(1)", "the risk to people is high: tell them without undue delay, unless an exemption of Art. 34(3) applies (data unintelligible to others, risk removed by later measures, or disproportionate effort, then a public communication)"}
	} else {
		s.Subjects = Proposal{"subjects.none", false, "GDPR Art. 34(1)", "the risk is not high: telling people is not required, though it may still be wise (phishing that uses the leaked details)"}
	}
	return s, nil
}

// CNILBand returns the range the CNIL's form uses for a count of persons.
func CNILBand(n int64) string {
	switch {
	case n <= 5:
		return "0-5"
	case n <= 50:
		return "6-50"
	case n <= 300:
		return "51-300"
	case n <= 5000:
		return "301-5000"
	default:
		return "> 5000"
	}
}
