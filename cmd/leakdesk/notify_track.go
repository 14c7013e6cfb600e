package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

func (a *app) notifyRecipientsCommand() *cobra.Command {
	var add string
	cmd := &cobra.Command{
		Use:   "recipients ID [--add FILE]",
		Short: "List the incident's audience, or add other recipients from a CSV file",
		Long: `List who the incident's notices go to. With --add, read other recipients
(customer security contacts, DPOs, internal stakeholders) from a CSV file
with a header of: ` + strings.Join(notify.OtherColumns, ", ") + `. Only email is required.
A file with any address that is not valid is refused whole, with every bad
line listed. Affected contacts join the audience from the findings when a
notice is sent.`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			svc, err := a.campaigns(ctx, nil)
			if err != nil {
				return err
			}
			if add != "" {
				f, _, err := openInput(add)
				if err != nil {
					return err
				}
				defer f.Close()
				read, added, err := svc.AddRecipients(ctx, id, a.actor, f)
				if err != nil {
					return err
				}
				if a.format != "json" {
					fmt.Fprintf(a.stdout, "%d recipient(s) read, %d new.\n", read, added)
					return nil
				}
			}
			list, err := svc.Recipients(ctx, id)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, map[string]any{"recipients": list})
			}
			t := newTable(a.stdout, "KEY", "KIND", "NAME", "ORGANISATION", "EMAIL", "PHONE", "LANG")
			for _, r := range list {
				t.row(r.Key, r.Kind, r.Name, r.Organisation, orDash(r.Email), orDash(r.Phone), r.Language)
			}
			return t.flush()
		},
	}
	cmd.Flags().StringVar(&add, "add", "", "CSV file of other recipients to add")
	return cmd
}

func (a *app) notifyCoverageCommand() *cobra.Command {
	var unreachedOnly bool
	cmd := &cobra.Command{
		Use:   "coverage ID [--unreached]",
		Short: "Show where every recipient stands, and what to try for those not reached",
		Long: `Show every recipient with the best that is known of them: acknowledged,
reached by another channel, delivered (a delivery report said so), sent
(accepted by the mail server), waived (with the reason), bounced, failed,
queued, not yet notified, or without an address. Those not reached are
listed with what to try next. An incident cannot be closed while anyone is
unreached without a recorded reason.`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			res, err := a.coverage(ctx, id)
			if err != nil {
				return err
			}
			if unreachedOnly {
				res.Entries = slices.DeleteFunc(res.Entries, func(e *leakdesk.CoverageEntry) bool { return !e.Unreached() })
			}
			if a.format == "json" {
				return writeJSON(a.stdout, res)
			}
			t := newTable(a.stdout, "KEY", "NAME", "ORGANISATION", "EMAIL", "STATE", "NOTICES", "NEXT")
			for _, e := range res.Entries {
				t.row(e.Recipient.Key, e.Recipient.Name, e.Recipient.Organisation, orDash(e.Recipient.Email), e.State, fmt.Sprint(e.Notices), orDash(e.Next))
			}
			if err := t.flush(); err != nil {
				return err
			}
			printCoverageSummary(a, res)
			return nil
		},
	}
	cmd.Flags().BoolVar(&unreachedOnly, "unreached", false, "list only those not yet reached")
	return cmd
}

// coverage is where every recipient of incident id stands.
func (a *app) coverage(ctx context.Context, id int64) (*notify.Coverage, error) {
	svc, err := a.campaigns(ctx, nil)
	if err != nil {
		return nil, err
	}
	return svc.Coverage(ctx, id)
}

func printCoverageSummary(a *app, res *notify.Coverage) {
	var parts []string
	for _, s := range []string{leakdesk.CoverageAcknowledged, leakdesk.CoverageOther, leakdesk.CoverageDelivered, leakdesk.CoverageSent, leakdesk.CoverageWaived,
		leakdesk.CoverageBounced, leakdesk.CoverageFailed, leakdesk.CoverageQueued, leakdesk.CoverageNotNotified, leakdesk.CoverageNoAddress} {
		if n := res.Counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	fmt.Fprintf(a.stdout, "\n%d recipients: %s.\n", len(res.Entries), strings.Join(parts, ", "))
	for _, kind := range res.Summary.Kinds() {
		c := res.Summary.ByKind[kind]
		fmt.Fprintf(a.stdout, "  %s (%d): %s.\n", kindTitle[kind], c.Recipients, c.Words())
	}
	if res.NotInList > 0 {
		fmt.Fprintf(a.stdout, "%d affected contact(s) of the latest findings are not in the audience yet: leakdesk notify plan %s\n", res.NotInList, res.Incident)
	}
	if res.FormerNotInList > 0 {
		fmt.Fprintf(a.stdout, "%d former contact(s) of the findings are not in the audience: to tell them too, leakdesk notify send %s --former\n", res.FormerNotInList, res.Incident)
	}
	fmt.Fprintln(a.stdout, res.Summary.Conclusion(res.NotInList))
}

// kindTitle names the kinds of recipients in coverage.
var kindTitle = map[string]string{
	leakdesk.RecipientAffected: "Affected contacts",
	leakdesk.RecipientFormer:   "Former contacts",
	leakdesk.RecipientOther:    "Others",
}

func (a *app) notifyLogContactCommand() *cobra.Command {
	var channel, outcome, note, at string
	cmd := &cobra.Command{
		Use:   "log-contact ID RECIPIENT --channel phone|letter|email|in-person --outcome OUTCOME [--note TEXT] [--at TIME]",
		Short: "Record a call, a letter or a meeting with a recipient, or why they will not be reached",
		Long: `Record an attempt to reach a recipient outside the e-mail queue. RECIPIENT is
the recipient's key (the contact ID, or the "other:" pseudonym that "notify
recipients" shows) or the e-mail address.
Outcomes: reached, no-answer, voicemail, wrong-number, returned, refused,
and waived, which records in --note why the person will not be reached
(for example: left the company, no other contact known).`,
		Args: exactArgs("ID", "RECIPIENT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := requireFlags(cmd, "channel", "outcome"); err != nil {
				return err
			}
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			var when time.Time
			if at != "" {
				if when, err = a.parseTime("--at", at); err != nil {
					return err
				}
			}
			svc, err := a.campaigns(ctx, nil)
			if err != nil {
				return err
			}
			logged, err := svc.LogContact(ctx, notify.Contact{Incident: id, Recipient: args[1], Channel: channel, Outcome: outcome, Note: note, Actor: a.actor, At: when})
			if err != nil {
				return err
			}
			if logged.Held != nil {
				return a.printHeld(logged.Held)
			}
			if a.format == "json" {
				return writeJSON(a.stdout, logged.Attempt)
			}
			fmt.Fprintf(a.stdout, "Recorded: %s by %s, %s.\n", logged.Recipient.Key, channel, outcome)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&channel, "channel", "", "phone, letter, email or in-person")
	f.StringVar(&outcome, "outcome", "", "reached, no-answer, voicemail, wrong-number, returned, refused, or waived")
	f.StringVar(&note, "note", "", "what was said; for waived, the reason (required)")
	f.StringVar(&at, "at", "", "when it happened, RFC 3339 (default now; a time in the future is refused)")
	return cmd
}

func (a *app) notifyReportsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "reports PATH...",
		Short: "Read delivery reports (bounces, DSNs) from .eml files, maildirs or mbox files",
		Long: `Read delivery status notifications (RFC 3464) and record what they say:
a failed delivery marks the recipient bounced, so that coverage routes them
to another channel; a successful one marks the notice delivered. PATH is a
message file, an mbox file, or a directory (a maildir, or any tree of .eml
files). Messages that are not delivery reports are skipped and listed.
"leakdesk serve --webhook-token" takes the same reports over HTTP.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return leakdesk.Errorf(leakdesk.EINVALID, "reports needs at least one file or directory")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			svc, err := a.campaigns(ctx, nil)
			if err != nil {
				return err
			}
			res, err := svc.ReadReports(ctx, args...)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, res)
			}
			fmt.Fprintf(a.stdout, "%d message(s) read: %d report(s), %d bounced, %d delivered; %d on messages leakdesk did not send; %d refused (another recipient); %d not delivery reports.\n",
				res.Files, res.Reports, res.Bounced, res.Delivered, len(res.Unknown), len(res.Refused), len(res.Skipped))
			for _, r := range res.Refused {
				fmt.Fprintf(a.stdout, "refused: %s\n", r)
			}
			return nil
		},
	}
	return cmd
}
