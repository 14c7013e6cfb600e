package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/trace"
	"github.com/leakdesk/leakdesk/verdict"
)

func (a *app) verifyLeakCommand() *cobra.Command {
	var df dumpFlags
	var registry, history, incident, evidenceRef, ownDomains, ownNetworks, ownHosts string
	var exports, earlier []string
	cmd := &cobra.Command{
		Use:   "verify-leak LEAK|--incident ID [--evidence REF] --registry R [--history H] [--exports DIR|FILE]... [--earlier LEAK]... [--own-domains D,...] [--own-networks CIDR,...] [--own-hosts SUFFIX,...]",
		Short: "Say whether a leak is real, current, complete and new, and whether it supports the seller's claim of access",
		Long: `Draw a verdict on a leak, each finding with its evidence:

  authentic   the share of rows linked to the registry, and of people found
              nowhere (strangers or made up; with --history or --exports,
              former contacts are told apart)
  current     when the data was taken, from the registry's history
  complete    the share of the registry, and of the best-matching export
  recycled    what the leak shares with each earlier leak (--earlier), over
              normalised e-mail addresses and phone numbers
  access      secrets and configuration found, credentials on the
              organisation's own domains, its internal host names and
              addresses: each marked as supporting the claim or not

What the inputs cannot decide is said to be unknown. With --incident, the
verdict is recorded on the incident's timeline; without LEAK, the leak is
read from the incident's evidence (each read logged).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "registry"); err != nil {
				return err
			}
			own, err := verdict.ParseOwn(ownDomains, ownNetworks, ownHosts)
			if err != nil {
				return err
			}
			pastExports, err := trace.CandidateFiles(exports)
			if err != nil {
				return err
			}
			req := verdict.Request{Registry: registry, History: history, Exports: pastExports,
				Earlier: match.Files(earlier...), Own: own, Read: df.opts}
			rep, err := a.verifyLeak(cmd.Context(), args, incident, evidenceRef, req)
			if err != nil {
				return err
			}
			a.reportUnread(rep.Unread, rep.Rows) // Verify fails when nothing was read
			if a.format == "json" {
				return writeJSON(a.stdout, rep)
			}
			fmt.Fprintf(a.stdout, "%s: %d rows\n", rep.Leak, rep.Rows)
			for _, f := range rep.Findings() {
				fmt.Fprintf(a.stdout, "\n%-36s %s\n", f.Question, f.Verdict)
				for _, e := range f.Evidence {
					fmt.Fprintf(a.stdout, "  - %s\n", e)
				}
			}
			return nil
		},
	}
	df.register(a, cmd)
	f := cmd.Flags()
	f.StringVar(&registry, "registry", "", "the registry of contacts (required)")
	f.StringVar(&history, "history", "", "the registry's change log (at, contact_id, field, old, new): dates the leak; without it, currency is unknown")
	f.StringArrayVar(&exports, "exports", nil, "a past export, file or directory (repeatable): completeness against the best-matching one, and former contacts")
	f.StringArrayVar(&earlier, "earlier", nil, "an earlier leak (repeatable): is this one new or recycled?")
	f.StringVar(&ownDomains, "own-domains", "", "the organisation's e-mail domains, comma-separated: credentials on them support a claim of access")
	f.StringVar(&ownNetworks, "own-networks", "", "the organisation's internal address ranges, CIDR, comma-separated")
	f.StringVar(&ownHosts, "own-hosts", "", "suffixes of the organisation's internal host names, comma-separated (corp.example)")
	f.StringVar(&incident, "incident", "", "record the verdict on this incident's timeline (and, without LEAK, read the leak from its evidence)")
	f.StringVar(&evidenceRef, "evidence", "", "with --incident and no LEAK: which piece of evidence (number or SHA-256 prefix)")
	return cmd
}

// verifyLeak draws the verdict on the leak file in args, or, with an
// incident and no file, on the incident's evidence; with an incident it is
// recorded there.
func (a *app) verifyLeak(ctx context.Context, args []string, incident, evidenceRef string, req verdict.Request) (*verdict.Report, error) {
	if len(args) == 1 {
		req.Leak = match.Files(args[0])[0]
	}
	if incident == "" {
		if len(args) == 0 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "verify-leak needs the leak: a file, or --incident ID to read it from the incident's evidence")
		}
		return verdict.Run(ctx, req)
	}
	id, err := leakdesk.ParseIncidentID(incident)
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
	svc := verdict.NewService(evidence, incidents, a.now)
	if len(args) == 0 {
		return svc.VerifyEvidence(ctx, id, evidenceRef, a.actor, req)
	}
	return svc.VerifyAndRecord(ctx, id, a.actor, req)
}
