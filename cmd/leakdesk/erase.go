package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

func (a *app) incidentEraseCommand() *cobra.Command {
	var subject string
	cmd := &cobra.Command{
		Use:   "erase ID --subject KEY",
		Short: "Erase what the incident holds about one person; the timeline still verifies",
		Long: `Erases the personal values the incident holds about the recipient whose key
is KEY (the registry's contact ID, or the key "notify recipients" shows): the
values its events refer to, with their salts, and the copies in the side tables
and the findings. The key stays, as a pseudonym. The erasure is an event that
names who did it, not the values; verify then reports them as erased.`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if subject == "" {
				return leakdesk.Errorf(leakdesk.EINVALID, "erase needs --subject KEY, the recipient's key")
			}
			return a.erase(cmd, args[0], func(svc *store.IncidentService, id int64) (*leakdesk.ErasureOutcome, error) {
				return svc.ErasePersonal(cmd.Context(), id, subject, a.actor)
			})
		},
	}
	cmd.Flags().StringVar(&subject, "subject", "", "the key of the recipient whose data is erased")
	return cmd
}

func (a *app) incidentRetainCommand() *cobra.Command {
	var until string
	cmd := &cobra.Command{
		Use:   "retain ID --until DATE",
		Short: "Erase every personal value of a closed incident once its retention period has ended",
		Long: `Erases every personal value of a closed incident, about every recipient, when
its retention period ended at DATE (YYYY-MM-DD, UTC, or RFC 3339). A date still
to come is refused: run the command on or after it, from cron for example.`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			end, err := a.parseDate("--until", until)
			if err != nil {
				return err
			}
			return a.erase(cmd, args[0], func(svc *store.IncidentService, id int64) (*leakdesk.ErasureOutcome, error) {
				return svc.ExpirePersonal(cmd.Context(), id, end, a.actor)
			})
		},
	}
	cmd.Flags().StringVar(&until, "until", "", "when the retention period ends: YYYY-MM-DD (UTC) or RFC 3339 (required)")
	return cmd
}

// parseDate reads a day (UTC midnight) or an RFC 3339 time.
func (a *app) parseDate(flag, value string) (time.Time, error) {
	if value == "" {
		return time.Time{}, leakdesk.Errorf(leakdesk.EINVALID, "%s is required", flag)
	}
	if day, err := time.Parse(time.DateOnly, value); err == nil {
		return day, nil
	}
	return a.parseTime(flag, value)
}

// erase runs one erasure of the incident named by ref and says what it did.
func (a *app) erase(cmd *cobra.Command, ref string, run func(svc *store.IncidentService, id int64) (*leakdesk.ErasureOutcome, error)) error {
	id, err := leakdesk.ParseIncidentID(ref)
	if err != nil {
		return err
	}
	svc, err := a.incidentStore(cmd.Context())
	if err != nil {
		return err
	}
	erased, err := run(svc, id)
	if err != nil {
		return err
	}
	if a.format == "json" {
		return writeJSON(a.stdout, erased)
	}
	if _, err := fmt.Fprintf(a.stdout, "incident %s: %d personal value(s) erased from the timeline's store; side-table copies overwritten; the erasure is on the timeline\n",
		leakdesk.FormatIncidentID(id), len(erased.Refs)); err != nil {
		return err
	}
	if len(erased.Remaining) == 0 {
		return nil
	}
	// Text people typed is covered by the chain: it is shown, not changed.
	fmt.Fprintf(a.stdout, "still on the timeline, typed by people: %d event(s) mention an erased value and cannot be erased:\n", len(erased.Remaining))
	for _, m := range erased.Remaining {
		fmt.Fprintf(a.stdout, "  event %d (%s)\n", m.Seq, m.Kind)
	}
	return nil
}

// printPersonalReport says, under verify's verdict, what became of the
// personal values the timeline refers to.
func (a *app) printPersonalReport(r *leakdesk.PersonalReport) {
	if r == nil {
		return
	}
	if r.Withheld > 0 {
		// A copy without values (a bundle) cannot say they are held.
		fmt.Fprintf(a.stdout, "personal values: %d referred to, not in this copy, %d erased, %d not erasable (written inline by a release before references)\n",
			r.Withheld, r.Erased, r.NotErasable)
	} else {
		fmt.Fprintf(a.stdout, "personal values: %d held and matching their hashes, %d erased, %d not erasable (written inline by a release before references)\n",
			r.Held, r.Erased, r.NotErasable)
	}
	for _, e := range r.Erasures {
		fmt.Fprintf(a.stdout, "  erased: %d value(s) at %s by %s (%s, event %d)\n", e.Values, leakdesk.CanonicalTime(e.At), e.Actor, e.Reason, e.Seq)
	}
}
