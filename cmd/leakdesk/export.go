package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/trace"
)

// fingerprintCode returns the code of the fingerprint key: LEAKDESK_FINGERPRINT_KEY,
// else DATA/fingerprint.key, made on the first export when create is true.
func (a *app) fingerprintCode(create bool) (*trace.Code, error) {
	if k := a.getenv("LEAKDESK_FINGERPRINT_KEY"); k != "" {
		code, err := trace.NewCode([]byte(k))
		if err != nil {
			return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "LEAKDESK_FINGERPRINT_KEY: %v", err)
		}
		return code, nil
	}
	path := filepath.Join(a.dataDir, "fingerprint.key")
	if _, err := os.Stat(path); err != nil && !create {
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "no fingerprint key at %s: exports are decoded with the key they were made with (set LEAKDESK_FINGERPRINT_KEY, or --data of the instance that made them)", path)
	}
	if err := a.ensureDataDir(); err != nil {
		return nil, err
	}
	key, err := loadOrCreateSecret(path)
	if err != nil {
		return nil, err
	}
	code, err := trace.NewCode(key)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "%s: %v", path, err)
	}
	return code, nil
}

func (a *app) exportCommand() *cobra.Command {
	var registry, recipient, purpose, out, region string
	var where, columns, decoyDomains, decoyRanges []string
	var pool int
	var noDecoys, preview bool
	cmd := &cobra.Command{
		Use:   "export --registry R --recipient NAME --out FILE [--purpose TEXT] [--where FILTER]... [--preview] [--columns A,B] [--format csv|xlsx|json] [--region FR] [--decoy-domain D]... [--decoy-phone-range +CC...]...",
		Short: "Write a fingerprinted export of the registry, and record who received it",
		Long: `Write the registry, or the rows and columns asked for, with a fingerprint
that names its recipient if it ever leaks, and record the export. Every
value stays correct: the fingerprint is a Tardos codeword written into phone
layouts ("+33 6 12 34 56 78" or "+33612345678"), the letter case of e-mail
domains, the spelling of legal forms (SAS or S.A.S.), and decoy contacts on
domains and phone ranges the organisation owns (--decoy-domain and
--decoy-phone-range, each repeatable), which also raise an alarm if anyone
contacts them. Decoys are shaped by the registry itself: one organisation
per domain, IDs from the registry's sequences, names, job titles, e-mail
shapes and countries of real contacts, numbers of the country's ranges.
The local part of an e-mail is never changed and no invisible character is
written. "leakdesk trace --leak FILE" without candidates decodes a leak.

--where keeps rows (repeat it for AND; case is ignored):
  COLUMN=VALUE     the whole cell is VALUE     COLUMN!=VALUE    it is not
  COLUMN~TEXT      the cell contains TEXT      COLUMN!~TEXT     it does not
  COLUMN=~REGEXP   the cell matches REGEXP     COLUMN!=~REGEXP  it does not
--preview prints how many rows each filter keeps, and writes nothing.

The key is LEAKDESK_FINGERPRINT_KEY, or DATA/fingerprint.key, made on the
first export: keep it secret, and keep it, or past exports cannot be told
apart.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if preview {
				if err := requireFlags(cmd, "registry"); err != nil {
					return err
				}
				p, err := trace.PreviewExport(cmd.Context(), registry, region, where)
				if err != nil {
					return err
				}
				return a.printExportPreview(registry, p)
			}
			if err := requireFlags(cmd, "registry", "recipient", "out"); err != nil {
				return err
			}
			// --format is the file's format here; the summary printed is JSON
			// too when the file is.
			format := a.format
			if format == "table" {
				format = "csv"
			}
			decoys := trace.DecoyConfig{Domains: splitList(decoyDomains, strings.ToLower), PhoneRanges: splitList(decoyRanges, nil), Pool: pool}
			if noDecoys {
				decoys = trace.DecoyConfig{}
			} else if err := decoys.Validate(); err != nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "%s (--decoy-domain and --decoy-phone-range, each repeatable, or LEAKDESK_DECOY_DOMAIN and LEAKDESK_DECOY_PHONE, comma-separated); --no-decoys exports without, which a leaker who normalises values can defeat", leakdesk.ErrorMessage(err))
			}
			svc, err := a.traceService(cmd.Context(), true)
			if err != nil {
				return err
			}
			e, err := svc.MakeExport(cmd.Context(), trace.ExportRequest{Registry: registry, Recipient: recipient, Purpose: purpose, Where: where,
				Columns: columns, Format: format, Out: out, Region: region, Decoys: decoys, Actor: a.actor})
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, e)
			}
			fmt.Fprintf(a.stdout, "%s: %d rows for %s (%d positions of the code, %d decoys) written to %s, sha256 %s\n",
				e.ID, e.Rows, e.Recipient, len(e.Positions), e.Decoys, e.File, e.SHA256)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&registry, "registry", "", "the registry to export (required)")
	f.StringVar(&recipient, "recipient", "", "who receives the export (required)")
	f.StringVar(&purpose, "purpose", "", "why it is made")
	f.StringArrayVar(&where, "where", nil, "keep rows where COLUMN=VALUE, !=, ~TEXT (contains), !~, =~REGEXP or !=~ (case-insensitive; repeat for AND)")
	f.BoolVar(&preview, "preview", false, "print how many rows each --where keeps, and write nothing")
	f.StringSliceVar(&columns, "columns", nil, "columns to export, by header (default: all)")
	f.StringVar(&out, "out", "", "file to write (required)")
	f.StringVar(&region, "region", "FR", "phone region of the registry's numbers without a country code; recorded, so trace decodes in it")
	f.StringArrayVar(&decoyDomains, "decoy-domain", envList(a.getenv("LEAKDESK_DECOY_DOMAIN")), "an e-mail domain the organisation owns, for one decoy organisation; repeat it (env LEAKDESK_DECOY_DOMAIN, comma-separated)")
	f.StringArrayVar(&decoyRanges, "decoy-phone-range", envList(a.getenv("LEAKDESK_DECOY_PHONE")), "an E.164 prefix of a phone range the organisation owns, fixed or mobile; repeat it (env LEAKDESK_DECOY_PHONE, comma-separated)")
	f.StringArrayVar(&decoyRanges, "decoy-phone", nil, "the same as --decoy-phone-range")
	f.MarkHidden("decoy-phone")
	f.IntVar(&pool, "decoys", trace.DefaultDecoyPool, "decoys the exports draw from; each carries about a fifth of them")
	f.BoolVar(&noDecoys, "no-decoys", false, "export without decoys")
	return cmd
}

// envList splits a comma-separated setting.
func envList(v string) []string { return splitList([]string{v}, nil) }

// splitList splits values at commas and drops empty items.
func splitList(values []string, norm func(string) string) []string {
	var out []string
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				if norm != nil {
					item = norm(item)
				}
				out = append(out, item)
			}
		}
	}
	return out
}

// printExportPreview prints how many registry rows each filter keeps.
func (a *app) printExportPreview(registry string, p *trace.ExportPreview) error {
	if a.format == "json" {
		return writeJSON(a.stdout, p)
	}
	fmt.Fprintf(a.stdout, "%s: %d rows. Nothing is written.\n", registry, p.Rows)
	t := newTable(a.stdout, "FILTER", "KEEPS", "LEFT")
	for _, c := range p.Filters {
		t.row(c.Filter, fmt.Sprint(c.Keeps), fmt.Sprint(c.Left))
	}
	return t.flush()
}
