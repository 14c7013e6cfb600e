package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

func (a *app) triageCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "triage",
		Short: "Shred the files the watch keeps, or move old ones under keys of their own",
	}
	cmd.AddCommand(a.triageShredCommand(), a.triageMoveCommand())
	return cmd
}

func (a *app) keptFiles(ctx context.Context) (*store.KeptFileService, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	v, err := a.openVault()
	if err != nil {
		return nil, err
	}
	return store.NewKeptFileService(db, v)
}

func (a *app) triageShredCommand() *cobra.Command {
	var (
		confirm bool
		reason  string
	)
	cmd := &cobra.Command{
		Use:   "shred FILE --reason TEXT --confirm",
		Short: "Crypto-shred a file the watch kept that became no incident: destroy its key, keep its hash and result",
		Long: `Destroys the data key of a file the watch kept: a file taken in for triage
(its number, or at least 8 hex digits of its SHA-256) or a decoy alarm's
message or call record (the alarm's key, decoy-…). Its hash, size and triage
result stay, so the same file posted again is still recognised, but its
content can no longer be read, and is not kept again: there is no undo. A
file that an open incident still reads is refused: shred the incident.
See docs/watch.md.`,
		Args: exactArgs("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !confirm {
				return leakdesk.Errorf(leakdesk.EINVALID, "shredding cannot be undone: add --confirm")
			}
			if err := requireFlags(cmd, "reason"); err != nil {
				return err
			}
			svc, err := a.keptFiles(cmd.Context())
			if err != nil {
				return err
			}
			shred, err := svc.ShredKeptFile(cmd.Context(), args[0], a.actor, reason)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, shred)
			}
			_, err = fmt.Fprintf(a.stdout, "file %s: content shredded on %s by %s (%s); its hash and triage result stay\n",
				shred.SHA256, shred.At.Format(time.DateTime+" MST"), shred.Actor, shred.Reason)
			return err
		},
	}
	cmd.Flags().BoolVar(&confirm, "confirm", false, "confirm that the file's content is to be destroyed for good")
	cmd.Flags().StringVar(&reason, "reason", "", "why it is shredded, on the record (no personal data)")
	return cmd
}

func (a *app) triageMoveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "move",
		Short: "Move the files the watch kept for the master key under keys of their own",
		Long: `Vaults made before each kept file had its own key hold those files for the
master key. move puts each under its own key, or into the evidence of the
incidents it proposed (under theirs, each read on their timelines), then
removes the master-key copy. It can be stopped and run again at any time.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.keptFiles(cmd.Context())
			if err != nil {
				return err
			}
			n, err := svc.MoveKeptFiles(cmd.Context(), a.actor)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "%d file(s) moved from the master key\n", n)
			return err
		},
	}
}
