package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/store"
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
				return a.previewExport(cmd.Context(), registry, region, where)
			}
			if err := requireFlags(cmd, "registry", "recipient", "out"); err != nil {
				return err
			}
			// --format is the file's format here; the summary printed is JSON
			// too when the file is.
			format := a.format
			switch format {
			case "table":
				format = "csv"
			case "csv", "xlsx", "json":
			default:
				return leakdesk.Errorf(leakdesk.EINVALID, "--format %q: want csv, xlsx or json", format)
			}
			decoys := trace.DecoyConfig{Domains: splitList(decoyDomains, strings.ToLower), PhoneRanges: splitList(decoyRanges, nil), Pool: pool}
			if noDecoys {
				decoys = trace.DecoyConfig{}
			} else if err := decoys.Validate(); err != nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "%s (--decoy-domain and --decoy-phone-range, each repeatable, or LEAKDESK_DECOY_DOMAIN and LEAKDESK_DECOY_PHONE, comma-separated); --no-decoys exports without, which a leaker who normalises values can defeat", leakdesk.ErrorMessage(err))
			}
			e, err := a.makeExport(cmd.Context(), exportRequest{registry: registry, recipient: recipient, purpose: purpose, where: where,
				columns: columns, format: format, out: out, region: strings.ToUpper(region), decoys: decoys})
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

// exportRequest is what "export" is asked to write.
type exportRequest struct {
	registry, recipient, purpose, format, out, region string
	where, columns                                    []string
	decoys                                            trace.DecoyConfig
}

// previewExport prints how many registry rows each filter keeps.
func (a *app) previewExport(ctx context.Context, registry, region string, where []string) error {
	header, rows, _, err := readRegistryTable(ctx, registry, region)
	if err != nil {
		return err
	}
	filters, err := trace.ParseWhere(header, where)
	if err != nil {
		return err
	}
	counts := trace.Preview(filters, rows)
	if a.format == "json" {
		return writeJSON(a.stdout, map[string]any{"rows": len(rows), "filters": counts})
	}
	fmt.Fprintf(a.stdout, "%s: %d rows. Nothing is written.\n", registry, len(rows))
	t := newTable(a.stdout, "FILTER", "KEEPS", "LEFT")
	for _, c := range counts {
		t.row(c.Filter, fmt.Sprint(c.Keeps), fmt.Sprint(c.Left))
	}
	return t.flush()
}

// makeExport writes a fingerprinted export and records it.
func (a *app) makeExport(ctx context.Context, r exportRequest) (*leakdesk.Export, error) {
	code, err := a.fingerprintCode(true)
	if err != nil {
		return nil, err
	}
	header, rows, roles, err := readRegistryTable(ctx, r.registry, r.region)
	if err != nil {
		return nil, err
	}
	filters, err := trace.ParseWhere(header, r.where)
	if err != nil {
		return nil, err
	}
	var id [4]byte
	rand.Read(id[:])
	e := &leakdesk.Export{ID: "FX-" + hex.EncodeToString(id[:]), Recipient: r.recipient, Purpose: r.purpose, Filter: strings.Join(r.where, " AND "),
		Format: r.format, Region: r.region, DecoyDomains: r.decoys.Domains, DecoyPhoneRanges: r.decoys.PhoneRanges, DecoyPool: r.decoys.Pool, Actor: a.actor}
	marker := trace.NewMarker(code, match.NewNormaliser(r.region))
	b, err := marker.BuildExport(header, roles, rows, trace.ExportSpec{ID: e.ID, Where: filters, Columns: r.columns, Decoys: r.decoys})
	if err != nil {
		return nil, err
	}
	e.Columns, e.Rows, e.Decoys, e.Positions = b.Header, b.Real, b.Decoys, b.Positions
	for _, d := range b.Pool {
		e.DecoyContacts = append(e.DecoyContacts, leakdesk.DecoyContact{Pos: d.Pos, Email: d.Email, Phone: d.Phone, Mobile: d.Mobile})
	}
	data, err := encodeExport(r.format, b.Header, b.Rows)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	e.SHA256, e.File = hex.EncodeToString(sum[:]), r.out
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	// Recorded before the file appears: an export that exists is always
	// one leakdesk can decode.
	if err := store.NewExportService(db).RecordExport(ctx, e); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(r.out, data); err != nil {
		return nil, err
	}
	return e, nil
}

// readRegistryTable reads the first table of a registry with its roles.
func readRegistryTable(ctx context.Context, path, region string) (header []string, rows [][]string, roles []dump.Role, err error) {
	reader, err := dump.NewReader(dump.Options{Region: region})
	if err != nil {
		return nil, nil, nil, err
	}
	var table *dump.Table
	err = reader.Read(ctx, path, func(t *dump.Table) error {
		if table != nil {
			return nil
		}
		table = t
		return t.Rows(ctx, func(row dump.Row) error {
			rows = append(rows, slices.Clone(row.Cells))
			return nil
		})
	})
	if err != nil {
		return nil, nil, nil, err
	}
	if table == nil || len(rows) == 0 {
		return nil, nil, nil, leakdesk.Errorf(leakdesk.EINVALID, "registry %s holds no rows", path)
	}
	for _, cr := range reader.InferRoles(table, rows[:min(len(rows), 300)], nil) {
		roles = append(roles, cr.Role)
	}
	return slices.Clone(table.Columns), rows, roles, nil
}

func encodeExport(format string, header []string, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	if format == "csv" || format == "xlsx" {
		// Opened in a spreadsheet, a cell such as =HYPERLINK(...) would run.
		all := trace.NeutraliseRows(append([][]string{header}, rows...))
		header, rows = all[0], all[1:]
	}
	switch format {
	case "csv":
		w := csv.NewWriter(&buf)
		w.Write(header)
		w.WriteAll(rows)
		if err := w.Error(); err != nil {
			return nil, fmt.Errorf("write csv: %w", err)
		}
	case "json":
		records := make([]map[string]string, len(rows))
		for k, r := range rows {
			records[k] = map[string]string{}
			for i, h := range header {
				if i < len(r) {
					records[k][h] = r[i]
				}
			}
		}
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(records); err != nil {
			return nil, err
		}
	case "xlsx":
		x := excelize.NewFile()
		defer x.Close()
		for k, r := range append([][]string{header}, rows...) {
			cells := make([]any, len(r))
			for i, c := range r {
				cells[i] = c
			}
			cell, _ := excelize.CoordinatesToCellName(1, k+1)
			if err := x.SetSheetRow("Sheet1", cell, &cells); err != nil {
				return nil, fmt.Errorf("write xlsx: %w", err)
			}
		}
		if err := x.Write(&buf); err != nil {
			return nil, fmt.Errorf("write xlsx: %w", err)
		}
	}
	return buf.Bytes(), nil
}

// writeFileAtomic writes data under a temporary name and renames it.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "cannot write %s: %v", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "cannot write %s: %v", path, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
