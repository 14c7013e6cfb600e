package rules

import (
	"fmt"
	"slices"
	"strings"

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

// Factor is one input with where its value comes from. An Unknown factor
// has no value yet: its Reason says which question answers it, and no
// proposal is made until it is answered.
type Factor struct {
	Value   float64 `json:"value"`
	Reason  string  `json:"reason"`
	Set     bool    `json:"set_by_responder"`
	Unknown bool    `json:"unknown,omitempty"`
}

// Severity bands.
const (
	BandLow          = "low"
	BandMedium       = "medium"
	BandHigh         = "high"
	BandVeryHigh     = "very-high"
	BandUndetermined = "undetermined" // an input is unknown
)

// Severity is an assessment and what it proposes.
type Severity struct {
	Input     SeverityInput `json:"input"`
	Score     float64       `json:"score"` // SE = DPC x EI + CB; 0 when undetermined
	Band      string        `json:"band"`
	Authority Proposal      `json:"authority"`
	Subjects  Proposal      `json:"data_subjects"`
	Reasoning []string      `json:"reasoning"`
	// Missing lists the questions to answer before anything is proposed.
	Missing []string `json:"missing,omitempty"`
}

// Proposal is a proposed decision, for the responder to confirm.
type Proposal struct {
	// Code is authority.notify, authority.none, authority.undetermined,
	// subjects.notify, subjects.none or subjects.undetermined.
	Code    string `json:"code"`
	Notify  bool   `json:"notify"`
	Article string `json:"article"`
	Why     string `json:"why"`
}

// Decision is the proposal in a word: notify, no-notification or
// undetermined.
func (p Proposal) Decision() string {
	switch {
	case p.Notify:
		return "notify"
	case strings.HasSuffix(p.Code, ".undetermined"):
		return "undetermined"
	}
	return "no-notification"
}

// Words in an evidence source (where the file was found) that show it was
// taken or offered by someone acting maliciously, and those that show it is
// exposed to people nobody can name. Sources are free text, in English or
// French.
var (
	maliciousWords = []string{"criminal", "criminel", "forum", "dark web", "dark-web", "darkweb", "darknet", ".onion", "for sale", "sale", "sold", "selling", "vente", "vendu",
		"ransom", "rançon", "extortion", "extorsion", "chantage", "hacker", "pirate", "attacker", "attaquant", "stolen", "volé", "exfiltrat", "breachforums"}
	exposedWords = append([]string{"paste", "public", "published", "publié", "telegram", "leak site", "internet", "torrent"}, maliciousWords...)
)

// sourceShows returns the first source that contains one of words.
func sourceShows(sources []string, words []string) (string, string) {
	for _, src := range sources {
		lower := strings.ToLower(src)
		for _, w := range words {
			if strings.Contains(lower, w) {
				return src, w
			}
		}
	}
	return "", ""
}

// DefaultSeverityInput derives the factors from the evidence: the GDPR data
// categories found and where each file was found (sources). Nothing is
// silently set to its lowest value: what the evidence cannot show (no
// evidence at all, intent, exposure) is Unknown and names the flag that
// answers it. Integrity and availability default to 0 for a leak, which
// copies data without altering or removing it, and say so.
func DefaultSeverityInput(categories map[string]int64, sources []string) SeverityInput {
	in := SeverityInput{
		DPC:       Factor{1, "simple data: identity, contact and professional details", false, false},
		EI:        Factor{0.25, "no data that identifies a person was found", false, false},
		CBInteg:   Factor{0, "a leak copies data: no sign that it was altered (set --integrity if it was)", false, false},
		CBAvail:   Factor{0, "a leak copies data: no sign that it was lost (set --availability if it was)", false, false},
		CBConf:    Factor{Unknown: true, Reason: "who received the data: --confidentiality 0.5 (unknown recipients) or 0.25 (known recipients), with --why confidentiality=..."},
		Malicious: Factor{Unknown: true, Reason: "whether the breach was malicious: --malicious=true or --malicious=false, with --why malicious=..."},
	}
	if src, w := sourceShows(sources, exposedWords); src != "" {
		in.CBConf = Factor{0.5, fmt.Sprintf("the evidence was found at %q (%s): the data is exposed to recipients nobody can name", src, w), false, false}
	}
	if src, w := sourceShows(sources, maliciousWords); src != "" {
		in.Malicious = Factor{0.5, fmt.Sprintf("the evidence was found at %q (%s): someone took or offers the data with malicious intent", src, w), false, false}
	}
	if len(categories) == 0 {
		why := "the evidence showed no personal data"
		if len(sources) == 0 {
			why = "no evidence is held (leakdesk evidence add)"
		}
		in.DPC = Factor{Unknown: true, Reason: "what kind of data leaked, as " + why + ": --dpc 1 to 4, with --why dpc=..."}
		in.EI = Factor{Unknown: true, Reason: "how easily people are identified, as " + why + ": --ei 0.25 to 1, with --why ei=..."}
		return in
	}
	has := func(c string) bool { return categories[c] > 0 }
	switch {
	case has("special_category_hints") || has("government_identifiers"):
		in.DPC = Factor{4, "sensitive data: government identifiers or special categories", false, false}
	case has("financial") || has("credentials"):
		in.DPC = Factor{3, "financial data or credentials that give access to accounts", false, false}
	}
	switch {
	case has("identity") && has("contact"):
		in.EI = Factor{1, "full names with contact details identify people directly", false, false}
	case has("contact"):
		in.EI = Factor{0.75, "personal e-mail addresses and phone numbers identify most people with little effort", false, false}
	case has("identity"):
		in.EI = Factor{0.5, "names without further detail identify some people", false, false}
	}
	return in
}

// Assess computes SE = DPC x EI + CB, bands it and proposes the decisions,
// with the articles and the reasoning. While any factor is unknown it
// proposes nothing: both decisions are undetermined, and Missing lists the
// questions.
func Assess(in SeverityInput) (Severity, error) {
	factors := []struct {
		name    string
		label   string
		f       Factor
		allowed []float64
	}{
		{"DPC", "DPC", in.DPC, nil},
		{"EI", "EI", in.EI, []float64{0.25, 0.5, 0.75, 1}},
		{"confidentiality", "CB confidentiality +", in.CBConf, []float64{0, 0.25, 0.5}},
		{"integrity", "CB integrity +", in.CBInteg, []float64{0, 0.25, 0.5}},
		{"availability", "CB availability +", in.CBAvail, []float64{0, 0.25, 0.5}},
		{"malicious", "CB malicious intent +", in.Malicious, []float64{0, 0.5}},
	}
	s := Severity{Input: in}
	for _, c := range factors {
		if c.f.Unknown {
			s.Missing = append(s.Missing, c.f.Reason)
			s.Reasoning = append(s.Reasoning, fmt.Sprintf("%s unknown: answer %s", strings.TrimSuffix(c.label, " +"), c.f.Reason))
			continue
		}
		if c.name == "DPC" && (c.f.Value < 1 || c.f.Value > 4) {
			return Severity{}, leakdesk.Errorf(leakdesk.EINVALID, "DPC = %g: want 1 (simple) to 4 (sensitive)", c.f.Value)
		}
		if c.allowed != nil && !slices.Contains(c.allowed, c.f.Value) {
			return Severity{}, leakdesk.Errorf(leakdesk.EINVALID, "%s = %g: want one of %v", c.name, c.f.Value, c.allowed)
		}
		if c.f.Set && c.f.Reason == "" {
			return Severity{}, leakdesk.Errorf(leakdesk.EINVALID, "%s was set without a reason", c.name)
		}
		sep := " "
		if strings.HasSuffix(c.label, "+") {
			sep = ""
		}
		s.Reasoning = append(s.Reasoning, fmt.Sprintf("%s%s%g: %s", c.label, sep, c.f.Value, c.f.Reason))
	}
	if len(s.Missing) > 0 {
		s.Band = BandUndetermined
		ask := "undetermined until these are answered: " + strings.Join(s.Missing, "; ")
		s.Authority = Proposal{"authority.undetermined", false, "GDPR Art. 33(1)", ask}
		s.Subjects = Proposal{"subjects.undetermined", false, "GDPR Art. 34(1)", ask}
		return s, nil
	}
	cb := in.CBConf.Value + in.CBInteg.Value + in.CBAvail.Value + in.Malicious.Value
	s.Score = in.DPC.Value*in.EI.Value + cb
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
	s.Reasoning = append(s.Reasoning, fmt.Sprintf("SE = %g x %g + %g = %g: %s (ENISA 2013: low < 2, medium < 3, high < 4, very high >= 4)", in.DPC.Value, in.EI.Value, cb, s.Score, s.Band))
	s.Authority = authorityProposal(s)
	if s.Band == BandHigh || s.Band == BandVeryHigh {
		s.Subjects = Proposal{"subjects.notify", true, "GDPR Art. 34(1)", "the risk to people is high: tell them without undue delay, unless an exemption of Art. 34(3) applies (data unintelligible to others, risk removed by later measures, or disproportionate effort, then a public communication)"}
	} else {
		s.Subjects = Proposal{"subjects.none", false, "GDPR Art. 34(1)", "the risk is not high: telling people is not required, though it may still be wise (phishing that uses the leaked details)"}
	}
	return s, nil
}

// authorityProposal applies Art. 33(1): notify unless the breach is
// unlikely to result in a risk. ENISA's low band is not that exemption on
// its own: data that reached recipients nobody can name, or was taken with
// malicious intent, can be used against the people (the EDPB's Guidelines
// 01/2021 on examples of breach notification treat exfiltrated customer
// contact data as notifiable). "No notification" is proposed only when
// every input is known and all three point that way.
func authorityProposal(s Severity) Proposal {
	in := s.Input
	notify := func(why string) Proposal { return Proposal{"authority.notify", true, "GDPR Art. 33(1)", why} }
	switch {
	case s.Band != BandLow:
		return notify("the breach is likely to result in a risk to people: notify the supervisory authority within 72 hours of awareness")
	case in.CBConf.Value >= 0.5:
		return notify(fmt.Sprintf("the severity is low (SE %g), but the data reached recipients nobody can name (%s): a risk to people cannot be ruled out, and ENISA's low band is not the exemption of Art. 33(1); notify within 72 hours of awareness", s.Score, in.CBConf.Reason))
	case in.Malicious.Value > 0:
		return notify(fmt.Sprintf("the severity is low (SE %g), but the breach was malicious (%s): a risk to people cannot be ruled out, and ENISA's low band is not the exemption of Art. 33(1); notify within 72 hours of awareness", s.Score, in.Malicious.Reason))
	}
	return Proposal{"authority.none", false, "GDPR Art. 33(1)", fmt.Sprintf(
		"the breach is unlikely to result in a risk to people: the severity is low (SE %g), the data reached only known recipients or none (confidentiality +%g: %s), and it was not malicious (%s); document it in the register (Art. 33(5)) with this reasoning",
		s.Score, in.CBConf.Value, in.CBConf.Reason, in.Malicious.Reason)}
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
