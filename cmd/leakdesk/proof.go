package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/proof"
	"github.com/leakdesk/leakdesk/store"
)

// The proof is configured from the environment, so that every command that
// appends events also signs them:
//
//	LEAKDESK_SIGNING_KEY  Ed25519 key file (PEM), outside the data directory
//	LEAKDESK_WITNESS      dir:/path or https://… where checkpoints are copied
//	LEAKDESK_TSA          an RFC 3161 timestamp authority URL
//	LEAKDESK_TSA_CERT     that authority's certificate (PEM) tokens must chain to
//	LEAKDESK_CHECKPOINT_EVERY  events between checkpoints in a long run (default 1000)

// keyUse says what a command may do with the signing key.
type keyUse int

const (
	checkOnly  keyUse = iota // verify and prove: an existing key, never a new one
	sign                     // create the key on first use, outside the data directory
	signAsDemo               // the demo's key may live in the data directory
)

// proofService wires package proof. Only the demo may keep its key in the
// data directory, where it then lives unless LEAKDESK_SIGNING_KEY says
// otherwise. The service that signs is built once per run and shared.
func (a *app) proofService(ctx context.Context, use keyUse) (*proof.Service, error) {
	if use == sign && a.signer != nil {
		return a.signer, nil
	}
	svc, err := a.newProofService(ctx, use)
	if err == nil && use == sign {
		a.signer = svc
	}
	return svc, err
}

// newProofService loads or creates the signing key and builds the service.
func (a *app) newProofService(ctx context.Context, use keyUse) (*proof.Service, error) {
	keyPath := a.getenv("LEAKDESK_SIGNING_KEY")
	if keyPath == "" && use == signAsDemo {
		keyPath = filepath.Join(a.dataDir, "demo", "signing-key.pem")
	}
	if keyPath == "" {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "no signing key: set LEAKDESK_SIGNING_KEY to a key file outside the data directory (created on first use)")
	}
	var key ed25519.PrivateKey
	var created bool
	var err error
	if use == checkOnly {
		key, err = proof.LoadSigningKey(keyPath)
	} else {
		key, created, err = proof.LoadOrCreateSigningKey(keyPath, a.dataDir, use == signAsDemo)
	}
	if err != nil {
		return nil, err
	}
	if created {
		fmt.Fprintf(a.stderr, "leakdesk: a new signing key was created at %s (key %s). Publish its public key; keep the file away from the database.\n",
			keyPath, proof.KeyID(proof.PublicKeyOf(key)))
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	incidents, err := a.incidents(ctx)
	if err != nil {
		return nil, err
	}
	opts := proof.Options{Now: a.now, Logger: a.logger}
	if spec := a.getenv("LEAKDESK_WITNESS"); spec != "" {
		if opts.Witness, err = proof.ParseWitness(spec, nil); err != nil {
			return nil, err
		}
	}
	if url := a.getenv("LEAKDESK_TSA"); url != "" {
		opts.TSA = &proof.TSA{URL: url}
	}
	if opts.TSACert, err = proof.ReadCertificateFile(a.getenv("LEAKDESK_TSA_CERT")); err != nil {
		return nil, err
	}
	return proof.NewService(incidents, store.NewCheckpointService(db), key, opts), nil
}

// checkpointAfterCommand signs every timeline a command added events to.
// It runs after each successful command, once a signing key is configured,
// so that filings, notices and closings are all covered wherever they are
// made; serve and campaigns also sign while they run (signWhileRunning).
func (a *app) checkpointAfterCommand(ctx context.Context) error {
	if a.db == nil || a.getenv("LEAKDESK_SIGNING_KEY") == "" {
		return nil
	}
	// A run stopped by Ctrl-C or SIGTERM (serve, watch) still signs what it
	// appended.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	svc, err := a.proofService(ctx, sign)
	if err != nil {
		return err
	}
	return svc.CheckpointUnsigned(ctx, store.NewCheckpointService(a.db).FindUnsigned)
}

// signWhileRunning signs timelines during a long run (serve, a campaign),
// at filings, notices and closings and every LEAKDESK_CHECKPOINT_EVERY
// events, when a signing key is configured. The returned stop ends it
// after a last pass over what is still unsigned.
func (a *app) signWhileRunning(ctx context.Context) (stop func(), err error) {
	if a.getenv("LEAKDESK_SIGNING_KEY") == "" {
		return func() {}, nil
	}
	svc, err := a.proofService(ctx, sign)
	if err != nil {
		return nil, err
	}
	c := proof.NewCheckpointer(svc, store.NewCheckpointService(a.db).FindUnsignedTails)
	if v := a.getenv("LEAKDESK_CHECKPOINT_EVERY"); v != "" {
		if c.Every, err = strconv.ParseInt(v, 10, 64); err != nil || c.Every <= 0 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "LEAKDESK_CHECKPOINT_EVERY is %q: give a number of events above 0", v)
		}
	}
	running, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(running)
	}()
	return func() { cancel(); <-done }, nil
}

// addProofCommands adds the proof's commands to "incident", and the
// witness check to its "verify".
func (a *app) addProofCommands(incident *cobra.Command) {
	incident.AddCommand(a.incidentCheckpointCommand(), a.incidentProveCommand(), a.incidentBundleCommand())
	for _, c := range incident.Commands() {
		if c.Name() == "verify" {
			a.wrapVerify(c)
		}
	}
}

// wrapVerify makes "incident verify" check the signed checkpoints, and the
// witness with --witness, once a signing key is configured.
func (a *app) wrapVerify(verify *cobra.Command) {
	var witness string
	chainOnly := verify.RunE
	verify.Flags().StringVar(&witness, "witness", "", "also check against the checkpoints this witness holds: dir:/path or https://… (default env LEAKDESK_WITNESS)")
	verify.RunE = func(cmd *cobra.Command, args []string) error {
		if a.getenv("LEAKDESK_SIGNING_KEY") == "" && witness == "" {
			if err := chainOnly(cmd, args); err != nil {
				return err
			}
			if a.format != "json" {
				fmt.Fprintln(a.stdout, "not signed: no signing key is configured (LEAKDESK_SIGNING_KEY), so truncation is not detected; no trusted timestamp")
			}
			return nil
		}
		svc, id, err := a.proofFor(cmd, args[0], checkOnly)
		if err != nil {
			return err
		}
		if witness == "" {
			witness = a.getenv("LEAKDESK_WITNESS")
		}
		var w proof.Witness
		if witness != "" {
			if w, err = proof.ParseWitness(witness, nil); err != nil {
				return err
			}
		}
		rep, err := svc.Verify(cmd.Context(), id, w)
		if err != nil {
			return err
		}
		if rep.OK {
			if err := a.checkStoredRecord(cmd.Context(), id, rep); err != nil {
				return err
			}
		}
		return a.printProofReport(rep)
	}
}

// checkStoredRecord adds to a signed log's report what only the store can
// check: the side tables and the personal values against the timeline.
func (a *app) checkStoredRecord(ctx context.Context, id int64, rep *proof.Report) error {
	svc, err := a.incidentStore(ctx)
	if err != nil {
		return err
	}
	chain, err := svc.VerifyTimeline(ctx, id)
	if err != nil {
		return err
	}
	rep.Personal = chain.Personal
	if !chain.OK {
		rep.OK, rep.FirstBadSeq, rep.Problem = false, chain.FirstBadSeq, chain.Problem
	}
	return nil
}

// printProofReport prints a report and turns a failed one into exit 7.
func (a *app) printProofReport(rep *proof.Report) error {
	if a.format == "json" {
		if err := writeJSON(a.stdout, rep); err != nil {
			return err
		}
	} else if rep.OK {
		w := a.stdout
		fmt.Fprintf(w, "timeline intact: %d events\n", rep.Events)
		fmt.Fprintf(w, "signed: %d checkpoints, the latest at %d events, key %s\n", rep.Checkpoints, rep.SignedSize, rep.KeyID)
		if rep.Witness != "" {
			fmt.Fprintf(w, "witness %s: its latest checkpoint, at %d events, matches\n", rep.Witness, rep.WitnessedSize)
		} else {
			fmt.Fprintln(w, "no witness checked: a rewrite by someone holding the signing key would not be seen (--witness)")
		}
		if rep.TrustedTime.IsZero() {
			fmt.Fprintln(w, "no trusted timestamp")
		} else {
			fmt.Fprintf(w, "trusted timestamp: %s, for the checkpoint at %d events\n", rep.TrustedTime.UTC().Format(time.RFC3339), rep.TrustedSize)
		}
		a.printPersonalReport(rep.Personal)
		for _, warning := range rep.Warnings {
			fmt.Fprintln(w, "warning: "+warning)
		}
	}
	if !rep.OK {
		if rep.FirstBadSeq > 0 {
			return leakdesk.Errorf(leakdesk.EINTEGRITY, "%s fails verification at event %d: %s", rep.Incident, rep.FirstBadSeq, rep.Problem)
		}
		return leakdesk.Errorf(leakdesk.EINTEGRITY, "%s fails verification: %s", orDash(rep.Incident), rep.Problem)
	}
	return nil
}

// proofFor reads the incident ID argument and wires the proof service.
func (a *app) proofFor(cmd *cobra.Command, arg string, use keyUse) (*proof.Service, int64, error) {
	id, err := leakdesk.ParseIncidentID(arg)
	if err != nil {
		return nil, 0, err
	}
	svc, err := a.proofService(cmd.Context(), use)
	return svc, id, err
}

func (a *app) incidentCheckpointCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "checkpoint ID",
		Short: "Sign the timeline as it stands, timestamp it and hand it to the witness",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, id, err := a.proofFor(cmd, args[0], sign)
			if err != nil {
				return err
			}
			cp, err := svc.Checkpoint(cmd.Context(), id)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, cp)
			}
			stamped := "no trusted timestamp"
			if cp.Timestamp != nil {
				stamped = "timestamped"
			}
			_, err = fmt.Fprintf(a.stdout, "%s checkpoint at %d events, root %s, key %s, %s\n", cp.Incident, cp.Size, cp.Root, cp.KeyID, stamped)
			return err
		},
	}
}

func (a *app) incidentProveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "prove ID SEQ",
		Short: "Print the inclusion proof of one event in the latest checkpoint (JSON)",
		Args:  exactArgs("ID", "SEQ"),
		RunE: func(cmd *cobra.Command, args []string) error {
			seq, err := strconv.ParseInt(args[1], 10, 64)
			if err != nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "invalid event number %q", args[1])
			}
			svc, id, err := a.proofFor(cmd, args[0], checkOnly)
			if err != nil {
				return err
			}
			p, err := svc.Prove(cmd.Context(), id, seq)
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, p)
		},
	}
}

func (a *app) incidentBundleCommand() *cobra.Command {
	var out string
	var withEvidence bool
	cmd := &cobra.Command{
		Use:   "bundle ID --out FILE.zip",
		Short: "Write the incident's record, signed and checkable offline, for a regulator or a court",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "out"); err != nil {
				return err
			}
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			return a.writeBundle(cmd.Context(), id, out, withEvidence, false)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the zip file to write (required)")
	cmd.Flags().BoolVar(&withEvidence, "with-evidence", false, "include the evidence files, decrypted, not only their hashes")
	return cmd
}

// writeBundle signs the timeline as it stands and writes the bundle.
func (a *app) writeBundle(ctx context.Context, id int64, out string, withEvidence, demo bool) error {
	use := sign
	if demo {
		use = signAsDemo
	}
	svc, err := a.proofService(ctx, use)
	if err != nil {
		return err
	}
	evidence, err := a.evidence(ctx)
	if err != nil {
		return err
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	b, err := svc.SignedBundle(ctx, id, evidence, store.NewFindingsService(db), a.actor, withEvidence)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "cannot write %s: %v", out, err)
	}
	defer f.Close()
	if err := proof.WriteBundle(ctx, f, b); err != nil {
		os.Remove(out)
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	a.logger.Info("bundle written", "incident", leakdesk.FormatIncidentID(id), "file", out)
	if a.format != "json" {
		fmt.Fprintf(a.stdout, "%s: %d events, %d checkpoints, key %s\n", out, len(b.Events), len(b.Checkpoints), proof.KeyID(b.PublicKey))
	}
	return nil
}

func (a *app) bundleCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bundle",
		Short: "Check an incident bundle offline",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var publicKey, witness, tsaCert string
	verify := &cobra.Command{
		Use:   "verify FILE.zip",
		Short: "Check a bundle without the database; exit 7 names what fails",
		Args:  exactArgs("FILE.zip"),
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := proof.VerifyBundleFile(cmd.Context(), args[0], proof.BundleCheck{PublicKeyFile: publicKey, TSACertFile: tsaCert, Witness: witness})
			if err != nil {
				return err
			}
			if a.format == "json" {
				if err := writeJSON(a.stdout, rep); err != nil {
					return err
				}
			} else if rep.OK {
				fmt.Fprintf(a.stdout, "%s: %d files, %d pieces of evidence (%d included)\n", args[0], rep.Files, rep.Evidence, rep.EvidenceFiles)
			}
			if rep.OK && a.format == "json" {
				return nil
			}
			return a.printProofReport(&rep.Report)
		},
	}
	f := verify.Flags()
	f.StringVar(&publicKey, "public-key", "", "the organisation's published public key (PEM); without it the bundle's own key is used")
	f.StringVar(&witness, "witness", "", "also check against the checkpoints this witness holds: dir:/path or https://…")
	f.StringVar(&tsaCert, "tsa-cert", a.getenv("LEAKDESK_TSA_CERT"), "certificate (PEM) the timestamp tokens must chain to (env LEAKDESK_TSA_CERT)")
	cmd.AddCommand(verify)
	return cmd
}

// demoBundle ends the demo with the record signed, bundled and checked
// offline, as a regulator would check it. The demo may keep its signing
// key in the data directory; nothing else may.
func (a *app) demoBundle(ctx context.Context, inc *leakdesk.Incident, dir string) error {
	out := filepath.Join(dir, "bundle.zip")
	a.say("\n20. The record, signed and bundled for the authority (leakdesk incident bundle %s --out %s):\n", inc.PublicID(), out)
	if err := a.writeBundle(ctx, inc.ID, out, false, true); err != nil {
		return err
	}
	rep, err := proof.VerifyBundleFile(ctx, out, proof.BundleCheck{})
	if err != nil {
		return err
	}
	if !rep.OK {
		return leakdesk.Errorf(leakdesk.EINTEGRITY, "the demo's own bundle fails verification: %s", rep.Problem)
	}
	a.say("   Checked offline (leakdesk bundle verify %s): %d events, all signed by key %s. VERIFY.md inside says how to check it with sha256sum and openssl.",
		out, rep.Events, rep.KeyID)
	return nil
}
