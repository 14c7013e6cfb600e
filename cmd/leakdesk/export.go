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
	mrand "math/rand/v2"
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
	var registry, recipient, purpose, out, decoyDomain, decoyPhone string
	var where, columns []string
	var pool int
	var noDecoys bool
	cmd := &cobra.Command{
		Use:   "export --registry R --recipient NAME --out FILE [--purpose TEXT] [--where COL=VALUE]... [--columns A,B] [--format csv|xlsx|json] [--decoy-domain D --decoy-phone +CC...]",
		Short: "Write a fingerprinted export of the registry, and record who received it",
		Long: `Write the registry, or the rows and columns asked for, with a fingerprint
that names its recipient if it ever leaks, and record the export. Every
value stays correct: the fingerprint is a Tardos codeword written into phone
layouts ("+33 6 12 34 56 78" or "+33612345678"), the letter case of e-mail
domains, the spelling of legal forms (SAS or S.A.S.), and decoy contacts on
a domain and a phone range the organisation owns (--decoy-domain,
--decoy-phone), which also raise an alarm if anyone contacts them. The
local part of an e-mail is never changed and no invisible character is
written. "leakdesk trace --leak FILE" without candidates decodes a leak.

The key is LEAKDESK_FINGERPRINT_KEY, or DATA/fingerprint.key, made on the
first export: keep it secret, and keep it, or past exports cannot be told
apart.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			decoys := trace.Decoys{Domain: strings.ToLower(strings.TrimSpace(decoyDomain)), PhonePrefix: strings.TrimSpace(decoyPhone), Pool: pool}
			if !noDecoys {
				if decoys.Domain == "" || !strings.HasPrefix(decoys.PhonePrefix, "+") || len(decoys.PhonePrefix) < 6 || len(decoys.PhonePrefix) > 11 {
					return leakdesk.Errorf(leakdesk.EINVALID, "decoys need a domain and an E.164 phone prefix of 5 to 10 digits that the organisation owns (--decoy-domain, --decoy-phone, or LEAKDESK_DECOY_DOMAIN, LEAKDESK_DECOY_PHONE); --no-decoys exports without, which a leaker who normalises values can defeat")
				}
			} else {
				decoys = trace.Decoys{}
			}
			e, err := a.makeExport(cmd.Context(), exportRequest{registry: registry, recipient: recipient, purpose: purpose, where: where,
				columns: columns, format: format, out: out, decoys: decoys})
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
	f.StringArrayVar(&where, "where", nil, "keep rows where COLUMN=VALUE (case-insensitive; repeat for AND)")
	f.StringSliceVar(&columns, "columns", nil, "columns to export, by header (default: all)")
	f.StringVar(&out, "out", "", "file to write (required)")
	f.StringVar(&decoyDomain, "decoy-domain", a.getenv("LEAKDESK_DECOY_DOMAIN"), "domain of the decoy contacts, owned by the organisation (env LEAKDESK_DECOY_DOMAIN)")
	f.StringVar(&decoyPhone, "decoy-phone", a.getenv("LEAKDESK_DECOY_PHONE"), "E.164 prefix of the decoys' phone numbers, a range the organisation owns (env LEAKDESK_DECOY_PHONE)")
	f.IntVar(&pool, "decoys", trace.DefaultDecoyPool, "decoys the exports draw from; each carries about a quarter of them")
	f.BoolVar(&noDecoys, "no-decoys", false, "export without decoys")
	return cmd
}

// exportRequest is what "export" is asked to write.
type exportRequest struct {
	registry, recipient, purpose, format, out string
	where, columns                            []string
	decoys                                    trace.Decoys
}

// makeExport writes a fingerprinted export and records it.
func (a *app) makeExport(ctx context.Context, r exportRequest) (*leakdesk.Export, error) {
	code, err := a.fingerprintCode(true)
	if err != nil {
		return nil, err
	}
	header, rows, roles, err := readRegistryTable(ctx, r.registry)
	if err != nil {
		return nil, err
	}
	if rows, err = filterRows(header, rows, r.where); err != nil {
		return nil, err
	}
	if header, rows, roles, err = pickColumns(header, rows, roles, r.columns); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "no row of %s matches --where %s", r.registry, strings.Join(r.where, " "))
	}
	var id [4]byte
	rand.Read(id[:])
	e := &leakdesk.Export{ID: "FX-" + hex.EncodeToString(id[:]), Recipient: r.recipient, Purpose: r.purpose, Filter: strings.Join(r.where, " AND "),
		Columns: header, Format: r.format, Rows: len(rows), DecoyDomain: r.decoys.Domain, DecoyPhone: r.decoys.PhonePrefix, DecoyPool: r.decoys.Pool, Actor: a.actor}
	marker := trace.NewMarker(code, match.NewNormaliser("FR"))
	e.Positions = marker.Mark(e.ID, roles, rows)
	if r.decoys.Domain != "" {
		decoyRows, positions := marker.DecoyRows(e.ID, r.decoys, roles, func(i int) []string { return rows[(i*7919)%len(rows)] })
		e.Positions, e.Decoys = append(e.Positions, positions...), len(decoyRows)
		// Decoys go among the real rows, at random places.
		for _, row := range decoyRows {
			rows = slices.Insert(rows, mrand.IntN(len(rows)+1), row)
		}
	}
	data, err := encodeExport(r.format, header, rows)
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
func readRegistryTable(ctx context.Context, path string) (header []string, rows [][]string, roles []dump.Role, err error) {
	reader, err := dump.NewReader(dump.Options{})
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

func columnIndex(header []string, name string) int {
	return slices.IndexFunc(header, func(h string) bool { return strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(name)) })
}

func filterRows(header []string, rows [][]string, where []string) ([][]string, error) {
	for _, w := range where {
		col, value, ok := strings.Cut(w, "=")
		i := columnIndex(header, col)
		if !ok || i < 0 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "--where %q: want COLUMN=VALUE with a column of %s", w, strings.Join(header, ", "))
		}
		rows = slices.DeleteFunc(rows, func(r []string) bool {
			return i >= len(r) || !strings.EqualFold(strings.TrimSpace(r[i]), strings.TrimSpace(value))
		})
	}
	return rows, nil
}

func pickColumns(header []string, rows [][]string, roles []dump.Role, columns []string) ([]string, [][]string, []dump.Role, error) {
	if len(columns) == 0 {
		return header, rows, roles, nil
	}
	var idx []int
	for _, c := range columns {
		i := columnIndex(header, c)
		if i < 0 {
			return nil, nil, nil, leakdesk.Errorf(leakdesk.EINVALID, "--columns: no column %q in %s", c, strings.Join(header, ", "))
		}
		idx = append(idx, i)
	}
	pick := func(r []string) []string {
		out := make([]string, len(idx))
		for j, i := range idx {
			if i < len(r) {
				out[j] = r[i]
			}
		}
		return out
	}
	newRoles := make([]dump.Role, len(idx))
	for j, i := range idx {
		if i < len(roles) {
			newRoles[j] = roles[i]
		}
	}
	for k, r := range rows {
		rows[k] = pick(r)
	}
	return pick(header), rows, newRoles, nil
}

func encodeExport(format string, header []string, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
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
