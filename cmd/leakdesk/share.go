package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/share"
	"github.com/leakdesk/leakdesk/store"
)

func (a *app) shareCommand() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "share ID --format stix|misp --out FILE",
		Short: "Export an incident for CERTs as a STIX 2.1 bundle or a MISP event, personal data masked",
		Long: `Write what CERTs and partners may be told of an incident: the leak's file
hashes and where it was seen (evidence sources, the seen_at fact), the
decoys of every fingerprinted export as indicators, the seller's handle
(the seller fact), and the secrets found by the latest verify-leak, as
types and counts, never values.

Personal data never leaves: the affected contacts are counted, not named,
and free text (titles, facts, evidence names and sources) is masked, every
name, e-mail address and phone number replaced by an HMAC-SHA-256 keyed
with the organisation's share.key, in the data directory, so that only the
organisation can tell whom a hash stands for.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "out"); err != nil {
				return err
			}
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			data, err := a.shareIncident(cmd.Context(), id, a.format)
			if err != nil {
				return err
			}
			if err := os.WriteFile(out, data, 0o600); err != nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "write %s: %v", out, err)
			}
			a.logger.Info("incident shared", "incident", id, "file", out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "the file to write (required)")
	return cmd
}

// shareIncident renders incident id for CERTs in format, masked with the
// data directory's share.key.
func (a *app) shareIncident(ctx context.Context, id int64, format string) ([]byte, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	incidents, err := a.incidents(ctx)
	if err != nil {
		return nil, err
	}
	evidence, err := a.evidence(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.ensureDataDir(); err != nil {
		return nil, err
	}
	key, err := loadOrCreateSecret(filepath.Join(a.dataDir, "share.key"))
	if err != nil {
		return nil, err
	}
	svc := share.Services{Incidents: incidents, Evidence: evidence, Exports: store.NewExportService(db), Findings: store.NewFindingsService(db)}
	inc, err := share.Gather(ctx, svc, id, share.NewMasker(key))
	if err != nil {
		return nil, err
	}
	return share.Render(inc, format, a.now())
}
