package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/status"
	"github.com/leakdesk/leakdesk/store"
)

func (a *app) incidentStatusCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "status ID",
		Short: "Show the incident on one page: clocks, findings, source, assessment, missing facts, coverage, unfiled obligations, and what to run next",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			st, err := a.status(cmd.Context(), id)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, st)
			}
			return printStatus(a.stdout, st)
		},
	}
}

// status assembles the incident's status page from the services.
func (a *app) status(ctx context.Context, id int64) (*status.Status, error) {
	incidents, err := a.incidentStore(ctx)
	if err != nil {
		return nil, err
	}
	ev, err := a.evidence(ctx)
	if err != nil {
		return nil, err
	}
	r, err := a.loadRules()
	if err != nil {
		return nil, err
	}
	svc := &status.Services{Incidents: incidents, Findings: store.NewFindingsService(a.db), Notices: store.NewNoticeService(a.db), Evidence: ev, Rules: r}
	return svc.Status(ctx, id, a.now())
}

func printStatus(w io.Writer, st *status.Status) error {
	loc := (&leakdesk.Incident{TimeZone: st.TimeZone}).Location()
	fmt.Fprintf(w, "%s  %s  [%s]\n", st.Incident, st.Title, st.State)
	fmt.Fprintf(w, "  aware at  %s; %d piece(s) of evidence; as of %s\n", showTime(st.AwareAt, loc), st.Evidence, showTime(st.AsOf, loc))

	fmt.Fprintln(w, "\nClocks, next first")
	t := newTable(w, "  OBLIGATION", "ARTICLE", "DUE", "LEFT", "STATUS")
	for _, c := range st.Clocks {
		state := c.Status
		if !c.FiledAt.IsZero() {
			state += ", filed " + showTime(c.FiledAt, loc)
		}
		t.row("  "+c.Obligation, c.Article, showTime(c.Due, loc), orDash(c.Left), state)
	}
	if err := t.flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nFindings")
	if f := st.Findings; f != nil {
		fmt.Fprintf(w, "  %d affected contacts of %d organisations, %d former contacts, %d unknown; %d rows to review", f.Affected, f.Organisations, f.Former, f.Unknown, f.ReviewRows)
		if f.Unread > 0 {
			fmt.Fprintf(w, "; %d file(s) not read", f.Unread)
		}
		fmt.Fprintln(w, ".")
	} else {
		fmt.Fprintln(w, "  matching has not run.")
	}

	fmt.Fprintln(w, "\nSource")
	if s := st.Source; s != nil {
		fmt.Fprintf(w, "  %s\n  (verdict %s; leak %s; traced %s)\n", s.Note, s.Verdict, s.Leak, showTime(s.At, loc))
		if s.Dating != "" {
			fmt.Fprintf(w, "  dating: %s\n", s.Dating)
		}
	} else {
		fmt.Fprintln(w, "  not traced yet.")
	}

	fmt.Fprintln(w, "\nAssessment")
	if as := st.Assessment; as.Confirmed {
		fmt.Fprintf(w, "  confirmed by %s, %s: %s", as.By, showTime(as.At, loc), as.Band)
		if as.Score > 0 {
			fmt.Fprintf(w, " (SE %g)", as.Score)
		}
		fmt.Fprintf(w, "; authority: %s (%s); data subjects: %s (%s)\n", as.Authority, as.AuthorityBy, as.Subjects, as.SubjectsBy)
		for _, q := range as.Unanswered {
			fmt.Fprintf(w, "  answer: %s\n", q)
		}
	} else {
		fmt.Fprintln(w, "  not confirmed.")
	}

	fmt.Fprintln(w, "\nMissing facts")
	if len(st.MissingFacts) == 0 {
		fmt.Fprintln(w, "  none.")
	} else {
		t := newTable(w, "  FACT", "MISSING IN", "NEEDED BY")
		for _, m := range st.MissingByFact() {
			t.row("  "+m.Fact, strings.Join(m.Languages, ", "), strings.Join(m.For, ", "))
		}
		if err := t.flush(); err != nil {
			return err
		}
	}

	fmt.Fprintln(w, "\nNotices")
	if c := st.Coverage; c != nil {
		fmt.Fprintf(w, "  %d notice(s); %d recipient(s): %s.\n", c.Notices, c.Summary.All.Recipients, c.Words)
		if c.NotInAudience > 0 {
			fmt.Fprintf(w, "  %d affected contact(s) not in the audience yet.\n", c.NotInAudience)
		}
		if c.FormerNotInAudience > 0 {
			fmt.Fprintf(w, "  %d former contact(s) not in the audience (telling them is a choice: notify send --former).\n", c.FormerNotInAudience)
		}
		fmt.Fprintf(w, "  %s\n", c.Conclusion)
	} else {
		fmt.Fprintln(w, "  no audience yet.")
	}

	fmt.Fprintln(w, "\nNot yet filed")
	if len(st.Unfiled) == 0 {
		fmt.Fprintln(w, "  nothing.")
	}
	for _, u := range st.Unfiled {
		fmt.Fprintf(w, "  %s (%s): %s\n", u.Obligation, u.Article, u.Status)
		if u.Done != "" {
			fmt.Fprintf(w, "    done: %s\n    record it as filed: %s\n", u.Done, u.Record)
		}
	}

	fmt.Fprintln(w)
	for _, n := range st.Next {
		fmt.Fprintf(w, "next: %s\n", n)
	}
	return nil
}
