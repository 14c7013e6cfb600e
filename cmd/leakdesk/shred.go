package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
)

func (a *app) incidentShredCommand() *cobra.Command {
	var confirm bool
	cmd := &cobra.Command{
		Use:   "shred ID --confirm",
		Short: "Crypto-shred a closed incident's evidence: destroy its data key, keep its hashes",
		Long: `Destroys the data key of a closed incident's evidence. The evidence list and
its SHA-256 hashes stay, and the timeline still verifies, but no one can read
the content again: there is no undo. Evidence stored before per-incident keys
is encrypted for the master key and is not shredded; the count is reported.`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !confirm {
				return leakdesk.Errorf(leakdesk.EINVALID, "shredding cannot be undone: add --confirm")
			}
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			svc, err := a.evidenceStore(cmd.Context())
			if err != nil {
				return err
			}
			shredded, err := svc.ShredEvidence(cmd.Context(), id, a.actor)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, shredded)
			}
			_, err = fmt.Fprintf(a.stdout, "incident %s: data key destroyed; %d evidence file(s) can no longer be read; %d stored before per-incident keys stay readable with the master key\n",
				leakdesk.FormatIncidentID(id), shredded.Blobs, shredded.MasterKeyBlobs)
			return err
		},
	}
	cmd.Flags().BoolVar(&confirm, "confirm", false, "confirm that the evidence content is to be destroyed for good")
	return cmd
}
