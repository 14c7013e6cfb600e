package main

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/trace"
)

func (a *app) traceCommand() *cobra.Command {
	var df dumpFlags
	var leak, logPath, incident, registry, history, evidenceRef string
	var candidates, decoyHits []string
	cmd := &cobra.Command{
		Use:   "trace --leak LEAK|--incident ID [--candidates PATH... [--log export_log.csv] [--registry R --history H]] [--incident ID] [CANDIDATE...]",
		Short: "Find which export the leak came from: rank candidate files and explain why",
		Long: `Rank the candidate files (past exports in any format; directories are walked)
by how well each explains the leak: the log-likelihood of the leaked rows
given the candidate, from rows found with the same values, found with other
values (re-typed, or a later version of the data), or absent, less the
chance of drawing that many rows from a file of its size. Each candidate
comes with evidence a person can check; with --log, the user and export
behind it. When no single file explains the leak, a union is proposed.

With --registry and --history (the registry's change log: at, contact_id,
field, old, new), the date the leaked data was taken is estimated from the
values it holds.

Without candidates, the leak is checked against every export made with
"leakdesk export": each is scored on the fingerprint positions it received
and the leak shows, with a proven bound on the probability of accusing an
innocent recipient (a Chernoff bound times the number of exports). A
recipient is accused only when that bound is at most 1e-6; otherwise the
verdict is "inconclusive", with the best bound reached.

A decoy contacted is an alarm: mail to the decoy domain or a call to the
decoy range means someone uses a list. --decoy VALUE (repeatable), with no
leak file, names the exports that carried those decoys, scored the same
way.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			paths := append(slices.Clone(candidates), args...)
			// Decoys contacted are decoded without a leak; with one, they are not used.
			decoysOnly := len(paths) == 0 && len(decoyHits) > 0 && leak == ""
			if !decoysOnly {
				decoyHits = nil
				if leak == "" && incident == "" {
					return leakdesk.Errorf(leakdesk.EINVALID, "trace needs the leak: --leak FILE, or --incident ID to read it from the incident's evidence")
				}
			}
			var incidentID int64
			var err error
			if incident != "" {
				if incidentID, err = leakdesk.ParseIncidentID(incident); err != nil {
					return err
				}
			}
			var src match.Source
			switch {
			case leak != "":
				src = match.Files(leak)[0]
			case !decoysOnly:
				if src, err = a.evidenceLeak(ctx, incidentID, evidenceRef, "trace the source of the leak"); err != nil {
					return err
				}
			}
			decoding := len(paths) == 0
			svc, err := a.traceService(ctx, decoding || incidentID != 0)
			if err != nil {
				return err
			}
			if decoding {
				v, err := svc.Decode(ctx, trace.DecodeRequest{Leak: src, DecoyHits: decoyHits, Read: df.opts, Incident: incidentID, Actor: a.actor})
				if err != nil {
					return err
				}
				if len(decoyHits) == 0 {
					a.reportUnread(v.Observation.Unread, 1) // Decode fails when nothing was read
				}
				return a.printVerdict(v)
			}
			res, err := svc.Rank(ctx, trace.RankRequest{Leak: src, Candidates: paths, Log: logPath, Registry: registry, History: history,
				Read: df.opts, Incident: incidentID, Actor: a.actor})
			if err != nil {
				return err
			}
			a.reportUnread(res.Unread, int64(res.LeakRows)) // Rank fails when nothing was read
			if a.format == "json" {
				return writeJSON(a.stdout, res)
			}
			printTrace(a, res)
			return nil
		},
	}
	df.register(a, cmd)
	f := cmd.Flags()
	f.StringVar(&leak, "leak", "", "the leaked file; without it, --incident reads the incident's evidence (each read logged)")
	f.StringVar(&evidenceRef, "evidence", "", "with --incident and no --leak: which piece of evidence to read (number or SHA-256 prefix), when there are several")
	f.StringArrayVar(&candidates, "candidates", nil, "a candidate file or directory; repeat it, or list candidates as arguments")
	f.StringVar(&logPath, "log", "", "the export audit log: export_id, exported_at, user, report, file")
	f.StringVar(&incident, "incident", "", "record the ranking on this incident's timeline")
	f.StringArrayVar(&decoyHits, "decoy", nil, "a decoy's e-mail address or phone number that was contacted (repeat it); without --leak")
	f.StringVar(&registry, "registry", "", "the registry, to date the leak with --history")
	f.StringVar(&history, "history", "", "the registry's change log (at, contact_id, field, old, new), to date the leak")
	return cmd
}

// traceService is the trace service; stored opens the store it records
// in, which a ranking of files alone does not need.
func (a *app) traceService(ctx context.Context, stored bool) (*trace.Service, error) {
	if !stored {
		return trace.NewService(nil, nil, a.fingerprintCode, a.now), nil
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	incidents, err := a.incidents(ctx)
	if err != nil {
		return nil, err
	}
	return trace.NewService(store.NewExportService(db), incidents, a.fingerprintCode, a.now), nil
}

// printVerdict prints a fingerprint verdict and the positions it rests on.
func (a *app) printVerdict(v *trace.Verdict) error {
	if a.format == "json" {
		return writeJSON(a.stdout, v)
	}
	obs := v.Observation
	fmt.Fprintf(a.stdout, "%s: %s.\n", v.Leak, v.Note)
	var seen []string
	for _, kind := range slices.Sorted(maps.Keys(obs.Seen)) {
		seen = append(seen, fmt.Sprintf("%d %s", obs.Seen[kind], kind))
	}
	fmt.Fprintf(a.stdout, "Positions seen: %s; decoys: %d; set aside as normalised: %s.\n\n", showList(seen, "none"), obs.Decoys, showList(obs.Erased, "none"))
	t := newTable(a.stdout, "EXPORT", "RECIPIENT", "SCORE", "POSITIONS", "DECOYS", "BOUND")
	for _, s := range v.Suspects {
		t.row(s.Export, s.Recipient, fmt.Sprintf("%.1f", s.Score), fmt.Sprint(s.Positions), fmt.Sprint(s.Decoys), fmt.Sprintf("%.2g", s.Bound))
	}
	return t.flush()
}

func printTrace(a *app, res *trace.Result) {
	w := a.stdout
	fmt.Fprintf(w, "%s: %d rows. %s.\n", res.Leak, res.LeakRows, res.Note)
	if res.Dating != nil {
		fmt.Fprintf(w, "Dating: %s.\n", res.Dating.Note)
	}
	fmt.Fprintln(w)
	t := newTable(w, "RANK", "FILE", "SCORE", "CONTAINED", "COVERED", "EXPORT")
	for _, c := range res.Candidates {
		export := "-"
		if c.Export != nil {
			export = fmt.Sprintf("%s %s %s", c.Export.ID, c.Export.At.Format("2006-01-02"), c.Export.User)
		}
		if c.Error != "" {
			t.row(fmt.Sprint(c.Rank), filepath.Base(c.File), "-", "-", "-", "unreadable: "+c.Error)
			continue
		}
		t.row(fmt.Sprint(c.Rank), filepath.Base(c.File), fmt.Sprintf("%.1f", c.Score), fmt.Sprintf("%.1f%%", 100*c.Containment), fmt.Sprintf("%.1f%%", 100*c.Coverage), export)
	}
	t.flush()
	for _, c := range res.Candidates[:min(2, len(res.Candidates))] {
		fmt.Fprintf(w, "\n%d. %s\n", c.Rank, c.File)
		for _, e := range c.Evidence {
			fmt.Fprintf(w, "   - %s\n", e)
		}
		if c.Example != "" {
			fmt.Fprintf(w, "   - for example, %s\n", c.Example)
		}
	}
}

// evidenceLeak is the piece of an incident's evidence that ref names, read
// through the vault, each read logged with purpose.
func (a *app) evidenceLeak(ctx context.Context, incidentID int64, ref, purpose string) (match.Source, error) {
	svc, err := a.evidence(ctx)
	if err != nil {
		return match.Source{}, err
	}
	return match.EvidenceSource(ctx, svc, incidentID, ref, a.actor, purpose)
}
