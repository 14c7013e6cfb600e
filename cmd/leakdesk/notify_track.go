package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/store"
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
			db, err := a.openDB(ctx)
			if err != nil {
				return err
			}
			svc := store.NewNoticeService(db)
			if add != "" {
				f, _, err := openInput(add)
				if err != nil {
					return err
				}
				defer f.Close()
				others, err := notify.ReadOthers(f, match.NewNormaliser("FR"))
				if err != nil {
					return err
				}
				added, err := svc.AddRecipients(ctx, id, a.actor, others)
				if err != nil {
					return err
				}
				if a.format != "json" {
					fmt.Fprintf(a.stdout, "%d recipient(s) read, %d new.\n", len(others), added)
					return nil
				}
			}
			list, err := svc.Recipients(ctx, id)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, map[string]any{"recipients": nonNil(list)})
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

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// coverageResult is what "notify coverage" prints.
type coverageResult struct {
	Incident  string         `json:"incident"`
	Counts    map[string]int `json:"counts"`
	Unreached int            `json:"unreached"`
	NotInList int            `json:"affected_not_in_audience"`
	// FormerNotInList counts the former contacts of the findings who could
	// be told and are not in the audience: telling them is a choice.
	FormerNotInList int                       `json:"former_not_in_audience"`
	Summary         leakdesk.CoverageSummary  `json:"summary"`
	Entries         []*leakdesk.CoverageEntry `json:"entries"`
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
			db, err := a.openDB(ctx)
			if err != nil {
				return err
			}
			res, err := coverageOf(ctx, db, id)
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

func coverageOf(ctx context.Context, db *store.DB, id int64) (*coverageResult, error) {
	entries, err := store.NewNoticeService(db).Coverage(ctx, id)
	if err != nil {
		return nil, err
	}
	res := &coverageResult{Incident: leakdesk.FormatIncidentID(id), Counts: map[string]int{}, Entries: nonNil(entries), Summary: leakdesk.SummariseCoverage(entries)}
	for _, e := range entries {
		res.Counts[e.State]++
		if e.Unreached() {
			res.Unreached++
		}
	}
	if res.NotInList, err = store.NewNoticeService(db).AffectedOutsideAudience(ctx, id); err != nil {
		return nil, err
	}
	switch f, err := store.NewFindingsService(db).LatestFindings(ctx, id); {
	case err == nil:
		res.FormerNotInList = notify.FormerOutside(f, entriesRecipients(entries))
	case leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND:
		return nil, err
	}
	return res, nil
}

func printCoverageSummary(a *app, res *coverageResult) {
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

func entriesRecipients(entries []*leakdesk.CoverageEntry) []*leakdesk.Recipient {
	out := make([]*leakdesk.Recipient, len(entries))
	for i, e := range entries {
		out[i] = e.Recipient
	}
	return out
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
the contact ID (or "other:" and the address) or the e-mail address.
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
			db, err := a.openDB(ctx)
			if err != nil {
				return err
			}
			svc := store.NewNoticeService(db)
			list, err := svc.Recipients(ctx, id)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(list, func(r *leakdesk.Recipient) bool {
				return r.Key == args[1] || (r.Email != "" && strings.EqualFold(r.Email, args[1]))
			})
			if i < 0 {
				return leakdesk.Errorf(leakdesk.ENOTFOUND, "no recipient %q in the audience of %s: see leakdesk notify recipients", args[1], leakdesk.FormatIncidentID(id))
			}
			attempt := &leakdesk.ContactAttempt{IncidentID: id, RecipientID: list[i].ID, Channel: channel, Outcome: outcome, Note: note, Actor: a.actor, At: when}
			if outcome == "waived" && strings.TrimSpace(note) != "" {
				if held, err := a.holdForApproval(ctx, id, leakdesk.ActionRecipientWaive, "waive "+list[i].Key+": "+note, attempt); held || err != nil {
					return err
				}
			}
			if err := svc.RecordContact(ctx, attempt); err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, attempt)
			}
			fmt.Fprintf(a.stdout, "Recorded: %s by %s, %s.\n", list[i].Key, channel, outcome)
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

// reportsResult is what "notify reports" prints.
type reportsResult struct {
	Files     int      `json:"files"`
	Reports   int      `json:"reports"`
	Bounced   int      `json:"bounced"`
	Delivered int      `json:"delivered"`
	Unknown   []string `json:"unknown"` // reports on messages leakdesk did not send
	// Refused are reports on our messages that name another recipient than
	// the delivery's: forged or misrouted, they change nothing.
	Refused []string `json:"refused"`
	Skipped []string `json:"skipped"` // files that are not delivery reports
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
			db, err := a.openDB(ctx)
			if err != nil {
				return err
			}
			svc := store.NewNoticeService(db)
			res := &reportsResult{Unknown: []string{}, Refused: []string{}, Skipped: []string{}}
			read := func(name string, msg []byte) error {
				reports, err := notify.ReadReport(bytes.NewReader(msg))
				if err != nil || len(reports) == 0 {
					res.Skipped = append(res.Skipped, name)
					return nil
				}
				for _, r := range reports {
					state := r.State()
					if state == "" {
						continue
					}
					res.Reports++
					if _, err := svc.ReportDelivery(ctx, r.MessageID, r.Recipients(), state, r.Detail()); err != nil {
						switch leakdesk.ErrorCode(err) {
						case leakdesk.ENOTFOUND:
							res.Unknown = append(res.Unknown, r.MessageID)
							continue
						case leakdesk.ECONFLICT:
							res.Refused = append(res.Refused, name+": "+leakdesk.ErrorMessage(err))
							continue
						}
						return err
					}
					if state == leakdesk.DeliveryBounced {
						res.Bounced++
					} else {
						res.Delivered++
					}
				}
				return nil
			}
			for _, path := range args {
				if err := readMessages(path, func(name string, msg []byte) error { res.Files++; return read(name, msg) }); err != nil {
					return err
				}
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

// readMessages calls fn with every message under path: a directory tree of
// message files, an mbox file, or one message file.
func readMessages(path string, fn func(name string, msg []byte) error) error {
	info, err := os.Stat(path)
	if err != nil {
		return leakdesk.Errorf(leakdesk.ENOTFOUND, "%v", err)
	}
	if info.IsDir() {
		return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
				return nil
			}
			return readMessages(p, fn)
		})
	}
	if info.Size() > 64<<20 && !isMbox(path) {
		return fn(path, nil) // too big to be a report: listed as skipped
	}
	if isMbox(path) {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		n := 0
		return notify.SplitMbox(f, func(msg []byte) error {
			n++
			return fn(fmt.Sprintf("%s#%d", path, n), msg)
		})
	}
	msg, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return fn(path, msg)
}

// isMbox reports whether the file starts with an mbox "From " line.
func isMbox(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var head [5]byte
	n, _ := f.Read(head[:])
	return string(head[:n]) == "From "
}
