package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
)

// ReportKind is a filing's layout, held as data in reports/*.json: its
// sections and fields, each labelled in French and English and filled from
// a named fact, or a fixed text.
type ReportKind struct {
	ID         string            `json:"id"`
	Title      map[string]string `json:"title"`
	Regime     string            `json:"regime"`
	Obligation string            `json:"obligation"`
	Sections   []ReportSection   `json:"sections"`
}

// ReportSection is one part of a filing.
type ReportSection struct {
	Title  map[string]string `json:"title"`
	Fields []ReportField     `json:"fields"`
}

// ReportField is one answer of a filing.
type ReportField struct {
	ID     string            `json:"id"`
	Label  map[string]string `json:"label"`
	Source string            `json:"source,omitempty"`
	Text   map[string]string `json:"text,omitempty"`
}

// Languages reports are written in.
func reportLangs() []string { return []string{"en", "fr"} }

func (r *Rules) loadReports() error {
	names, err := fs.Glob(embedded, "reports/*.json")
	if err != nil {
		return fmt.Errorf("list reports: %w", err)
	}
	r.reports = map[string]*ReportKind{}
	for _, name := range names {
		data, err := fs.ReadFile(embedded, name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		var k ReportKind
		if err := json.Unmarshal(data, &k); err != nil {
			return fmt.Errorf("report file %s: %w", path.Base(name), err)
		}
		for _, lang := range reportLangs() {
			if k.Title[lang] == "" {
				return fmt.Errorf("report file %s: title has no %s text", path.Base(name), lang)
			}
			for i, s := range k.Sections {
				for j, f := range s.Fields {
					if f.Label[lang] == "" || s.Title[lang] == "" || (f.Source == "" && f.Text[lang] == "") {
						return fmt.Errorf("report file %s: sections[%d].fields[%d] (%s) lacks its %s label, title, source or text", path.Base(name), i, j, f.ID, lang)
					}
				}
			}
		}
		r.reports[k.ID] = &k
	}
	return nil
}

// ReportKinds lists the kinds of report.
func (r *Rules) ReportKinds() []string { return slices.Sorted(maps.Keys(r.reports)) }

// ReportKind returns a kind of report, or EINVALID naming the known ones.
func (r *Rules) ReportKind(id string) (*ReportKind, error) {
	k, ok := r.reports[id]
	if !ok {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "unknown report kind %q: want one of %s", id, strings.Join(r.ReportKinds(), ", "))
	}
	return k, nil
}

// ReportInput is everything a report may draw on. Fields left empty are
// reported as unknown, never guessed.
type ReportInput struct {
	Incident   *leakdesk.Incident
	Deadlines  []leakdesk.Deadline
	Filings    []*leakdesk.Filing
	Severity   *Severity         // the confirmed assessment, if any
	Facts      map[string]string // recorded with "incident fact": dpo, measures, consequences...
	Categories map[string]int64  // GDPR data categories found in the evidence
	Special    []string          // headers that hint at special categories
	Persons    int64             // approximate number of persons; 0 when unknown
	PersonsHow string            // how Persons was counted
	// People, when matching counted them, breaks Persons down: affected,
	// former contacts and unknown people, in the report's language.
	People   *leakdesk.People
	Records  int64 // approximate number of records; 0 when unknown
	Evidence []*leakdesk.Evidence
	Events   []*leakdesk.Event
	Record   *RecordState // nil when the record was not checked
}

// Report is a filing, filled in one language.
type Report struct {
	Kind        string         `json:"kind"`
	Lang        string         `json:"lang"`
	Title       string         `json:"title"`
	Incident    string         `json:"incident"`
	GeneratedAt time.Time      `json:"generated_at"`
	Unknown     int            `json:"unknown"` // fields still to be completed
	Sections    []ReportedPart `json:"sections"`
}

// ReportedPart is a filled section.
type ReportedPart struct {
	Title  string          `json:"title"`
	Fields []ReportedField `json:"fields"`
}

// ReportedField is a filled answer.
type ReportedField struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Value string `json:"value"`
	Known bool   `json:"known"`
}

// Build fills the kind of report in lang from in, at now.
func (k *ReportKind) Build(lang string, in ReportInput, now time.Time) (*Report, error) {
	if !slices.Contains(reportLangs(), lang) {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "unknown language %q: want fr or en", lang)
	}
	facts := reportFacts(lang, k, in)
	if err := verdictFacts(lang, in, facts); err != nil {
		return nil, err
	}
	rep := &Report{Kind: k.ID, Lang: lang, Title: k.Title[lang], Incident: in.Incident.PublicID(), GeneratedAt: now}
	for _, s := range k.Sections {
		part := ReportedPart{Title: s.Title[lang]}
		for _, f := range s.Fields {
			value := f.Text[lang]
			if f.Source != "" {
				value = facts[f.Source]
			}
			field := ReportedField{ID: f.ID, Label: f.Label[lang], Value: value, Known: value != ""}
			if !field.Known {
				field.Value = tr(lang, "unknown")
				rep.Unknown++
			}
			part.Fields = append(part.Fields, field)
		}
		rep.Sections = append(rep.Sections, part)
	}
	return rep, nil
}

// tr translates the few fixed words reports use.
func tr(lang, key string) string {
	words := map[string][2]string{
		"unknown":                {"Unknown: to be completed", "Inconnu : à compléter"},
		"initial":                {"Initial notification", "Notification initiale"},
		"complementary":          {"Complementary notification (phased, Art. 33(4))", "Notification complémentaire (par phases, art. 33(4))"},
		"yes":                    {"Yes", "Oui"},
		"no":                     {"No", "Non"},
		"confidentiality":        {"confidentiality", "confidentialité"},
		"integrity":              {"integrity", "intégrité"},
		"availability":           {"availability", "disponibilité"},
		"identity":               {"identity", "identité"},
		"contact":                {"contact details", "coordonnées"},
		"professional":           {"professional life", "vie professionnelle"},
		"location":               {"location", "localisation"},
		"credentials":            {"credentials", "identifiants de connexion"},
		"financial":              {"financial data", "données financières"},
		"government_identifiers": {"government identifiers", "identifiants officiels"},
		"special_category_hints": {"possible special categories", "catégories particulières possibles"},
		"low":                    {"low", "faible"},
		"medium":                 {"medium", "moyenne"},
		"high":                   {"high", "élevée"},
		"very-high":              {"very high", "très élevée"},
		"notify":                 {"notify", "notifier"},
		"no-notification":        {"no notification proposed", "pas de notification proposée"},
		"undetermined":           {"undetermined: inputs are missing", "indéterminée : des éléments manquent"},
		"ref.":                   {"ref.", "réf."},
		"record.chain": {"Checked when this report was generated: the timeline's %d events form an unbroken hash chain, and the tables decisions are read from agree with it",
			"Vérifié à la génération de ce rapport : les %d événements de la chronologie forment une chaîne de hachage intacte, et les tables dont les décisions sont lues concordent avec elle"},
		"record.signed": {"; signed up to event %d (key %s)", " ; signée jusqu'à l'événement %d (clé %s)"},
		"record.unsigned": {"; not signed (no signing key configured): a rewrite by whoever can write to the database would not be detected",
			" ; non signée (aucune clé de signature configurée) : une réécriture par quiconque peut écrire dans la base ne serait pas détectée"},
		"record.doubt": {"IN DOUBT: %s. See leakdesk incident verify %s", "DOUTEUX : %s. Voir leakdesk incident verify %s"},
		"verdict.head": {"Leak %s (%d rows), checked by leakdesk verify-leak on %s (event %d):",
			"Fuite %s (%d lignes), examinée par leakdesk verify-leak le %s (événement %d) :"},
		"verdict.access":                            {"claim of access, ", "allégation d'accès, "},
		"verdict.authentic":                         {"authentic", "authentique"},
		"verdict.fabricated":                        {"fabricated", "fabriquée"},
		"verdict.mixed":                             {"mixed", "mélangée"},
		"verdict.current":                           {"current", "actuelle"},
		"verdict.recent":                            {"recent", "récente"},
		"verdict.old":                               {"old", "ancienne"},
		"verdict.complete":                          {"complete", "complète"},
		"verdict.partial":                           {"partial", "partielle"},
		"verdict.new or recycled":                   {"new or recycled", "nouvelle ou recyclée"},
		"verdict.new":                               {"new", "nouvelle"},
		"verdict.recycled":                          {"recycled", "recyclée"},
		"verdict.unknown":                           {"unknown", "inconnu"},
		"verdict.supports":                          {"supports the claim", "étaye l'allégation"},
		"verdict.does not support":                  {"does not support the claim", "n'étaye pas l'allégation"},
		"verdict.secrets":                           {"secrets", "secrets"},
		"verdict.configuration and detection rules": {"configuration and detection rules", "configuration et règles de détection"},
		"verdict.credentials on own domains":        {"credentials on own domains", "identifiants sur les domaines propres"},
		"verdict.internal host names":               {"internal host names", "noms d'hôtes internes"},
		"verdict.internal IP addresses":             {"internal IP addresses", "adresses IP internes"},
		"record.untimed":                            {"No trusted timestamp", "Aucun horodatage qualifié"},
		"record.timed":                              {"%s, vouched for by an RFC 3161 timestamp authority, for the first %d events", "%s, attesté par une autorité d'horodatage RFC 3161, pour les %d premiers événements"},
		"deliveries": {"%d-%d. %s to %s notify.delivery, campaign %s: %s (%s), %s recorded one by one",
			"%d-%d. %s à %s notify.delivery, campagne %s : %s (%s), %s enregistrés un par un"},
		"delivery.queued":    {"queued", "en file"},
		"delivery.sending":   {"sending", "en cours d'envoi"},
		"delivery.sent":      {"sent", "envoyés"},
		"delivery.delivered": {"delivered", "remis"},
		"delivery.bounced":   {"bounced", "rejetés"},
		"delivery.failed":    {"failed", "abandonnés"},
		"cnil-scale": {"%s (ENISA band %s, placed rank for rank on the four levels of the CNIL's PIA method)",
			"%s (niveau ENISA %s, reporté rang pour rang sur les quatre niveaux de la méthode PIA de la CNIL)"},
		"status.due":            {"due", "à échéance"},
		"status.met":            {"met", "respecté"},
		"status.late":           {"late", "en retard"},
		"status.not-started":    {"not started", "non commencé"},
		"status.not-applicable": {"not applicable", "sans objet"},
		"not-applicable":        {"not applicable: %s", "sans objet : %s"},
		"no-time-limit-yet":     {"no time limit is running yet", "aucun délai ne court encore"},
		"not-under-regime":      {"the incident is not under this notification's regime", "l'incident ne relève pas du régime de cette notification"},
		PersonsByEmail:          {PersonsByEmail, "adresses e-mail distinctes dans les éléments de preuve"},
		"none":                  {"none", "aucune"},
		"filed-in-time":         {"filed within the time limit (%s)", "notifiée dans le délai (%s)"},
		"not-late-yet":          {"the time limit (%s) has not passed", "le délai (%s) n'est pas écoulé"},
		"controller":            {"controller", "responsable de traitement"},
		"processor":             {"processor", "sous-traitant"},
		"authority.notify": {"the breach is likely to result in a risk to people: notify the supervisory authority within 72 hours of awareness",
			"la violation est susceptible d'engendrer un risque pour les personnes : notifier l'autorité de contrôle dans les 72 heures suivant la prise de connaissance"},
		"authority.none": {"the breach is unlikely to result in a risk to people: document it in the register (Art. 33(5)) and keep the reasoning",
			"la violation n'est pas susceptible d'engendrer un risque pour les personnes : la documenter au registre (art. 33(5)) et conserver le raisonnement"},
		"subjects.notify": {"the risk to people is high: tell them without undue delay, unless an exemption of Art. 34(3) applies",
			"le risque pour les personnes est élevé : les informer dans les meilleurs délais, sauf exception de l'art. 34(3)"},
		"authority.undetermined": {"undetermined until the missing inputs are answered (leakdesk assess)",
			"indéterminé tant que les éléments manquants ne sont pas renseignés (leakdesk assess)"},
		"subjects.undetermined": {"undetermined until the missing inputs are answered (leakdesk assess)",
			"indéterminé tant que les éléments manquants ne sont pas renseignés (leakdesk assess)"},
		"subjects.none": {"the risk is not high: telling people is not required, though it may still be wise (phishing that uses the leaked details)",
			"le risque n'est pas élevé : l'information des personnes n'est pas obligatoire, mais peut rester utile (hameçonnage utilisant les données divulguées)"},
	}
	w, ok := words[key]
	if !ok {
		return key
	}
	if lang == "fr" {
		return w[1]
	}
	return w[0]
}

func reportTime(lang string, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	layout := "2006-01-02 15:04 MST"
	if lang == "fr" {
		layout = "02/01/2006 15:04 MST"
	}
	return t.In(loc).Format(layout)
}

// reportFacts turns the input into the values report sources name.
func reportFacts(lang string, k *ReportKind, in ReportInput) map[string]string {
	inc, loc := in.Incident, in.Incident.Location()
	out := map[string]string{
		"incident.id":            inc.PublicID(),
		"incident.title":         inc.Title,
		"incident.aware_at":      reportTime(lang, inc.AwareAt, loc),
		"incident.discovered_by": inc.DiscoveredBy,
		"incident.role":          tr(lang, inc.Role),
	}
	// A fact given for one language (measures.fr) wins in that language.
	localized := map[string]string{}
	for key, v := range in.Facts {
		if base, l, ok := strings.Cut(key, "."); ok {
			if l == lang {
				localized[base] = v
			}
			continue
		}
		out["fact."+key] = v
	}
	for base, v := range localized {
		out["fact."+base] = v
	}
	for _, d := range in.Deadlines {
		if !d.Due.IsZero() {
			out["deadline."+d.Obligation] = fmt.Sprintf("%s (%s)", reportTime(lang, d.Due, loc), tr(lang, "status."+d.Status))
		}
	}
	byObligation := map[string][]string{}
	var all []string
	for _, f := range in.Filings {
		line := fmt.Sprintf("%s%s%s, %s %s", f.Obligation, colon(lang), reportTime(lang, f.FiledAt, loc), tr(lang, "ref."), f.Ref)
		byObligation[f.Obligation] = append(byObligation[f.Obligation], line)
		all = append(all, line)
	}
	for o, lines := range byObligation {
		out["filings."+o] = strings.Join(lines, "\n")
	}
	out["filings.all"] = strings.Join(all, "\n")
	out["filings.delay_reasons"] = delayReasons(lang, k, in)
	recordFacts(lang, in, out)
	out["report.phase"] = tr(lang, "initial")
	if len(byObligation[k.Obligation]) > 0 {
		out["report.phase"] = tr(lang, "complementary")
	}
	if len(in.Categories) > 0 {
		var cats []string
		for _, c := range slices.Sorted(maps.Keys(in.Categories)) {
			if c != "special_category_hints" {
				cats = append(cats, fmt.Sprintf("%s (%s)", tr(lang, c), counted(lang, in.Categories[c], "entry")))
			}
		}
		out["data.categories"] = strings.Join(cats, "; ")
		out["data.special"] = tr(lang, "none")
	}
	if len(in.Special) > 0 {
		out["data.special"] = strings.Join(in.Special, ", ")
	}
	if in.Persons > 0 {
		how := tr(lang, in.PersonsHow)
		if in.People != nil {
			how = PeopleHow(lang, *in.People)
		}
		out["data.persons"] = fmt.Sprintf("%d (%s)", in.Persons, how)
		out["data.persons_band"] = CNILBand(in.Persons)
	}
	if in.Records > 0 {
		out["data.records"] = fmt.Sprint(in.Records)
	}
	if s := in.Severity; s != nil {
		var nature []string
		for _, n := range []struct {
			key string
			f   Factor
		}{{"confidentiality", s.Input.CBConf}, {"integrity", s.Input.CBInteg}, {"availability", s.Input.CBAvail}} {
			if n.f.Value > 0 {
				nature = append(nature, tr(lang, n.key))
			}
		}
		out["assessment.nature"] = strings.Join(nature, ", ")
		out["assessment.summary"] = fmt.Sprintf("SE %g%s%s", s.Score, colon(lang), tr(lang, s.Band))
		if s.Band == BandUndetermined {
			out["assessment.summary"] = tr(lang, s.Band)
		}
		if cnil, ok := cnilScale[s.Band]; ok {
			out["assessment.cnil"] = fmt.Sprintf(tr(lang, "cnil-scale"), cnil, tr(lang, s.Band))
		}
		out["assessment.reasoning"] = strings.Join(ReasoningIn(*s, lang), "\n")
		if s.Input.Malicious.Set || s.Input.Malicious.Value > 0 {
			out["assessment.malicious"] = tr(lang, map[bool]string{true: "yes", false: "no"}[s.Input.Malicious.Value > 0]) + colon(lang) + ReasonIn(s.Input.Malicious, lang)
		}
		decision := func(p Proposal) string {
			verdict := tr(lang, p.Decision())
			return fmt.Sprintf("%s (%s)%s%s", verdict, strings.Replace(p.Article, "GDPR Art.", map[string]string{"en": "GDPR Art.", "fr": "RGPD art."}[lang], 1), colon(lang), tr(lang, p.Code))
		}
		out["assessment.authority"] = decision(s.Authority)
		out["assessment.subjects"] = decision(s.Subjects)
	}
	var evidence []string
	for _, e := range in.Evidence {
		evidence = append(evidence, fmt.Sprintf("#%d %s, sha256 %s, %s", e.ID, e.Filename, e.SHA256, e.Source))
	}
	out["evidence.list"] = strings.Join(evidence, "\n")
	var timeline []string
	for _, e := range leakdesk.ReadableTimeline(in.Events) {
		if ev := e.Event; ev != nil {
			timeline = append(timeline, fmt.Sprintf("%d. %s %s (%s)", ev.Seq, reportTime(lang, ev.OccurredAt, loc), ev.Kind, ev.Actor))
			continue
		}
		timeline = append(timeline, deliveryLine(lang, e.Deliveries, loc))
	}
	out["timeline"] = strings.Join(timeline, "\n")
	return out
}

// delayReasons are the reasons for the delay of this report's own
// obligation (the CNIL form's "delay beyond 72 hours" is GDPR Art. 33(1)'s):
// those its filings gave; "none" when it was filed in time, or while its
// time limit has not passed; and unknown ("", to be completed) when it is
// late and no reason was recorded. Another obligation's reasons (a NIS2
// filing's) never appear, and a missing reason is never written as "none".
func delayReasons(lang string, k *ReportKind, in ReportInput) string {
	var reasons []string
	for _, f := range in.Filings {
		if f.Obligation == k.Obligation && strings.TrimSpace(f.DelayReason) != "" {
			reasons = append(reasons, f.DelayReason)
		}
	}
	if len(reasons) > 0 {
		return strings.Join(reasons, "\n")
	}
	// Asked for only when there is a delay: otherwise the field says why
	// none is due.
	for _, d := range in.Deadlines {
		if d.Obligation != k.Obligation {
			continue
		}
		due := reportTime(lang, d.Due, in.Incident.Location())
		switch d.Status {
		case leakdesk.DeadlineMet:
			return tr(lang, "none") + colon(lang) + fmt.Sprintf(tr(lang, "filed-in-time"), due)
		case leakdesk.DeadlineDue:
			if d.Due.IsZero() {
				return fmt.Sprintf(tr(lang, "not-applicable"), tr(lang, "no-time-limit-yet"))
			}
			return tr(lang, "none") + colon(lang) + fmt.Sprintf(tr(lang, "not-late-yet"), due)
		case leakdesk.DeadlineNotStarted, leakdesk.DeadlineNotApplicable:
			return fmt.Sprintf(tr(lang, "not-applicable"), tr(lang, "no-time-limit-yet"))
		}
		return "" // late, and no reason given: to be completed
	}
	if k.Regime != "" && !slices.Contains(in.Incident.Regimes, k.Regime) {
		return fmt.Sprintf(tr(lang, "not-applicable"), tr(lang, "not-under-regime"))
	}
	return "" // no clock known: to be completed
}

// deliveryLine sums up a notice's delivery changes in lang; each change
// stays on the timeline itself.
func deliveryLine(lang string, d *leakdesk.DeliverySummary, loc *time.Location) string {
	var states []string
	for _, st := range d.States() {
		states = append(states, fmt.Sprintf("%s %d", tr(lang, "delivery."+st), d.ByState[st]))
	}
	return fmt.Sprintf(tr(lang, "deliveries"), d.FirstSeq, d.LastSeq, reportTime(lang, d.First, loc), reportTime(lang, d.Last, loc),
		d.Campaign, counted(lang, int64(d.Deliveries), "delivery"), strings.Join(states, ", "), counted(lang, int64(d.Changes), "change"))
}

// cnilScale puts ENISA's (2013) four bands on the four levels of severity
// of the CNIL's PIA method (négligeable, limité, important, maximal), rank
// for rank. The mapping is leakdesk's, stated in the report; neither body
// publishes one.
var cnilScale = map[string]string{BandLow: "négligeable", BandMedium: "limité", BandHigh: "important", BandVeryHigh: "maximal"}

// PersonsByEmail is how persons are counted without matching.
const PersonsByEmail = leakdesk.PersonsByEmail

// colon separates a label from its value: French puts a space before it.
func colon(lang string) string {
	if lang == "fr" {
		return " : "
	}
	return ": "
}

// counted says n of a noun in lang, singular or plural: French takes the
// singular for 0 and 1, English for 1 alone.
func counted(lang string, n int64, noun string) string {
	forms := map[string][4]string{ // English one, many; French one, many
		"entry":             {"entry", "entries", "entrée", "entrées"},
		"delivery":          {"delivery", "deliveries", "envoi", "envois"},
		"change":            {"change", "changes", "changement", "changements"},
		"field-to-complete": {"field to complete", "fields to complete", "champ à compléter", "champs à compléter"},
	}[noun]
	switch {
	case lang == "fr" && n <= 1:
		return fmt.Sprintf("%d %s", n, forms[2])
	case lang == "fr":
		return fmt.Sprintf("%d %s", n, forms[3])
	case n == 1:
		return fmt.Sprintf("%d %s", n, forms[0])
	}
	return fmt.Sprintf("%d %s", n, forms[1])
}

// Markdown renders the report as Markdown.
func (rep *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", rep.Title)
	generated := map[string]string{"en": "Incident %s, generated %s. %s.", "fr": "Incident %s, généré le %s. %s."}[rep.Lang]
	fmt.Fprintf(&b, "_"+generated+"_\n", rep.Incident, rep.GeneratedAt.UTC().Format(time.RFC3339), counted(rep.Lang, int64(rep.Unknown), "field-to-complete"))
	for _, s := range rep.Sections {
		fmt.Fprintf(&b, "\n## %s\n\n", s.Title)
		for _, f := range s.Fields {
			value := f.Value
			if !f.Known {
				value = "**" + value + "**"
			}
			if strings.Contains(value, "\n") {
				fmt.Fprintf(&b, "- %s%s\n", f.Label, strings.TrimRight(colon(rep.Lang), " "))
				for _, line := range strings.Split(value, "\n") {
					fmt.Fprintf(&b, "  - %s\n", line)
				}
				continue
			}
			fmt.Fprintf(&b, "- %s%s%s\n", f.Label, colon(rep.Lang), value)
		}
	}
	return b.String()
}

// HTML renders the report as a standalone HTML page.
func (rep *Report) HTML() (string, error) {
	t, err := template.New("report").Funcs(template.FuncMap{"lines": func(s string) []string { return strings.Split(s, "\n") }}).Parse(reportHTML)
	if err != nil {
		return "", fmt.Errorf("report template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, rep); err != nil {
		return "", fmt.Errorf("render report: %w", err)
	}
	return b.String(), nil
}

const reportHTML = `<!doctype html>
<html lang="{{.Lang}}">
<head><meta charset="utf-8"><title>{{.Title}} · {{.Incident}}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}dt{font-weight:600}dd{margin:0 0 .8rem}.unknown{color:#b00020;font-weight:600}</style></head>
<body>
<h1>{{.Title}}</h1>
<p><small>{{.Incident}} · {{.GeneratedAt.UTC.Format "2006-01-02T15:04:05Z07:00"}}</small></p>
{{range .Sections}}<h2>{{.Title}}</h2>
<dl>{{range .Fields}}
<dt>{{.Label}}</dt><dd{{if not .Known}} class="unknown"{{end}}>{{range $i, $l := lines .Value}}{{if $i}}<br>{{end}}{{$l}}{{end}}</dd>{{end}}
</dl>
{{end}}</body>
</html>
`
