package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/sample"
)

func (a *app) sampleCommand() *cobra.Command {
	var cfg sample.Config
	var out, contactsCSV string
	var rows int
	cmd := &cobra.Command{
		Use:   "sample --seed N --out DIR",
		Short: "Write a synthetic incident: registry, exports, a leak and the truth",
		Long: `Write a deterministic synthetic incident under DIR: registry/contacts.csv and
registry/history.csv, exports/ with export_log.csv, leak/ and truth.json.
Every person, organisation and number in it is invented.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if contactsCSV == "" {
				if err := requireFlags(cmd, "out"); err != nil {
					return err
				}
			}
			s, err := sample.Generate(cfg)
			if err != nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "%v", err)
			}
			if contactsCSV != "" {
				return writeContactsCSV(s, contactsCSV, rows)
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "cannot create %s: %v", out, err)
			}
			if err := s.Write(out); err != nil {
				return err
			}
			truth := s.Truth()
			if a.format == "json" {
				return writeJSON(a.stdout, map[string]any{"dir": out, "truth": truth})
			}
			_, err = fmt.Fprintf(a.stdout, "wrote %s: %d registry contacts, %d exports, leak %s (%s, %d records, %d affected contacts in %d organisations)\n",
				out, len(s.Registry), len(s.Exports), truth.LeakFile, truth.LeakStyle, len(truth.RowContacts), len(truth.AffectedContacts), len(truth.AffectedOrgs))
			return err
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&cfg.Seed, "seed", 1, "seed: the same seed gives the same incident")
	f.StringVar(&out, "out", "", "directory to write (required)")
	f.IntVar(&cfg.Organisations, "orgs", 0, "customer organisations at the start (default 180)")
	f.IntVar(&cfg.Exports, "exports", 0, "exports made during the year (default 10)")
	f.StringVar(&cfg.LeakStyle, "leak-style", "", "paste, csv, ndjson or sql (default: chosen by the seed)")
	f.StringVar(&contactsCSV, "contacts-csv", "", "instead, write one large registry-shaped CSV to this file, for benchmarks")
	f.IntVar(&rows, "rows", 1_500_000, "rows of --contacts-csv")
	return cmd
}

func writeContactsCSV(s *sample.Scenario, path string, rows int) error {
	if rows < 1 {
		return leakdesk.Errorf(leakdesk.EINVALID, "--rows must be positive")
	}
	f, err := os.Create(path)
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "cannot create %s: %v", path, err)
	}
	if err := s.WriteContactsCSV(f, rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
