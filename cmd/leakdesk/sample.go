package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/sample"
)

func (a *app) sampleCommand() *cobra.Command {
	var cfg sample.Config
	var out, contactsCSV, mixedDump, personLinkage string
	var rows, lines, persons int
	cmd := &cobra.Command{
		Use:   "sample --seed N --out DIR",
		Short: "Write a synthetic incident: registry, exports, a leak and the truth",
		Long: `Write a deterministic synthetic incident under DIR: registry/contacts.csv and
registry/history.csv, exports/ with export_log.csv, leak/ and truth.json.
Every person, organisation and number in it is invented.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if personLinkage != "" {
				return writePersonLinkage(cfg.Seed, personLinkage, persons)
			}
			if contactsCSV == "" && mixedDump == "" {
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
			if mixedDump != "" {
				return a.writeMixedDump(s, mixedDump, lines)
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
	f.StringVar(&mixedDump, "mixed-dump", "", "instead, write a large unstructured dump hiding 347 registry contacts by e-mail and 153 by phone, with the registry beside it, for benchmarks")
	f.IntVar(&lines, "lines", 5_000_000, "lines of --mixed-dump")
	f.StringVar(&personLinkage, "person-linkage", "", "instead, write a person record-linkage benchmark shaped like FEBRL 4 to this directory: a.csv, b.csv (a damaged copy of each record of a.csv) and truth.json")
	f.IntVar(&persons, "persons", 5000, "records in each file of --person-linkage")
	return cmd
}

func writePersonLinkage(seed uint64, dir string, persons int) error {
	p, err := sample.GeneratePersonLinkage(seed, persons)
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "%v", err)
	}
	if err := p.Write(dir); err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "cannot write %s: %v", dir, err)
	}
	return nil
}

// writeMixedDump writes the dump, the registry it hides contacts of, and
// the truth, as FILE, FILE.registry.csv and FILE.truth.json.
func (a *app) writeMixedDump(s *sample.Scenario, path string, lines int) error {
	f, err := os.Create(path)
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "cannot create %s: %v", path, err)
	}
	truth, err := s.WriteMixedDump(f, lines, 347, 153)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "%v", err)
	}
	registry, err := s.RegistryCSV()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path+".registry.csv", registry, 0o644); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(truth, "", " ")
	return os.WriteFile(path+".truth.json", b, 0o644)
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
