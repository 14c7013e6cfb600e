package main

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/trace"
)

// eventTraceRanked is the timeline event of a tracing run.
const eventTraceRanked = leakdesk.EventTraceRanked

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
			paths := append(slices.Clone(candidates), args...)
			if len(decoyHits) > 0 && len(paths) == 0 && leak == "" {
				return a.traceFingerprints(cmd.Context(), df.opts, match.Source{}, decoyHits, incident)
			}
			if leak == "" && incident == "" {
				return leakdesk.Errorf(leakdesk.EINVALID, "trace needs the leak: --leak FILE, or --incident ID to read it from the incident's evidence")
			}
			src := match.Files(leak)
			if leak == "" {
				s, err := a.evidenceSource(cmd.Context(), incident, evidenceRef, "trace the source of the leak")
				if err != nil {
					return err
				}
				src, leak = []match.Source{s}, s.Name
			}
			if len(paths) == 0 {
				return a.traceFingerprints(cmd.Context(), df.opts, src[0], nil, incident)
			}
			files, err := trace.CandidateFiles(paths)
			if err != nil {
				return err
			}
			var log map[string]*trace.LogEntry
			if logPath != "" {
				if log, err = trace.ReadLog(logPath); err != nil {
					return err
				}
				abs, _ := filepath.Abs(logPath)
				files = slices.DeleteFunc(files, func(f string) bool { p, _ := filepath.Abs(f); return p == abs })
			}
			reader, err := dump.NewReader(df.opts)
			if err != nil {
				return err
			}
			n := match.NewNormaliser(df.opts.Region)
			res, err := trace.New(reader, n).Trace(cmd.Context(), src[0], files, log)
			if err != nil {
				return err
			}
			a.reportUnread(res.Unread, int64(res.LeakRows)) // Trace fails when nothing was read
			if (registry == "") != (history == "") {
				return leakdesk.Errorf(leakdesk.EINVALID, "dating needs both --registry and --history")
			}
			if registry != "" {
				reg, err := match.LoadRegistry(cmd.Context(), reader, n, registry, match.RegistryOptions{})
				if err != nil {
					return err
				}
				changes, err := trace.ReadHistory(history)
				if err != nil {
					return err
				}
				leaked, _, err := match.ReadRecords(cmd.Context(), reader, n, src[0])
				if _, err := dump.Unreads(err); err != nil {
					return err // the parts not read were reported above
				}
				d := trace.Date(cmd.Context(), n, reg, leaked, changes)
				res.Dating = &d
			}
			if incident != "" {
				id, err := leakdesk.ParseIncidentID(incident)
				if err != nil {
					return err
				}
				svc, err := a.incidents(cmd.Context())
				if err != nil {
					return err
				}
				if err := svc.AppendEvent(cmd.Context(), a.traceEvent(id, leak, res)); err != nil {
					return err
				}
			}
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

// traceEvent is the timeline event of a ranking of candidate exports, with
// its dating when there is one.
func (a *app) traceEvent(id int64, leak string, res *trace.Result) *leakdesk.Event {
	var top []map[string]any
	for _, c := range res.Candidates[:min(3, len(res.Candidates))] {
		top = append(top, map[string]any{"file": c.File, "rank": c.Rank, "score": c.Score, "containment": c.Containment, "coverage": c.Coverage, "export": c.Export})
	}
	return leakdesk.NewEvent(id, a.actor, eventTraceRanked, a.now(), map[string]any{"leak": leak, "verdict": res.Verdict, "note": res.Note, "top": top, "dating": res.Dating})
}

// eventFingerprintTraced is the timeline event of a fingerprint decoding.
const eventFingerprintTraced = leakdesk.EventFingerprintTraced

// fingerprintResult is the JSON contract of trace without candidates.
type fingerprintResult struct {
	Accused     []trace.Suspect    `json:"accused"`
	Suspects    []trace.Suspect    `json:"suspects"`
	Verdict     string             `json:"verdict"` // accused or inconclusive
	Note        string             `json:"note"`
	Observation *trace.Observation `json:"observation"`
}

// traceFingerprints decodes a leak against every recorded export.
func (a *app) traceFingerprints(ctx context.Context, opts dump.Options, src match.Source, decoyHits []string, incident string) error {
	leak := src.Name
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	exports, err := store.NewExportService(db).Exports(ctx)
	if err != nil {
		return err
	}
	if len(exports) == 0 {
		return leakdesk.Errorf(leakdesk.EINVALID, "trace needs candidate files (--candidates PATH): no fingerprinted export is recorded here to check the leak against (leakdesk export makes them)")
	}
	code, err := a.fingerprintCode(false)
	if err != nil {
		return err
	}
	recorded, decoys := code.Recorded(exports)
	// Each export is decoded in the phone region it was made in, whatever
	// --region says: the leak is read once per region of the exports.
	observed := map[string]*trace.Observation{}
	unknown := map[string]int{}
	for _, region := range trace.Regions(recorded) {
		marker := trace.NewMarker(code, match.NewNormaliser(region))
		if len(decoyHits) > 0 {
			obs, notDecoys := marker.ObserveDecoys(decoyHits, decoys)
			for _, v := range notDecoys {
				unknown[v]++
			}
			observed[region] = obs
			continue
		}
		o := opts
		o.Region = region
		reader, err := dump.NewReader(o)
		if err != nil {
			return err
		}
		if observed[region], err = marker.Observe(ctx, reader, src, decoys); err != nil {
			return err
		}
	}
	if len(decoyHits) > 0 {
		var notDecoys []string
		for _, v := range decoyHits {
			if unknown[v] == len(observed) {
				notDecoys = append(notDecoys, v)
			}
		}
		if len(notDecoys) > 0 {
			return leakdesk.Errorf(leakdesk.EINVALID, "not a decoy of any recorded export: %s", strings.Join(notDecoys, ", "))
		}
		leak = "decoys " + strings.Join(decoyHits, ", ")
	}
	res := &fingerprintResult{Suspects: code.AccuseByRegion(func(r string) *trace.Observation { return observed[r] }, recorded), Verdict: "inconclusive"}
	// What is shown is the leak as read in the region of the best suspect.
	regionOf := map[string]string{}
	for _, e := range recorded {
		regionOf[e.ID] = e.Region
	}
	obs := observed[regionOf[res.Suspects[0].Export]]
	res.Observation = obs
	if len(decoyHits) == 0 {
		a.reportUnread(obs.Unread, 1) // Observe fails when nothing was read
	}
	res.Accused = trace.Accused(res.Suspects)
	switch {
	case len(res.Accused) > 0:
		res.Verdict = "accused"
		res.Note = fmt.Sprintf("%s (export %s) is accused: the chance that an innocent recipient scores as high is at most %.2g", res.Accused[0].Recipient, res.Accused[0].Export, res.Accused[0].Bound)
	case len(obs.Symbols) == 0:
		res.Note = "the leak carries no position of any recorded export: it shares no phone, e-mail domain, organisation or decoy with them"
	default:
		res.Note = fmt.Sprintf("no recipient can be accused: the best bound reached is %.2g, above %.0g", res.Suspects[0].Bound, trace.AccuseBelow)
	}
	if res.Accused == nil {
		res.Accused = []trace.Suspect{}
	}
	if incident != "" {
		id, err := leakdesk.ParseIncidentID(incident)
		if err != nil {
			return err
		}
		svc, err := a.incidents(ctx)
		if err != nil {
			return err
		}
		ev := leakdesk.NewEvent(id, a.actor, eventFingerprintTraced, a.now(), map[string]any{"leak": leak, "verdict": res.Verdict, "note": res.Note, "accused": res.Accused})
		if err := svc.AppendEvent(ctx, ev); err != nil {
			return err
		}
	}
	if a.format == "json" {
		return writeJSON(a.stdout, res)
	}
	fmt.Fprintf(a.stdout, "%s: %s.\n", leak, res.Note)
	var seen []string
	for _, kind := range slices.Sorted(maps.Keys(obs.Seen)) {
		seen = append(seen, fmt.Sprintf("%d %s", obs.Seen[kind], kind))
	}
	fmt.Fprintf(a.stdout, "Positions seen: %s; decoys: %d; set aside as normalised: %s.\n\n", showList(seen, "none"), obs.Decoys, showList(obs.Erased, "none"))
	t := newTable(a.stdout, "EXPORT", "RECIPIENT", "SCORE", "POSITIONS", "DECOYS", "BOUND")
	for _, s := range res.Suspects {
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
	}
}
