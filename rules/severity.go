package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// The assessment's types are the root package's, where the timeline's
// "assessment.confirmed" payload is typed; rules computes them.
type (
	SeverityInput = leakdesk.SeverityInput
	Factor        = leakdesk.Factor
	Severity      = leakdesk.Severity
	Proposal      = leakdesk.Proposal
)

// factorReasons are the default reasons, in English and French.
var factorReasons = map[string][2]string{
	"dpc.simple":     {"simple data: identity, contact and professional details", "données simples : identité, coordonnées et vie professionnelle"},
	"dpc.sensitive":  {"sensitive data: government identifiers or special categories", "données sensibles : identifiants officiels ou catégories particulières"},
	"dpc.financial":  {"financial data or credentials that give access to accounts", "données financières ou identifiants donnant accès à des comptes"},
	"ei.none":        {"no data that identifies a person was found", "aucune donnée identifiant une personne n'a été trouvée"},
	"ei.full":        {"full names with contact details identify people directly", "les noms complets et les coordonnées identifient directement les personnes"},
	"ei.contact":     {"personal e-mail addresses and phone numbers identify most people with little effort", "les adresses e-mail et numéros de téléphone personnels identifient la plupart des personnes sans grand effort"},
	"ei.names":       {"names without further detail identify some people", "des noms sans autre détail identifient certaines personnes"},
	"integrity.copy": {"a leak copies data: no sign that it was altered (set --integrity if it was)", "une fuite copie les données : rien n'indique qu'elles aient été altérées (--integrity si elles l'ont été)"},
	"availability.copy": {"a leak copies data: no sign that it was lost (set --availability if it was)",
		"une fuite copie les données : rien n'indique qu'elles aient été perdues (--availability si elles l'ont été)"},
	"confidentiality.ask": {"who received the data: --confidentiality 0.5 (unknown recipients) or 0.25 (known recipients), with --why confidentiality=...",
		"qui a reçu les données : --confidentiality 0.5 (destinataires inconnus) ou 0.25 (destinataires connus), avec --why confidentiality=..."},
	"malicious.ask": {"whether the breach was malicious: --malicious=true or --malicious=false, with --why malicious=...",
		"si la violation est malveillante : --malicious=true ou --malicious=false, avec --why malicious=..."},
	"confidentiality.exposed": {"the evidence was found at %q (%s): the data is exposed to recipients nobody can name",
		"l'élément de preuve a été trouvé à « %s » (%s) : les données sont exposées à des destinataires que nul ne peut nommer"},
	"malicious.source": {"the evidence was found at %q (%s): someone took or offers the data with malicious intent",
		"l'élément de preuve a été trouvé à « %s » (%s) : quelqu'un a pris ou propose les données dans une intention malveillante"},
	"dpc.ask":              {"what kind of data leaked, as %s: --dpc 1 to 4, with --why dpc=...", "la nature des données divulguées, car %s : --dpc 1 à 4, avec --why dpc=..."},
	"ei.ask":               {"how easily people are identified, as %s: --ei 0.25 to 1, with --why ei=...", "la facilité d'identification des personnes, car %s : --ei 0.25 à 1, avec --why ei=..."},
	"why.no-personal-data": {"the evidence showed no personal data", "les éléments de preuve ne montrent aucune donnée personnelle"},
	"why.no-evidence":      {"no evidence is held (leakdesk evidence add)", "aucun élément de preuve n'est conservé (leakdesk evidence add)"},
}

// because is a factor with a default reason, kept by key for translation.
func because(value float64, key string, args ...string) Factor {
	return Factor{Value: value, Reason: reasonIn("en", key, args), ReasonKey: key, ReasonArgs: args}
}

// unknownBecause is an unknown factor, with the question that answers it.
func unknownBecause(key string, args ...string) Factor {
	f := because(0, key, args...)
	f.Unknown = true
	return f
}

// reasonIn says a default reason in lang. An argument that is itself a
// key ("as %s") is said in lang too.
func reasonIn(lang, key string, args []string) string {
	text := factorReasons[key][0]
	if lang == "fr" {
		text = factorReasons[key][1]
	}
	if len(args) == 0 {
		return text
	}
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a
		if _, ok := factorReasons[a]; ok {
			vals[i] = reasonIn(lang, a, nil)
		}
	}
	return fmt.Sprintf(text, vals...)
}

// ReasonIn says why the factor has its value, in lang: a default reason in
// that language, a responder's reason as it was given.
func ReasonIn(f Factor, lang string) string {
	if _, ok := factorReasons[f.ReasonKey]; !ok {
		return f.Reason
	}
	return reasonIn(lang, f.ReasonKey, f.ReasonArgs)
}

// Severity bands.
const (
	BandLow          = "low"
	BandMedium       = "medium"
	BandHigh         = "high"
	BandVeryHigh     = "very-high"
	BandUndetermined = "undetermined" // an input is unknown
)

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
		DPC:       because(1, "dpc.simple"),
		EI:        because(0.25, "ei.none"),
		CBInteg:   because(0, "integrity.copy"),
		CBAvail:   because(0, "availability.copy"),
		CBConf:    unknownBecause("confidentiality.ask"),
		Malicious: unknownBecause("malicious.ask"),
	}
	if src, w := sourceShows(sources, exposedWords); src != "" {
		in.CBConf = because(0.5, "confidentiality.exposed", src, w)
	}
	if src, w := sourceShows(sources, maliciousWords); src != "" {
		in.Malicious = because(0.5, "malicious.source", src, w)
	}
	if len(categories) == 0 {
		why := "why.no-personal-data"
		if len(sources) == 0 {
			why = "why.no-evidence"
		}
		in.DPC = unknownBecause("dpc.ask", why)
		in.EI = unknownBecause("ei.ask", why)
		return in
	}
	has := func(c string) bool { return categories[c] > 0 }
	switch {
	case has("special_category_hints") || has("government_identifiers"):
		in.DPC = because(4, "dpc.sensitive")
	case has("financial") || has("credentials"):
		in.DPC = because(3, "dpc.financial")
	}
	switch {
	case has("identity") && has("contact"):
		in.EI = because(1, "ei.full")
	case has("contact"):
		in.EI = because(0.75, "ei.contact")
	case has("identity"):
		in.EI = because(0.5, "ei.names")
	}
	return in
}

// Assess computes SE = DPC x EI + CB, bands it and proposes the decisions,
// with the articles and the reasoning. While any factor is unknown it
// proposes nothing: both decisions are undetermined, and Missing lists the
// questions.
func Assess(in SeverityInput) (Severity, error) {
	s := Severity{Input: in}
	for _, c := range factorsOf(in) {
		if c.f.Unknown {
			s.Missing = append(s.Missing, c.f.Reason)
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
	}
	if len(s.Missing) > 0 {
		s.Band = BandUndetermined
		s.Reasoning = ReasoningIn(s, "en")
		ask := "undetermined until these are answered: " + strings.Join(s.Missing, "; ")
		s.Authority = propose("authority.undetermined", false, "GDPR Art. 33(1)", ask)
		s.Subjects = propose("subjects.undetermined", false, "GDPR Art. 34(1)", ask)
		return s, nil
	}
	s.Score = in.DPC.Value*in.EI.Value + cb(in)
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
	s.Reasoning = ReasoningIn(s, "en")
	s.Authority = authorityProposal(s)
	if s.Band == BandHigh || s.Band == BandVeryHigh {
		s.Subjects = propose("subjects.notify", true, "GDPR Art. 34(1)", "the risk to people is high: tell them without undue delay, unless an exemption of Art. 34(3) applies (data unintelligible to others, risk removed by later measures, or disproportionate effort, then a public communication)")
	} else {
		s.Subjects = propose("subjects.none", false, "GDPR Art. 34(1)", "the risk is not high: telling people is not required, though it may still be wise (phishing that uses the leaked details)")
	}
	return s, nil
}

// factor is one input of the formula, with its labels and allowed values.
type factor struct {
	name    string
	label   [2]string // English, French
	f       Factor
	allowed []float64
}

func factorsOf(in SeverityInput) []factor {
	return []factor{
		{"DPC", [2]string{"DPC", "DPC"}, in.DPC, nil},
		{"EI", [2]string{"EI", "EI"}, in.EI, []float64{0.25, 0.5, 0.75, 1}},
		{"confidentiality", [2]string{"CB confidentiality +", "CB confidentialité +"}, in.CBConf, []float64{0, 0.25, 0.5}},
		{"integrity", [2]string{"CB integrity +", "CB intégrité +"}, in.CBInteg, []float64{0, 0.25, 0.5}},
		{"availability", [2]string{"CB availability +", "CB disponibilité +"}, in.CBAvail, []float64{0, 0.25, 0.5}},
		{"malicious", [2]string{"CB malicious intent +", "CB intention malveillante +"}, in.Malicious, []float64{0, 0.5}},
	}
}

func cb(in SeverityInput) float64 {
	return in.CBConf.Value + in.CBInteg.Value + in.CBAvail.Value + in.Malicious.Value
}

// bandNames are the ENISA bands in English and French.
var bandNames = map[string][2]string{
	BandLow: {"low", "faible"}, BandMedium: {"medium", "moyenne"}, BandHigh: {"high", "élevée"}, BandVeryHigh: {"very high", "très élevée"},
	BandUndetermined: {"undetermined", "indéterminée"},
}

// propose makes a proposal.
func propose(code string, notify bool, article, why string) Proposal {
	return Proposal{Code: code, Notify: notify, Article: article, Why: why}
}

// ReasoningIn explains the score in lang: each factor with its reason,
// then the formula and ENISA's bands.
func ReasoningIn(s Severity, lang string) []string {
	i, sep := 0, ": "
	if lang == "fr" {
		i, sep = 1, " : "
	}
	var out []string
	for _, c := range factorsOf(s.Input) {
		label := c.label[i]
		if c.f.Unknown {
			unknown := [2]string{"%s unknown: answer %s", "%s inconnu : répondre à %s"}[i]
			out = append(out, fmt.Sprintf(unknown, strings.TrimSuffix(label, " +"), ReasonIn(c.f, lang)))
			continue
		}
		space := " "
		if strings.HasSuffix(label, "+") {
			space = ""
		}
		out = append(out, fmt.Sprintf("%s%s%g%s%s", label, space, c.f.Value, sep, ReasonIn(c.f, lang)))
	}
	if s.Band == BandUndetermined {
		return out
	}
	in := s.Input
	bands := [2]string{"ENISA 2013: low < 2, medium < 3, high < 4, very high >= 4", "ENISA 2013 : faible < 2, moyenne < 3, élevée < 4, très élevée >= 4"}[i]
	return append(out, fmt.Sprintf("SE = %g x %g + %g = %g%s%s (%s)", in.DPC.Value, in.EI.Value, cb(in), s.Score, sep, bandNames[s.Band][i], bands))
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
	notify := func(why string) Proposal { return propose("authority.notify", true, "GDPR Art. 33(1)", why) }
	switch {
	case s.Band != BandLow:
		return notify("the breach is likely to result in a risk to people: notify the supervisory authority within 72 hours of awareness")
	case in.CBConf.Value >= 0.5:
		return notify(fmt.Sprintf("the severity is low (SE %g), but the data reached recipients nobody can name (%s): a risk to people cannot be ruled out, and ENISA's low band is not the exemption of Art. 33(1); notify within 72 hours of awareness", s.Score, in.CBConf.Reason))
	case in.Malicious.Value > 0:
		return notify(fmt.Sprintf("the severity is low (SE %g), but the breach was malicious (%s): a risk to people cannot be ruled out, and ENISA's low band is not the exemption of Art. 33(1); notify within 72 hours of awareness", s.Score, in.Malicious.Reason))
	}
	return propose("authority.none", false, "GDPR Art. 33(1)", fmt.Sprintf(
		"the breach is unlikely to result in a risk to people: the severity is low (SE %g), the data reached only known recipients or none (confidentiality +%g: %s), and it was not malicious (%s); document it in the register (Art. 33(5)) with this reasoning",
		s.Score, in.CBConf.Value, in.CBConf.Reason, in.Malicious.Reason))
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
