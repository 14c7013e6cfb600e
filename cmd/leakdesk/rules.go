package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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

func (a *app) incidentFactCommand() *cobra.Command {
	var at string
	var public bool
	facts := leakdesk.FactKeys()
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
			_, err = leakdesk.RecordFact(cmd.Context(), svc, id, a.actor, occurred, leakdesk.FactPayload{Key: args[1], Public: public, Value: args[2]}, notify.Languages)
			return err
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "when it became true, if not now")
	cmd.Flags().BoolVar(&public, "public", false, "show it on the affected organisations' portal pages (recording it again without --public withdraws it)")
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
			svc, err := a.rulesServices(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := svc.Summary(cmd.Context(), id, a.now())
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
			req := rules.AssessRequest{Actor: a.actor, Confirm: confirm, Now: a.now(), Set: map[string]float64{}, Why: map[string]string{}}
			for _, w := range why {
				k, v, ok := strings.Cut(w, "=")
				if !ok || strings.TrimSpace(v) == "" {
					return leakdesk.Errorf(leakdesk.EINVALID, "invalid --why %q: want FACTOR=TEXT, e.g. dpc=\"payment cards\"", w)
				}
				req.Why[k] = v
			}
			m := 0.0
			if malicious {
				m = 0.5
			}
			for flag, v := range map[string]float64{"dpc": dpc, "ei": ei, "confidentiality": conf, "integrity": integ, "availability": avail, "malicious": m} {
				if cmd.Flags().Changed(flag) {
					req.Set[flag] = v
				}
			}
			svc, err := a.rulesServices(ctx)
			if err != nil {
				return err
			}
			result, err := svc.Assess(ctx, id, req)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, result)
			}
			a.printAssessment(result)
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

func (a *app) printAssessment(r *rules.Assessment) {
	w, s, found := a.stdout, r.Assessment.Severity, r.Assessment.Findings
	if s.Band == rules.BandUndetermined {
		fmt.Fprintf(w, "Severity (ENISA 2013): undetermined, %d input(s) missing\n", len(s.Missing))
	} else {
		fmt.Fprintf(w, "Severity (ENISA 2013): SE = %g, %s\n", s.Score, s.Band)
	}
	for _, line := range s.Reasoning {
		fmt.Fprintf(w, "  %s\n", line)
	}
	fmt.Fprintf(w, "Data found: %s; about %d persons (%s), CNIL range %s\n", showCounts(found.Categories, "none"), found.Persons, found.PersonsHow, rules.CNILBand(found.Persons))
	fmt.Fprintf(w, "Proposed, authority: %s (%s): %s\n", s.Authority.Decision(), s.Authority.Article, s.Authority.Why)
	fmt.Fprintf(w, "Proposed, data subjects: %s (%s): %s\n", s.Subjects.Decision(), s.Subjects.Article, s.Subjects.Why)
	for _, q := range s.Missing {
		fmt.Fprintf(w, "  answer: %s\n", q)
	}
	if r.Confirmed {
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
			svc, err := a.rulesServices(ctx)
			if err != nil {
				return err
			}
			rep, err := svc.Report(ctx, id, kind, lang, a.now())
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

// rulesServices wires the summary, assessment and reports to the store,
// the vault and the loaded rules.
func (a *app) rulesServices(ctx context.Context) (*rules.Services, error) {
	incidents, err := a.incidents(ctx)
	if err != nil {
		return nil, err
	}
	r, err := a.loadRules()
	if err != nil {
		return nil, err
	}
	ev := vaultOnUse{a}
	profiler, err := dump.NewEvidenceProfiler(ev, a.evidenceSpool)
	if err != nil {
		return nil, err
	}
	services := &rules.Services{Incidents: incidents, Findings: store.NewFindingsService(a.db), Notices: store.NewNoticeService(a.db),
		Evidence: ev, Profiler: profiler, Rules: r}
	if a.getenv("LEAKDESK_SIGNING_KEY") != "" {
		if services.Signatures, err = a.proofService(ctx, sign); err != nil {
			return nil, err
		}
	}
	return services, nil
}

// vaultOnUse is the evidence service, with the vault opened on first use:
// a command that fails before it reads evidence must not create a vault
// key on the way.
type vaultOnUse struct{ a *app }

func (v vaultOnUse) AddEvidence(ctx context.Context, e *leakdesk.Evidence, r io.Reader) error {
	svc, err := v.a.evidence(ctx)
	if err != nil {
		return err
	}
	return svc.AddEvidence(ctx, e, r)
}

func (v vaultOnUse) FindEvidence(ctx context.Context, incidentID int64) ([]*leakdesk.Evidence, error) {
	svc, err := v.a.evidence(ctx)
	if err != nil {
		return nil, err
	}
	return svc.FindEvidence(ctx, incidentID)
}

func (v vaultOnUse) OpenEvidence(ctx context.Context, incidentID int64, ref, actor, purpose string) (*leakdesk.Evidence, io.ReadCloser, error) {
	svc, err := v.a.evidence(ctx)
	if err != nil {
		return nil, nil, err
	}
	return svc.OpenEvidence(ctx, incidentID, ref, actor, purpose)
}

func (v vaultOnUse) OpenEvidenceRange(ctx context.Context, incidentID int64, ref, actor, purpose, seal string) (*leakdesk.Evidence, leakdesk.RangedBlob, error) {
	svc, err := v.a.evidence(ctx)
	if err != nil {
		return nil, nil, err
	}
	return svc.OpenEvidenceRange(ctx, incidentID, ref, actor, purpose, seal)
}

func (v vaultOnUse) VerifyEvidence(ctx context.Context, incidentID int64, actor string) ([]leakdesk.EvidenceCheck, error) {
	svc, err := v.a.evidence(ctx)
	if err != nil {
		return nil, err
	}
	return svc.VerifyEvidence(ctx, incidentID, actor)
}
