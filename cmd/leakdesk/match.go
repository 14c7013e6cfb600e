package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	ldhttp "github.com/leakdesk/leakdesk/http"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/trace"
)

func (a *app) matchCommand() *cobra.Command {
	var df dumpFlags
	var rf registryFlags
	var incident string
	var estimate bool
	var dist distributeFlags
	cmd := &cobra.Command{
		Use:   "match --registry REGISTRY [--incident ID] [--id-column C] [--org-column C] [--map role=column]... [--region FR] [LEAK...]",
		Short: "Find every registry contact and organisation whose data is in the leak, and explain each link",
		Long: `Link every row of the leaked files to the registry of contacts: by e-mail
address and phone number (normalised, E.164), by name (Jaro-Winkler, either
order), by organisation (legal forms and public bodies normalised), with
Fellegi-Sunter weights. Each contact found is "certain" or "probable";
"possible" links and ambiguous rows go to a review list, not into the
affected set. --format json prints the documented contract; --format csv
one line per affected contact.

With --estimate-weights, the m and u of every comparison outcome are
estimated by EM from the candidate pairs of the leak's first 50,000 records
instead of taken from the documented defaults, and the weights used are
reported in the findings.

With --incident, the findings are stored in the incident, with an event on
its timeline; without leaked files named, the incident's evidence is read
from the vault (each read logged).

With --distribute, the leaked files are cut into pieces that "leakdesk
worker" processes match, on any machines that share the database (--db)
and the files; match waits, showing progress on stderr, and prints the
merged findings, the same as without --distribute. --progress RUN shows
how far a run is. See docs/distributed.md.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !cmd.Flags().Changed("incident") && !cmd.Flags().Changed("progress") {
				return leakdesk.Errorf(leakdesk.EINVALID, "match needs at least one leaked file, or --incident to match its evidence")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if dist.progress != 0 {
				return a.showMatchProgress(ctx, dist.progress)
			}
			if err := requireFlags(cmd, "registry"); err != nil {
				return err
			}
			reg, err := rf.registry(df.opts)
			if err != nil {
				return err
			}
			req := match.Request{Registry: reg.Path, RegistryOptions: reg.Options, Leaks: match.Files(args...), PastExports: reg.PastExports, History: reg.History,
				EstimateWeights: estimate, Read: df.opts, Actor: a.actor}
			svc := match.NewService(nil, a.logger)
			if incident != "" {
				if req.Incident, err = leakdesk.ParseIncidentID(incident); err != nil {
					return err
				}
				if svc, err = a.matchService(ctx); err != nil {
					return err
				}
				// Distributed, the workers read the evidence (matchDistributed).
				if len(args) == 0 && !dist.on {
					if req.Leaks, err = a.evidenceLeaks(ctx, req.Incident); err != nil {
						return err
					}
					// Decrypted evidence spools in the vault, not beside plain files.
					if req.Read.SpoolDir, err = a.evidenceSpool(); err != nil {
						return err
					}
				}
			}
			if dist.on {
				res, err := a.matchDistributed(ctx, req, dist)
				if res == nil {
					return err
				}
				return a.writeFindings(res, func() string { return res.Registry }, err)
			}
			matched, err := svc.Match(ctx, req)
			if matched == nil {
				return err
			}
			for _, u := range matched.PastUnread {
				fmt.Fprintf(a.stderr, "leakdesk: past export not read, former contacts in it are not found: %s\n", u)
			}
			return a.writeFindings(matched.Findings, matched.Registry.String, err)
		},
	}
	dist.register(cmd)
	df.register(a, cmd)
	f := cmd.Flags()
	rf.register(cmd, "(required)")
	f.StringVar(&incident, "incident", "", "store the findings in this incident (and, without files, match its evidence)")
	f.BoolVar(&estimate, "estimate-weights", false, "estimate the linkage weights from the leak by EM instead of using the documented defaults")
	return cmd
}

// registryFlags say where the registry of contacts is and how to read it,
// for match and for serve.
type registryFlags struct {
	path, idColumn, orgColumn, history string
	mapping, exports                   []string
}

func (rf *registryFlags) register(cmd *cobra.Command, required string) {
	f := cmd.Flags()
	f.StringVar(&rf.path, "registry", "", "the registry of contacts: CSV, XLSX, JSON..., or an index from \"leakdesk registry index\" "+required)
	rf.registerColumns(cmd)
	f.StringArrayVar(&rf.exports, "export", nil, "a past export (file or directory, repeatable): leaked people found there are former contacts")
	f.StringVar(&rf.history, "history", "", "the registry's history (CSV: at, contact_id, field, old, new): contacts link through the values they held, and leaked people found there are former contacts")
}

// registerColumns adds the flags that say which registry column holds what.
func (rf *registryFlags) registerColumns(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&rf.idColumn, "id-column", "", "the column that identifies each contact (default: inferred)")
	f.StringVar(&rf.orgColumn, "org-column", "", "the column that groups contacts into organisations (default: inferred, else the organisation name)")
	f.StringArrayVar(&rf.mapping, "map", nil, "say what a registry column holds, as role=column (roles as in inspect: email, phone, first_name, ...)")
}

// registry is the registry the flags name, read with opts.
func (rf *registryFlags) registry(opts dump.Options) (ldhttp.Registry, error) {
	reg := ldhttp.Registry{Path: rf.path, History: rf.history, Read: opts,
		Options: match.RegistryOptions{IDColumn: rf.idColumn, OrgColumn: rf.orgColumn, Map: map[dump.Role]string{}}}
	for _, m := range rf.mapping {
		role, column, ok := strings.Cut(m, "=")
		if !ok || column == "" {
			return reg, leakdesk.Errorf(leakdesk.EINVALID, "invalid --map %q: want role=column, e.g. email=Courriel", m)
		}
		reg.Options.Map[dump.Role(role)] = column
	}
	var err error
	reg.PastExports, err = trace.CandidateFiles(rf.exports)
	return reg, err
}

// matchService is the match service over the store, which holds findings.
func (a *app) matchService(ctx context.Context) (*match.Service, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	return match.NewService(store.NewFindingsService(db), a.logger), nil
}

// evidenceLeaks is all of an incident's evidence, read through the vault,
// each read logged as a match.
func (a *app) evidenceLeaks(ctx context.Context, incidentID int64) ([]match.Source, error) {
	svc, err := a.evidence(ctx)
	if err != nil {
		return nil, err
	}
	return match.EvidenceSources(ctx, svc, incidentID, a.actor, "match against the registry")
}

// writeFindings prints a match's findings; err is the match's, EUNREAD
// when nothing could be read. registry describes the registry, and is
// called only for the table: describing a large registry takes a while.
func (a *app) writeFindings(res *leakdesk.Findings, registry func() string, err error) error {
	a.reportUnread(res.Unread, res.Rows)
	// Findings of a leak of which nothing was read (EUNREAD) are not
	// findings: they were not stored, and are not printed as "0 contacts".
	if err != nil {
		if a.format == "json" {
			writeJSON(a.stdout, res)
		}
		return err
	}
	switch a.format {
	case "json":
		return writeJSON(a.stdout, res)
	case "csv":
		return writeMatchCSV(a, res)
	}
	printMatch(a, res, registry())
	return nil
}

func writeMatchCSV(a *app, res *leakdesk.Findings) error {
	w := csv.NewWriter(a.stdout)
	w.Write([]string{"id", "org_id", "organisation", "name", "class", "confidence", "fields", "rows"})
	for _, c := range res.Contacts {
		rows := make([]string, len(c.Rows))
		for i, r := range c.Rows {
			rows[i] = fmt.Sprint(r)
		}
		w.Write([]string{c.ID, c.OrgID, c.Organisation, c.Name, c.Class, fmt.Sprint(c.Confidence), strings.Join(c.Fields, " "), strings.Join(rows, " ")})
	}
	w.Flush()
	return w.Error()
}

func printMatch(a *app, res *leakdesk.Findings, registry string) {
	w := a.stdout
	fmt.Fprintf(w, "%d rows read, %d linked to %d contacts of %d organisations (registry: %s)\n",
		res.Rows, res.MatchedRows, len(res.Contacts), len(res.Organisations), registry)
	fmt.Fprintf(w, "\nAffected organisations (%d)\n", len(res.Organisations))
	t := newTable(w, "  ID", "ORGANISATION", "CONTACTS")
	for _, o := range res.Organisations {
		t.row("  "+o.ID, o.Name, fmt.Sprint(o.Contacts))
	}
	t.flush()
	fmt.Fprintf(w, "\nAffected contacts (%d)\n", len(res.Contacts))
	t = newTable(w, "  ID", "NAME", "ORGANISATION", "CLASS", "CONF", "FIELDS", "ROWS", "WHY")
	for _, c := range res.Contacts {
		var why []string
		for _, e := range c.Evidence {
			if e.Weight > 0 {
				why = append(why, e.Field+" "+strings.SplitN(e.How, ":", 2)[0])
			}
		}
		t.row("  "+c.ID, c.Name, c.Organisation, c.Class, fmt.Sprintf("%.3f", c.Confidence), strings.Join(c.Fields, ","), showRows(c.Rows), strings.Join(why, ", "))
	}
	t.flush()
	if len(res.Review) > 0 {
		fmt.Fprintf(w, "\nTo review (%d rows: links too weak or ambiguous to count)\n", len(res.Review))
		for _, r := range res.Review {
			var cands []string
			for _, c := range r.Candidates {
				cands = append(cands, fmt.Sprintf("%s (%.3f)", c.ID, c.Confidence))
			}
			fmt.Fprintf(w, "  row %d: %s\n", r.Row, strings.Join(cands, " or "))
			if r.Past != "" {
				fmt.Fprintf(w, "    also in the past: %s\n", r.Past)
			}
		}
	}
	printLeakedPeople(w, res)
	if res.Invalid.Emails+res.Invalid.Phones+res.Invalid.Births > 0 {
		fmt.Fprintf(w, "\nUnreadable values in the leak: %d e-mail addresses, %d phone numbers, %d dates of birth\n", res.Invalid.Emails, res.Invalid.Phones, res.Invalid.Births)
	}
}

// printLeakedPeople accounts for the leak's people: the former contacts
// and the unknown people, listed, and the rows that hold no one.
func printLeakedPeople(w io.Writer, res *leakdesk.Findings) {
	p := res.Count()
	fmt.Fprintf(w, "\nPeople in the leak: %d = %d affected contacts + %d former contacts + %d unknown; %d row(s) to review\n",
		p.Total, p.Affected, p.Former, p.Unknown, p.ReviewRows)
	if len(p.Searched) == 0 {
		fmt.Fprintln(w, "  Past exports and the registry's history were not searched (--export, --history): the unknown may include former contacts.")
	}
	listPeople := func(title string, people []leakdesk.LeakedPerson, ties bool) {
		if len(people) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s\n", title)
		t := newTable(w, "  ROWS", "NAME", "ORGANISATION", "EMAIL", "PHONE", "FOUND")
		for _, lp := range people {
			found := "-"
			if ties {
				found = strings.Join(lp.Ties, "; ")
			}
			t.row("  "+showRows(lp.Rows), lp.Name, orDash(lp.Organisation), orDash(lp.Email), orDash(lp.Phone), found)
		}
		t.flush()
	}
	listPeople(fmt.Sprintf("Former contacts (%d): no longer in the registry, still data subjects", p.Former), res.Former, true)
	where := "in no registry, past export or history; strangers, or made up"
	if len(p.Searched) == 0 {
		where = "in no registry; the past was not searched"
	}
	listPeople(fmt.Sprintf("Unknown (%d): %s", p.Unknown, where), res.Unknown, false)
	if p.UnknownNotListed > 0 {
		approx := ""
		if p.UnknownApprox {
			approx = " (the last counted by row)"
		}
		fmt.Fprintf(w, "  and %d more unknown people, not listed%s\n", p.UnknownNotListed, approx)
	}
	if p.IdentifierRows > 0 {
		fmt.Fprintf(w, "%d rows hold only an e-mail address or phone number of nobody known (combolist lines): counted, not listed\n", p.IdentifierRows)
	}
	if p.NoContactRows > 0 {
		fmt.Fprintf(w, "%d rows hold no e-mail address or phone number\n", p.NoContactRows)
	}
}

// showRows shows a few rows, and how many there are.
func showRows(rows []int64) string {
	if len(rows) > 4 {
		return fmt.Sprintf("%s… (%d)", showInts(rows[:4]), len(rows))
	}
	return showInts(rows)
}

// distributeFlags spread a match over worker processes.
type distributeFlags struct {
	on        bool
	pieceSize int64
	progress  int64
	every     time.Duration
}

func (f *distributeFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.on, "distribute", false, `cut the leaked files into pieces matched by "leakdesk worker" processes sharing the database, wait, and print the merged findings`)
	fl.Int64Var(&f.pieceSize, "piece-size", 64<<20, "with --distribute, about how many bytes of a line-format file one piece holds")
	fl.Int64Var(&f.progress, "progress", 0, "show how far distributed match run RUN is, and exit")
	fl.DurationVar(&f.every, "progress-every", 2*time.Second, "with --distribute, how often progress is shown while waiting")
}

// matchDistributed starts a distributed run of req and waits for its
// merged findings, showing progress on stderr.
func (a *app) matchDistributed(ctx context.Context, req match.Request, f distributeFlags) (*leakdesk.Findings, error) {
	q, runs, err := a.matchRunQueue(ctx)
	if err != nil {
		return nil, err
	}
	d := match.NewDistributor(runs, nil, req.Read, a.actor, a.logger)
	var run *leakdesk.MatchRun
	if len(req.Leaks) == 0 {
		run, err = a.startEvidenceRun(ctx, d, req, f.pieceSize, q)
	} else {
		run, err = d.Start(ctx, req, f.pieceSize, q.EnqueuePiece)
	}
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(a.stderr, "match run %d: %d pieces, %s; waiting for workers (leakdesk worker)\n", run.ID, run.Pieces, showBytes(run.Bytes))
	id := run.ID
	run, err = d.Wait(ctx, id, f.every, func(run *leakdesk.MatchRun, now time.Time) {
		fmt.Fprintln(a.stderr, describeProgress(run, now))
	})
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(a.stderr, "stopped waiting; the workers go on: leakdesk match --progress %d\n", id)
		return nil, ctx.Err()
	case err != nil:
		return nil, err
	case run.Findings.NothingRead():
		return run.Findings, leakdesk.Errorf(leakdesk.EUNREAD, "nothing could be read from the leak (%d files not read): its content is unknown, not empty", len(run.Findings.Unread))
	}
	return run.Findings, nil
}

// startEvidenceRun starts a run of the incident's evidence, which the
// workers read through the vault, each read logged.
func (a *app) startEvidenceRun(ctx context.Context, d *match.Distributor, req match.Request, pieceSize int64, q *match.Queue) (*leakdesk.MatchRun, error) {
	svc, err := a.evidence(ctx)
	if err != nil {
		return nil, err
	}
	evidence, err := leakdesk.FindSomeEvidence(ctx, svc, req.Incident)
	if err != nil {
		return nil, err
	}
	return d.StartEvidence(ctx, req, svc, evidence, pieceSize, q.EnqueuePiece)
}

// showMatchProgress prints how far a run is.
func (a *app) showMatchProgress(ctx context.Context, id int64) error {
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	run, err := store.NewMatchRunService(db).FindMatchRun(ctx, id)
	if err != nil {
		return err
	}
	if a.format == "json" {
		p := run.Progress(time.Now())
		return writeJSON(a.stdout, map[string]any{"run": run.ID, "pieces": p.Pieces, "pieces_done": p.PiecesDone, "bytes": p.Bytes,
			"bytes_done": p.BytesDone, "bytes_per_second": p.BytesPerSecond, "end": p.End, "merged": p.Merged, "failed": p.Failed, "failure": run.Failure})
	}
	fmt.Fprintln(a.stdout, describeProgress(run, time.Now()))
	return nil
}

func describeProgress(run *leakdesk.MatchRun, now time.Time) string {
	p := run.Progress(now)
	line := fmt.Sprintf("match run %d: %d of %d pieces, %s of %s", run.ID, p.PiecesDone, p.Pieces, showBytes(p.BytesDone), showBytes(p.Bytes))
	switch {
	case p.Failed:
		return line + ", failed: " + run.Failure.String()
	case p.Merged:
		return line + ", merged"
	case p.PiecesDone == p.Pieces:
		return line + ", merging"
	case p.BytesPerSecond > 0:
		return line + fmt.Sprintf(", %s/s, end about %s", showBytes(int64(p.BytesPerSecond)), p.End.Local().Format(time.TimeOnly))
	}
	return line
}
