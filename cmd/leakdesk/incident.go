package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
)

func (a *app) incidentCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "incident",
		Short: "Open, inspect, verify and close incidents",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.incidentNewCommand(), a.incidentListCommand(), a.incidentShowCommand(), a.incidentStatusCommand(), a.incidentAwareCommand(), a.incidentConfirmCommand(),
		a.incidentNoteCommand(), a.incidentFactCommand(), a.incidentLogCommand(), a.incidentVerifyCommand(), a.incidentCloseCommand(), a.incidentReopenCommand(), a.incidentShredCommand(),
		a.incidentEraseCommand(), a.incidentRetainCommand())
	a.addProofCommands(cmd)
	return cmd
}

func (a *app) incidentNewCommand() *cobra.Command {
	var title, awareAt, discoveredBy, role, regimes, country, tz string
	cmd := &cobra.Command{
		Use:   "new --title T [--aware-at TIME]",
		Short: "Open an incident; prints its ID",
		Long: `Open an incident. The awareness time starts the legal clocks: GDPR Art. 33
gives 72 hours from it, NIS2 Art. 23 24 hours for the early warning. Give it
as RFC 3339 with an offset, or "now". Without it the clocks show as not
started until "leakdesk incident aware" records it.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "title"); err != nil {
				return err
			}
			ctx := cmd.Context()
			r, err := a.loadRules()
			if err != nil {
				return err
			}
			inc := &leakdesk.Incident{Title: title, DiscoveredBy: discoveredBy, Role: role, Country: strings.ToUpper(country), TimeZone: tz}
			if awareAt != "" {
				if inc.AwareAt, err = a.parseTime("--aware-at", awareAt); err != nil {
					return err
				}
			}
			for _, id := range strings.Split(regimes, ",") {
				inc.Regimes = append(inc.Regimes, strings.TrimSpace(strings.ToLower(id)))
			}
			// Regimes read from --rules are stored with the incident.
			if inc.RegimeFiles, err = r.ForIncident(inc.Regimes); err != nil {
				return leakdesk.Errorf(leakdesk.EINVALID, "%s", leakdesk.ErrorMessage(err))
			}
			if inc.TimeZone == "" {
				inc.TimeZone = r.TimeZone(inc.Country)
			}
			svc, err := a.incidents(ctx)
			if err != nil {
				return err
			}
			if err := svc.CreateIncident(ctx, inc, a.actor); err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, inc.View())
			}
			_, err = fmt.Fprintln(a.stdout, inc.PublicID())
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&title, "title", "", "what happened, in a line (required)")
	f.StringVar(&awareAt, "aware-at", "", "when the organisation became aware: RFC 3339 with an offset, or now")
	f.StringVar(&discoveredBy, "discovered-by", "", "who or what found the leak")
	f.StringVar(&role, "role", leakdesk.RoleController, "the organisation's GDPR role for the data: controller or processor")
	f.StringVar(&regimes, "regime", "gdpr", "comma-separated regimes whose clocks apply: gdpr, nis2")
	f.StringVar(&country, "country", "", "the organisation's country, ISO 3166 alpha-2, e.g. FR")
	f.StringVar(&tz, "tz", "", "IANA time zone for dates and calendar deadlines (default: the country's, else UTC)")
	return cmd
}

func (a *app) incidentListCommand() *cobra.Command {
	var status string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List incidents, newest first",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if status != "" && status != leakdesk.StatusOpen && status != leakdesk.StatusClosed && status != leakdesk.StatusProposed {
				return leakdesk.Errorf(leakdesk.EINVALID, "invalid --status %q: want open, proposed or closed", status)
			}
			svc, err := a.incidents(cmd.Context())
			if err != nil {
				return err
			}
			list, err := svc.FindIncidents(cmd.Context(), leakdesk.IncidentFilter{Status: status})
			if err != nil {
				return err
			}
			views := make([]leakdesk.IncidentView, len(list))
			for i, inc := range list {
				views[i] = inc.View()
			}
			if a.format == "json" {
				return writeJSON(a.stdout, views)
			}
			t := newTable(a.stdout, "ID", "STATUS", "AWARE AT", "REGIMES", "TITLE")
			for _, inc := range list {
				t.row(inc.PublicID(), inc.Status, showTime(inc.AwareAt, inc.Location()), strings.Join(inc.Regimes, ","), inc.Title)
			}
			return t.flush()
		},
	}
	cmd.Flags().StringVar(&status, "status", "", "only incidents in this state: open, proposed (opened by an alert, to confirm) or closed")
	return cmd
}

func (a *app) printIncidentReport(rep *rules.IncidentSummary) error {
	if a.format == "json" {
		return writeJSON(a.stdout, rep)
	}
	inc, loc := rep.Incident, rep.Incident.Location()
	w := a.stdout
	fmt.Fprintf(w, "%s  %s  [%s]\n", rep.ID, inc.Title, inc.Status)
	fmt.Fprintf(w, "  aware at       %s\n", showTime(inc.AwareAt, loc))
	fmt.Fprintf(w, "  role           %s\n", inc.Role)
	fmt.Fprintf(w, "  regimes        %s\n", strings.Join(inc.Regimes, ", "))
	if inc.Country != "" {
		fmt.Fprintf(w, "  country        %s (%s)\n", inc.Country, inc.TimeZone)
	}
	if inc.DiscoveredBy != "" {
		fmt.Fprintf(w, "  discovered by  %s\n", inc.DiscoveredBy)
	}
	fmt.Fprintf(w, "  timeline       %d events, head %.12s\n", inc.EventCount, inc.HeadHash)
	if !inc.ClosedAt.IsZero() {
		fmt.Fprintf(w, "  closed at      %s\n", showTime(inc.ClosedAt, loc))
	}
	fmt.Fprintln(w, "\nClocks")
	t := newTable(w, "  OBLIGATION", "ARTICLE", "TO", "DUE", "LEFT", "STATUS")
	for _, d := range rep.Deadlines {
		due := showTime(d.Due, loc)
		if d.Due.IsZero() {
			due = "-"
		}
		status := d.Status
		if d.Reason != "" {
			status += " (" + d.Reason + ")"
		}
		t.row("  "+d.Obligation, d.Article, d.To, due, orDash(d.Left), status)
	}
	if err := t.flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nEvidence (%d)\n", len(rep.Evidence))
	if len(rep.Evidence) > 0 {
		t := newTable(w, "  #", "SHA-256", "SIZE", "FILE", "SOURCE")
		for _, e := range rep.Evidence {
			t.row(fmt.Sprintf("  %d", e.ID), e.SHA256[:16], showBytes(e.Size), e.Filename, e.Source)
		}
		return t.flush()
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (a *app) incidentShowCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show an incident with its legal clocks and evidence",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			svc, err := a.rulesServices(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := svc.Summary(cmd.Context(), id, a.now())
			if err != nil {
				return err
			}
			return a.printIncidentReport(rep)
		},
	}
}

func (a *app) incidentAwareCommand() *cobra.Command {
	return a.reasonedCommand("aware ID --at TIME --reason TEXT", "Record or correct when the organisation became aware", true,
		"when the organisation became aware: RFC 3339 with an offset, or now (required)", "why this is the awareness time (required)",
		func(ctx context.Context, svc leakdesk.IncidentService, id int64, reason string, at time.Time) error {
			summary := "move the awareness time to " + at.Format(time.RFC3339) + ": " + reason
			if held, err := a.holdForApproval(ctx, id, leakdesk.ActionIncidentAware, summary, leakdesk.AwarenessRequest{At: at, Reason: reason}); held || err != nil {
				return err
			}
			return svc.SetAwareness(ctx, id, a.actor, at, reason)
		})
}

func (a *app) incidentConfirmCommand() *cobra.Command {
	var awareAt, reason string
	cmd := &cobra.Command{
		Use:   "confirm ID [--aware-at TIME] [--reason TEXT]",
		Short: "Confirm an incident that an alert proposed, keeping or correcting its awareness time",
		Long: `An alert (leakdesk watch, the intake, a decoy alarm) opens a proposed
incident whose awareness time is the alert's. Confirm it as it is, or with
--aware-at when the organisation became aware at another time; the record
keeps the proposed time, when the clock could have started, and who
confirmed. Until then it is listed as proposed. A corrected time moves the
legal clocks' start: on an incident under the two-person rule it is
recorded as a request that another account approves (leakdesk approve).`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			var at time.Time
			if awareAt != "" {
				if at, err = a.parseTime("--aware-at", awareAt); err != nil {
					return err
				}
			}
			rule, err := a.twoPersonRule(cmd.Context())
			if err != nil {
				return err
			}
			req, err := rule.Confirm(cmd.Context(), id, at, reason, a.actor)
			if err != nil {
				return err
			}
			if req != nil {
				return a.printHeld(req)
			}
			inc, err := rule.Incidents.FindIncidentByID(cmd.Context(), id)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, inc.View())
			}
			_, err = fmt.Fprintf(a.stdout, "%s confirmed: aware at %s\n", inc.PublicID(), showTime(inc.AwareAt, inc.Location()))
			return err
		},
	}
	cmd.Flags().StringVar(&awareAt, "aware-at", "", "when the organisation became aware, if not at the alert: RFC 3339 with an offset, or now")
	cmd.Flags().StringVar(&reason, "reason", "", "why this is the awareness time")
	return cmd
}

// reasonedCommand is an incident command that takes an ID, a --reason and
// an --at time (required, or else now), and makes one service call.
func (a *app) reasonedCommand(use, short string, atRequired bool, atHelp, reasonHelp string,
	call func(ctx context.Context, svc leakdesk.IncidentService, id int64, reason string, at time.Time) error) *cobra.Command {
	var reason, at string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			required := []string{"reason"}
			if atRequired {
				required = append(required, "at")
			}
			if err := requireFlags(cmd, required...); err != nil {
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
			svc, err := a.incidents(cmd.Context())
			if err != nil {
				return err
			}
			return call(cmd.Context(), svc, id, reason, when)
		},
	}
	cmd.Flags().StringVar(&at, "at", "", atHelp)
	cmd.Flags().StringVar(&reason, "reason", "", reasonHelp)
	return cmd
}

func (a *app) incidentNoteCommand() *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   `note ID "text" [--at TIME]`,
		Short: "Add a note to the timeline; --at says when it happened",
		Args:  exactArgs("ID", "TEXT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			occurred := a.now()
			if at != "" {
				if occurred, err = a.parseTime("--at", at); err != nil {
					return err
				}
			}
			svc, err := a.incidents(cmd.Context())
			if err != nil {
				return err
			}
			ev, err := leakdesk.RecordNote(cmd.Context(), svc, id, a.actor, occurred, args[1])
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, ev)
			}
			_, err = fmt.Fprintf(a.stdout, "event %d recorded\n", ev.Seq)
			return err
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "when it happened, if not now: RFC 3339 with an offset")
	return cmd
}

func (a *app) incidentLogCommand() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "log ID [--all]",
		Short: "Print the incident's timeline, each campaign's delivery changes summed up (--all: one line each)",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			svc, err := a.incidentStore(cmd.Context())
			if err != nil {
				return err
			}
			inc, err := svc.FindIncidentByID(cmd.Context(), id)
			if err != nil {
				return err
			}
			events, err := svc.FindEvents(cmd.Context(), id)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, events)
			}
			values, err := svc.PersonalValues(cmd.Context(), id)
			if err != nil {
				return err
			}
			if all {
				return a.printEvents(events, values, inc.Location())
			}
			loc := inc.Location()
			t := newTable(a.stdout, "SEQ", "OCCURRED", "RECORDED", "ACTOR", "KIND", "DETAILS")
			for _, e := range leakdesk.ReadableTimeline(events) {
				if ev := e.Event; ev != nil {
					t.row(fmt.Sprint(ev.Seq), showTime(ev.OccurredAt, loc), showTime(ev.RecordedAt, loc), ev.Actor, ev.Kind, summarise(values.ShowDetails(ev.Details), 0))
					continue
				}
				d := e.Deliveries
				var states []string
				for _, st := range d.States() {
					states = append(states, fmt.Sprintf("%s %d", st, d.ByState[st]))
				}
				t.row(fmt.Sprintf("%d-%d", d.FirstSeq, d.LastSeq), showTime(d.First, loc)+" to "+showTime(d.Last, loc), "-", "leakdesk", leakdesk.EventDeliveryChanged,
					fmt.Sprintf("campaign %s: %d deliveries (%s), %d changes (--all lists them)", d.Campaign, d.Deliveries, strings.Join(states, ", "), d.Changes))
			}
			return t.flush()
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "one line per event, delivery changes too")
	return cmd
}

// printEvents lists every event, one line each. Personal values show as stored, or "erased".
func (a *app) printEvents(events []*leakdesk.Event, values leakdesk.PersonalValues, loc *time.Location) error {
	t := newTable(a.stdout, "SEQ", "OCCURRED", "RECORDED", "ACTOR", "KIND", "DETAILS")
	for _, ev := range events {
		t.row(fmt.Sprint(ev.Seq), showTime(ev.OccurredAt, loc), showTime(ev.RecordedAt, loc), ev.Actor, ev.Kind, summarise(values.ShowDetails(ev.Details), 80))
	}
	return t.flush()
}

// summarise puts JSON details on one line for a table, shortened to max
// runes when max is not 0.
func summarise(details []byte, max int) string {
	s := strings.Join(strings.Fields(string(details)), " ")
	if r := []rune(s); max > 0 && len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

func (a *app) incidentVerifyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "verify ID",
		Short: "Recompute the timeline's hash chain and check the side tables against it; exit 7 names the first problem",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			svc, err := a.incidents(cmd.Context())
			if err != nil {
				return err
			}
			report, err := svc.VerifyTimeline(cmd.Context(), id)
			if err != nil {
				return err
			}
			if a.format == "json" {
				if err := writeJSON(a.stdout, report); err != nil {
					return err
				}
			} else if report.OK {
				fmt.Fprintf(a.stdout, "timeline intact: %d events\n", report.Events)
				a.printPersonalReport(report.Personal)
			}
			if !report.OK && report.FirstBadSeq == 0 {
				return a.recordDisagrees(id, report)
			}
			if !report.OK {
				return leakdesk.Errorf(leakdesk.EINTEGRITY, "timeline of %s is broken at event %d: %s", leakdesk.FormatIncidentID(id), report.FirstBadSeq, report.Problem)
			}
			return nil
		},
	}
}

func (a *app) incidentCloseCommand() *cobra.Command {
	var waive []string
	cmd := a.reasonedCommand(`close ID --reason TEXT [--waive OBLIGATION="reason"]...`,
		"Close an incident; refused while a legal obligation is outstanding without a recorded reason", false,
		"when it was closed, if not now", "why the incident is closed (required)",
		func(ctx context.Context, svc leakdesk.IncidentService, id int64, reason string, at time.Time) error {
			waived := map[string]string{}
			for _, w := range waive {
				o, why, ok := strings.Cut(w, "=")
				if !ok || strings.TrimSpace(why) == "" {
					return leakdesk.Errorf(leakdesk.EINVALID, "invalid --waive %q: want OBLIGATION=\"the reason it is not needed\"", w)
				}
				waived[strings.TrimSpace(o)] = why
			}
			if held, err := a.holdForApproval(ctx, id, leakdesk.ActionIncidentClose, "close: "+reason, leakdesk.CloseRequest{Reason: reason, At: at, Waived: waived}); held || err != nil {
				return err
			}
			return svc.CloseIncident(ctx, id, a.actor, reason, at, waived)
		})
	cmd.Flags().StringArrayVar(&waive, "waive", nil, `an outstanding obligation and why it is not needed, as OBLIGATION="reason" (e.g. gdpr.art34.subjects="risk not high, see the assessment")`)
	return cmd
}

func (a *app) incidentReopenCommand() *cobra.Command {
	return a.reasonedCommand("reopen ID --reason TEXT", "Reopen a closed incident; the reason and who reopened it go on the timeline", false,
		"when it was reopened, if not now", "why the incident is reopened (required)",
		func(ctx context.Context, svc leakdesk.IncidentService, id int64, reason string, at time.Time) error {
			return svc.ReopenIncident(ctx, id, a.actor, reason, at)
		})
}
