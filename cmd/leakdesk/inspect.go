package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// dumpFlags are the limits every command that reads leaked files accepts.
type dumpFlags struct{ opts dump.Options }

func (f *dumpFlags) register(a *app, cmd *cobra.Command) {
	// Nested archives are spooled inside the data directory, known once the
	// flags are parsed: the system's temporary directory is often memory.
	cmd.PreRun = func(*cobra.Command, []string) { f.opts.SpoolDir = filepath.Join(a.dataDir, "spool") }
	fl := cmd.Flags()
	fl.Int64Var(&f.opts.MaxRatio, "max-ratio", dump.DefaultMaxRatio, "stop an archive member that expands more than this many times its compressed size")
	fl.Int64Var(&f.opts.MaxExpandedBytes, "max-expanded", dump.DefaultMaxExpandedBytes, "stop when archives expand beyond this many bytes in all")
	fl.IntVar(&f.opts.MaxDepth, "max-depth", dump.DefaultMaxDepth, "how deeply archives may nest")
	fl.IntVar(&f.opts.MaxRecordBytes, "max-record", dump.DefaultMaxRecordBytes, "skip records (lines) longer than this many bytes")
	fl.StringVar(&f.opts.Region, "region", "FR", "default phone region for numbers without a country code")
	fl.IntVar(&f.opts.Workers, "workers", 0, "goroutines reading delimited text (default: one per core)")
	fl.StringVar(&f.opts.Password, "password", "", "the password of password-protected archives (zip, 7z, rar), often published with the leak")
}

func (a *app) inspectCommand() *cobra.Command {
	var df dumpFlags
	var showValues bool
	var incident, evidenceRef string
	cmd := &cobra.Command{
		Use:   "inspect FILE... (- for standard input) | --incident ID [--evidence REF]",
		Short: "Profile leaked files: format, columns and their roles, data categories, secrets",
		Long: `Read leaked files of any format (delimited text, XLSX, JSON, NDJSON, SQL dumps,
key-value blocks, combolists, free text; in zip, gzip or tar archives; in any
common encoding) and report, for each table: its format, encoding and
delimiter; each column's role with a confidence, how full it is, its distinct
values and masked samples; the GDPR data categories and their counts; secrets,
detection rules and configuration found; and data-quality notes.

With --incident and no file, the incident's evidence is read from the vault,
and the read is logged on its timeline with the actor.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && incident == "" {
				return leakdesk.Errorf(leakdesk.EINVALID, "inspect needs at least one file, or --incident to inspect its evidence")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			df.opts.Progress = func(name string, r io.Reader, size int64) io.Reader {
				return a.progress("reading "+filepath.Base(name), r, size)
			}
			profiles, err := a.inspect(cmd.Context(), args, incident, evidenceRef, dump.Inspection{Read: df.opts, ShowValues: showValues})
			if err != nil {
				return err
			}
			var unread []leakdesk.Unread
			var records int64
			for _, fp := range profiles {
				unread = append(unread, fp.Unread...)
				records += fp.Records()
			}
			if a.format == "json" {
				if err := writeJSON(a.stdout, map[string]any{"files": profiles}); err != nil {
					return err
				}
			} else {
				for _, fp := range profiles {
					printProfile(a.stdout, fp)
				}
			}
			return a.reportUnread(unread, records)
		},
	}
	df.register(a, cmd)
	cmd.Flags().BoolVar(&showValues, "show-values", false, "show sample values in clear instead of masked")
	cmd.Flags().StringVar(&incident, "incident", "", "without files: inspect this incident's evidence, read from the vault (each read logged)")
	cmd.Flags().StringVar(&evidenceRef, "evidence", "", "with --incident: which piece of evidence (number or SHA-256 prefix), when there are several")
	return cmd
}

// inspect profiles the files in args ("-" is standard input), or, with an
// incident and no file, its evidence read through the vault (the read
// logged).
func (a *app) inspect(ctx context.Context, args []string, incident, evidenceRef string, how dump.Inspection) ([]*dump.FileProfile, error) {
	if incident == "" || len(args) > 0 {
		reader, err := dump.NewReader(how.Read)
		if err != nil {
			return nil, err
		}
		secrets, err := dump.LoadSecrets()
		if err != nil {
			return nil, err
		}
		return dump.NewProfiler(reader, secrets, how.ShowValues).ProfileFiles(ctx, args, a.stdin)
	}
	id, err := leakdesk.ParseIncidentID(incident)
	if err != nil {
		return nil, err
	}
	svc, err := a.evidence(ctx)
	if err != nil {
		return nil, err
	}
	profiler, err := dump.NewEvidenceProfiler(svc, a.evidenceSpool)
	if err != nil {
		return nil, err
	}
	fp, err := profiler.Inspect(ctx, id, evidenceRef, a.actor, "inspect", how)
	if err != nil {
		return nil, err
	}
	return []*dump.FileProfile{fp}, nil
}

func printProfile(w io.Writer, fp *dump.FileProfile) {
	fmt.Fprintf(w, "%s (%s)\n", fp.File, showBytes(fp.Size))
	for _, tp := range fp.Tables {
		name := tp.File
		if tp.Sheet != "" {
			name += " [" + tp.Sheet + "]"
		}
		header := "no header"
		if tp.Header {
			header = "header"
		}
		layout := []string{string(tp.Format)}
		if tp.Encoding != "" {
			layout = append(layout, tp.Encoding)
		}
		if tp.Delimiter != "" {
			layout = append(layout, fmt.Sprintf("delimiter %q", tp.Delimiter))
		}
		fmt.Fprintf(w, "\n%s: %s, %s; %d rows, %d lines skipped\n", name, strings.Join(layout, ", "), header, tp.Rows, tp.SkippedLines)
		if len(tp.Columns) > 0 {
			t := newTable(w, "  #", "COLUMN", "ROLE", "CONF", "FILLED", "DISTINCT", "SAMPLES")
			for _, c := range tp.Columns {
				approx := ""
				if c.DistinctApprox {
					approx = "≈"
				}
				t.row(fmt.Sprintf("  %d", c.Index), c.Header, string(c.Role), fmt.Sprintf("%.2f", c.Confidence),
					fmt.Sprintf("%.0f%%", c.Filled*100), approx+fmt.Sprint(c.Distinct), strings.Join(c.Samples, ", "))
			}
			t.flush()
		}
		fmt.Fprintf(w, "  Data categories: %s\n", showCounts(tp.Categories, "none recognised"))
		if len(tp.SpecialHints) > 0 {
			fmt.Fprintf(w, "  Special-category hints in headers: %s\n", strings.Join(tp.SpecialHints, ", "))
		}
		fmt.Fprintf(w, "  Secrets and configuration: %s\n", showCounts(tp.SecretCounts, "none found"))
		for i, s := range tp.Secrets {
			if i == 5 {
				fmt.Fprintf(w, "    … %d more in --format json\n", len(tp.Secrets)-5)
				break
			}
			fmt.Fprintf(w, "    %s  %s: %s\n", s.Pos, s.Rule, s.Match)
		}
		q := tp.Quality
		dups := fmt.Sprint(q.DuplicateRows)
		if q.DuplicatesApprox {
			dups = "≈" + dups
		}
		fmt.Fprintf(w, "  Quality: %s duplicate rows, %d cells repaired, %d invalid bytes, %d irregular rows\n", dups, q.RepairedCells, q.InvalidBytes, q.IrregularRows)
		for i, warn := range tp.Warnings {
			if i == 5 {
				fmt.Fprintf(w, "    … %d more warnings in --format json\n", len(tp.Warnings)-5+int(tp.MoreWarnings))
				break
			}
			fmt.Fprintf(w, "  Warning: %s: %s\n", warn.Pos, warn.Message)
		}
	}
	fmt.Fprintf(w, "\nIn all: %s; %d secrets or configuration fragments\n\n", showCounts(fp.Categories, "no personal data recognised"), fp.Secrets)
}

func showCounts(m map[string]int64, none string) string {
	if len(m) == 0 {
		return none
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
