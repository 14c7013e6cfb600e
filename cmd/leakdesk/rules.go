package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/store"
)

// factKeys are the facts a responder records for the reports, with what
// each is for.
func factKeys() map[string]string {
	return map[string]string{
		"controller":        "the organisation responsible, as named in filings",
		"dpo":               "the DPO or other contact point, with e-mail and phone",
		"circumstances":     "what happened and how, in a few sentences",
		"start":             "when the breach began, if known",
		"consequences":      "the likely consequences for the people concerned",
		"measures":          "the measures taken or proposed",
		"cross_border":      "whether people in other countries are concerned",
		"subjects_informed": "whether, when and how the people were told",
		"iocs":              "indicators of compromise",
		"root_cause":        "the type of threat or root cause (the CNIL form's cause)",
		// The CNIL form's sections that leakdesk cannot know.
		"siren":                "the organisation's SIREN number",
		"address":              "the organisation's postal address",
		"sector":               "the organisation's sector of activity",
		"headcount":            "the organisation's headcount",
		"legal_representative": "the organisation's legal representative",
		"processors":           "the processors involved, if any",
		"end":                  "when the breach ended, or that it goes on",
		"origin":               "the origin of the incident (internal, external, accidental, malicious)",
		"subject_categories":   "the categories of persons concerned (customers, employees, minors...)",
		"prior_measures":       "the security measures in place before the breach",
		"other_authorities":    "other authorities notified (other DPAs, CSIRT, police, regulator)",
	}
}

// Event kinds of this file's commands.
const (
	eventAssessmentConfirmed = leakdesk.EventAssessmentConfirmed
)

func (a *app) incidentFactCommand() *cobra.Command {
	var at string
	facts := factKeys()
	keys := slices.Sorted(maps.Keys(facts))
	var help []string
	for _, k := range keys {
		help = append(help, fmt.Sprintf("  %-18s %s", k, facts[k]))
	}
	cmd := &cobra.Command{
		Use:   `fact ID KEY "value"`,
		Short: "Record a fact the authority reports need; the latest value of each key counts",
		Long: "Record a fact that reports and notices draw on. A key may end in .fr or .en\n" +
			"for the text in one language (measures.fr), used before the plain key. Keys:\n" + strings.Join(help, "\n"),
		Args: exactArgs("ID", "KEY", "VALUE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			key, lang, hasLang := strings.Cut(args[1], ".")
			if hasLang && !slices.Contains(notify.Languages, lang) {
				return leakdesk.Errorf(leakdesk.EINVALID, "fact %q: language %q is not one of %s", args[1], lang, strings.Join(notify.Languages, ", "))
			}
			if _, ok := facts[key]; !ok {
				return leakdesk.Errorf(leakdesk.EINVALID, "unknown fact %q: want one of %s", args[1], strings.Join(keys, ", "))
			}
			if strings.TrimSpace(args[2]) == "" {
				return leakdesk.Errorf(leakdesk.EINVALID, "the value of %s is empty", args[1])
			}
			occurred := a.now()
			if at != "" {
				if occurred, err = a.parseTime("--at", at); err != nil {
					return err
				}
			}
			svc, err := a.incidents(cmd.Context())
			if err != nil {
				return err
			}
			return svc.AppendEvent(cmd.Context(), leakdesk.NewEvent(id, a.actor, leakdesk.EventFact, occurred, map[string]any{"key": args[1], "value": args[2]}))
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "when it became true, if not now")
	return cmd
}

func (a *app) deadlinesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "deadlines ID",
		Short: "List every obligation of an incident with its due time, status and time left",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			rep, err := a.incidentReport(cmd.Context(), id)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, rep.Deadlines)
			}
			loc := rep.Incident.Location()
			t := newTable(a.stdout, "OBLIGATION", "ARTICLE", "TO", "DUE", "LEFT", "STATUS", "REASON")
			for _, d := range rep.Deadlines {
				t.row(d.Obligation, d.Article, d.To, showTime(d.Due, loc), orDash(d.Left), d.Status, d.Reason)
			}
			return t.flush()
		},
	}
}

func (a *app) filedCommand() *cobra.Command {
	var at, ref, delayReason string
	cmd := &cobra.Command{
		Use:   "filed ID OBLIGATION --at TIME --ref TEXT [--delay-reason TEXT]",
		Short: "Record that an obligation was filed; refused if it cannot be, and a late filing needs the reasons its law asks for",
		Args:  exactArgs("ID", "OBLIGATION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "at", "ref"); err != nil {
				return err
			}
			ctx := cmd.Context()
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			when, err := a.parseTime("--at", at)
			if err != nil {
				return err
			}
			svc, err := a.incidents(ctx)
			if err != nil {
				return err
			}
			f := &leakdesk.Filing{IncidentID: id, Obligation: args[1], FiledAt: when, Ref: ref, DelayReason: delayReason, Actor: a.actor}
			if err := svc.RecordFiling(ctx, f); err != nil {
				return err
			}
			for _, w := range f.Warnings {
				fmt.Fprintf(a.stderr, "warning: %s\n", w)
			}
			if a.format == "json" {
				return writeJSON(a.stdout, f)
			}
			_, err = fmt.Fprintf(a.stdout, "%s filed %s, ref. %s\n", f.Obligation, f.FiledAt.Format(time.RFC3339), f.Ref)
			return err
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "when it was filed: RFC 3339 with an offset, or now (required)")
	cmd.Flags().StringVar(&ref, "ref", "", "the authority's reference, or where the filing is kept (required)")
	cmd.Flags().StringVar(&delayReason, "delay-reason", "", "why the filing is late (required after the deadline)")
	return cmd
}

// evidenceFindings profiles every piece of an incident's evidence, read from
// the vault (each read is logged), and sums what it holds.
type evidenceFindings struct {
	Categories map[string]int64 `json:"categories"`
	Special    []string         `json:"special_category_hints"`
	Persons    int64            `json:"persons"`
	PersonsHow string           `json:"persons_how"`
	Records    int64            `json:"records"`
	Sources    []string         `json:"sources,omitempty"` // where each piece of evidence was found
	// People breaks Persons down when matching counted them.
	People *leakdesk.People `json:"people,omitempty"`
}

func (a *app) evidenceFindings(ctx context.Context, id int64, purpose string) (*evidenceFindings, error) {
	ev, err := a.evidence(ctx)
	if err != nil {
		return nil, err
	}
	list, err := ev.FindEvidence(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &evidenceFindings{Categories: map[string]int64{}, PersonsHow: rules.PersonsByEmail}
	for _, e := range list {
		out.Sources = append(out.Sources, e.Source)
		fp, err := a.profileEvidence(ctx, ev, id, e, purpose)
		if err != nil {
			return nil, err
		}
		for c, n := range fp.Categories {
			out.Categories[c] += n
		}
		for _, t := range fp.Tables {
			out.Records += t.Rows
			out.Special = append(out.Special, t.SpecialHints...)
			for _, c := range t.Columns {
				if c.Role == dump.RoleEmail {
					out.Persons = max(out.Persons, c.Distinct)
				}
			}
		}
	}
	return out, nil
}

// assessment is what "assess --confirm" records on the timeline.
type assessment struct {
	Severity rules.Severity   `json:"severity"`
	Findings evidenceFindings `json:"findings"`
}

func (a *app) assessCommand() *cobra.Command {
	var confirm, malicious bool
	var dpc, ei, conf, integ, avail float64
	var why []string
	cmd := &cobra.Command{
		Use:   "assess ID [--dpc N] [--ei X] [--confidentiality X] [--integrity X] [--availability X] [--malicious] [--why FACTOR=TEXT]... [--confirm]",
		Short: "Compute the ENISA severity of the breach and propose whom to notify; --confirm records it",
		Long: `Compute the ENISA (2013) severity SE = DPC x EI + CB from what the evidence
holds, and propose whether the authority (GDPR Art. 33) and the people
(Art. 34) must be told. Each input defaults from the findings and can be set
with a reason: --why dpc="payment cards in the dump". Nothing is decided
silently: --confirm records the assessment, as confirmed by the actor, on the
timeline, where the reports find it.`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			// A reason must belong to a factor that is set: one for a typo or
			// an unset factor would be recorded nowhere, silently.
			reasons := map[string]string{}
			for _, w := range why {
				k, v, ok := strings.Cut(w, "=")
				if !ok || strings.TrimSpace(v) == "" {
					return leakdesk.Errorf(leakdesk.EINVALID, "invalid --why %q: want FACTOR=TEXT, e.g. dpc=\"payment cards\"", w)
				}
				if !slices.Contains([]string{"dpc", "ei", "confidentiality", "integrity", "availability", "malicious"}, k) {
					return leakdesk.Errorf(leakdesk.EINVALID, "--why %s: unknown factor; want dpc, ei, confidentiality, integrity, availability or malicious", k)
				}
				if !cmd.Flags().Changed(k) {
					return leakdesk.Errorf(leakdesk.EINVALID, "--why %s gives a reason, but --%s is not set", k, k)
				}
				reasons[k] = v
			}
			result, err := a.assessIncident(ctx, id, confirm, func(in *rules.SeverityInput) error {
				set := func(flag string, f *rules.Factor, v float64) error {
					if !cmd.Flags().Changed(flag) {
						return nil
					}
					if reasons[flag] == "" {
						return leakdesk.Errorf(leakdesk.EINVALID, "--%s needs a reason: --why %s=\"...\"", flag, flag)
					}
					*f = rules.Factor{Value: v, Reason: reasons[flag], Set: true}
					return nil
				}
				for _, s := range []struct {
					flag string
					f    *rules.Factor
					v    float64
				}{{"dpc", &in.DPC, dpc}, {"ei", &in.EI, ei}, {"confidentiality", &in.CBConf, conf}, {"integrity", &in.CBInteg, integ}, {"availability", &in.CBAvail, avail}} {
					if err := set(s.flag, s.f, s.v); err != nil {
						return err
					}
				}
				m := 0.0
				if malicious {
					m = 0.5
				}
				return set("malicious", &in.Malicious, m)
			})
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, map[string]any{"assessment": result, "confirmed": confirm})
			}
			a.printAssessment(result, confirm)
			return nil
		},
	}
	f := cmd.Flags()
	f.Float64Var(&dpc, "dpc", 1, "data processing context: 1 simple, 2 behavioural, 3 financial, 4 sensitive")
	f.Float64Var(&ei, "ei", 1, "ease of identification: 0.25, 0.5, 0.75 or 1")
	f.Float64Var(&conf, "confidentiality", 0, "loss of confidentiality: 0, 0.25 (known recipients) or 0.5 (unknown recipients)")
	f.Float64Var(&integ, "integrity", 0, "loss of integrity: 0, 0.25 (recoverable) or 0.5")
	f.Float64Var(&avail, "availability", 0, "loss of availability: 0, 0.25 (temporary) or 0.5")
	f.BoolVar(&malicious, "malicious", false, "the breach was malicious (+0.5); --malicious=false says it was not")
	f.StringArrayVar(&why, "why", nil, "the reason for a value set by hand, as FACTOR=TEXT (dpc, ei, confidentiality, integrity, availability, malicious)")
	f.BoolVar(&confirm, "confirm", false, "record this assessment and its decisions on the timeline, as confirmed by --actor")
	return cmd
}

// assessIncident assesses an incident from its evidence, with the
// responder's adjustments, and records it when confirmed.
func (a *app) assessIncident(ctx context.Context, id int64, confirm bool, adjust func(*rules.SeverityInput) error) (assessment, error) {
	findings, err := a.evidenceFindings(ctx, id, "assess severity")
	if err != nil {
		return assessment{}, err
	}
	// Matching, where it ran, counts the people themselves.
	db, err := a.openDB(ctx)
	if err != nil {
		return assessment{}, err
	}
	switch matched, err := store.NewFindingsService(db).LatestFindings(ctx, id); {
	case err == nil:
		p := matched.Count()
		findings.Persons, findings.PersonsHow, findings.People = p.Total, rules.PeopleHow("en", p), &p
	case leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND:
		return assessment{}, err
	}
	in := rules.DefaultSeverityInput(findings.Categories, findings.Sources)
	if err := adjust(&in); err != nil {
		return assessment{}, err
	}
	sev, err := rules.Assess(in)
	if err != nil {
		return assessment{}, err
	}
	result := assessment{Severity: sev, Findings: *findings}
	if confirm {
		svc, err := a.incidents(ctx)
		if err != nil {
			return assessment{}, err
		}
		if err := svc.AppendEvent(ctx, leakdesk.NewEvent(id, a.actor, eventAssessmentConfirmed, a.now(), result)); err != nil {
			return assessment{}, err
		}
	}
	return result, nil
}

func (a *app) printAssessment(r assessment, confirmed bool) {
	w, s := a.stdout, r.Severity
	if s.Band == rules.BandUndetermined {
		fmt.Fprintf(w, "Severity (ENISA 2013): undetermined, %d input(s) missing\n", len(s.Missing))
	} else {
		fmt.Fprintf(w, "Severity (ENISA 2013): SE = %g, %s\n", s.Score, s.Band)
	}
	for _, line := range s.Reasoning {
		fmt.Fprintf(w, "  %s\n", line)
	}
	fmt.Fprintf(w, "Data found: %s; about %d persons (%s), CNIL range %s\n", showCounts(r.Findings.Categories, "none"), r.Findings.Persons, r.Findings.PersonsHow, rules.CNILBand(r.Findings.Persons))
	fmt.Fprintf(w, "Proposed, authority: %s (%s): %s\n", s.Authority.Decision(), s.Authority.Article, s.Authority.Why)
	fmt.Fprintf(w, "Proposed, data subjects: %s (%s): %s\n", s.Subjects.Decision(), s.Subjects.Article, s.Subjects.Why)
	for _, q := range s.Missing {
		fmt.Fprintf(w, "  answer: %s\n", q)
	}
	if confirmed {
		fmt.Fprintln(w, "Confirmed and recorded on the timeline.")
	} else {
		fmt.Fprintln(w, "Not recorded: nothing is decided until you confirm with --confirm.")
	}
}

func (a *app) reportCommand() *cobra.Command {
	var kind, lang, out string
	cmd := &cobra.Command{
		Use:   "report ID --kind KIND [--lang fr|en] [--format md|html|json] [--out FILE]",
		Short: "Write an authority filing pre-filled from the incident; unknowns are marked, never invented",
		Long: `Write a filing pre-filled from the incident, its evidence, its confirmed
assessment, its filings, its facts and its timeline. Kinds: cnil,
gdpr-art33, nis2-early-warning, nis2-notification, nis2-final,
data-subject-notice, register. Every field leakdesk does not know is marked
"to be completed".`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "kind"); err != nil {
				return err
			}
			ctx := cmd.Context()
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			r, err := a.loadRules()
			if err != nil {
				return err
			}
			k, err := r.ReportKind(kind)
			if err != nil {
				return err
			}
			in, err := a.reportInput(ctx, id)
			if err != nil {
				return err
			}
			rep, err := k.Build(lang, in, a.now())
			if err != nil {
				return err
			}
			var text string
			switch a.format {
			case "json":
				b, _ := json.MarshalIndent(rep, "", "  ")
				text = string(b) + "\n"
			case "html":
				if text, err = rep.HTML(); err != nil {
					return err
				}
			default:
				text = rep.Markdown()
			}
			if out == "" {
				_, err = fmt.Fprint(a.stdout, text)
				return err
			}
			if err := os.WriteFile(out, []byte(text), 0o600); err != nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "cannot write %s: %v", out, err)
			}
			fmt.Fprintf(a.stderr, "wrote %s: %d fields to complete\n", out, rep.Unknown)
			return nil
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "the filing: cnil, gdpr-art33, nis2-early-warning, nis2-notification, nis2-final, data-subject-notice, register (required)")
	cmd.Flags().StringVar(&lang, "lang", "fr", "language: fr or en")
	cmd.Flags().StringVarP(&out, "out", "o", "", "write to this file instead of standard output")
	return cmd
}

// reportInput gathers what the reports draw on from the store.
func (a *app) reportInput(ctx context.Context, id int64) (rules.ReportInput, error) {
	rep, err := a.incidentReport(ctx, id)
	if err != nil {
		return rules.ReportInput{}, err
	}
	svc, err := a.incidents(ctx)
	if err != nil {
		return rules.ReportInput{}, err
	}
	filings, err := svc.FindFilings(ctx, id)
	if err != nil {
		return rules.ReportInput{}, err
	}
	events, err := svc.FindEvents(ctx, id)
	if err != nil {
		return rules.ReportInput{}, err
	}
	in := rules.ReportInput{Incident: rep.Incident, Filings: filings, Evidence: rep.Evidence, Events: events, Facts: leakdesk.Facts(events)}
	if in.Facts["subjects_informed"] == "" {
		if err := a.informedFacts(ctx, id, in.Facts); err != nil {
			return rules.ReportInput{}, err
		}
	}
	for _, d := range rep.Deadlines {
		in.Deadlines = append(in.Deadlines, d.Deadline)
	}
	for _, ev := range events {
		switch ev.Kind {
		case eventAssessmentConfirmed:
			var as assessment
			if err := json.Unmarshal(ev.Details, &as); err != nil {
				return rules.ReportInput{}, fmt.Errorf("read assessment of event %d: %w", ev.Seq, err)
			}
			in.Severity, in.Categories, in.Special = &as.Severity, as.Findings.Categories, as.Findings.Special
			in.Persons, in.PersonsHow, in.Records, in.People = as.Findings.Persons, as.Findings.PersonsHow, as.Findings.Records, as.Findings.People
		}
	}
	return in, nil
}

// informedFacts says, in each language, how far the people concerned were
// told, from the incident's notices, unless a responder recorded it.
func (a *app) informedFacts(ctx context.Context, id int64, facts map[string]string) error {
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	notices, err := store.NewNoticeService(db).Notices(ctx, id)
	if err != nil || len(notices) == 0 {
		return err
	}
	cov, err := a.coverage(ctx, id)
	if err != nil {
		return err
	}
	updates, since := len(notices)-1, notices[0].CreatedAt
	for _, lang := range []string{"fr", "en"} {
		facts["subjects_informed."+lang] = rules.SubjectsInformed(lang, cov.Summary, cov.NotInList, since, updates)
	}
	return nil
}
