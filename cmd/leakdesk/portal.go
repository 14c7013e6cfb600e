package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/store"
)

func (a *app) portalCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "portal",
		Short: "The affected organisations' portal: links, and the questions asked there",
		Long: `Each affected organisation gets one private link to a page about that
organisation only: its people in the leak and their fields, the facts marked
public, the notices sent, a way to acknowledge and to ask a question.
Questions are tasks, answered here or in the console. See docs/console.md.`,
	}
	cmd.AddCommand(a.portalLinkCommand(), a.portalRevokeCommand(), a.portalQuestionsCommand(), a.portalAnswerCommand())
	return cmd
}

func (a *app) portal(cmd *cobra.Command) (*store.PortalService, error) {
	db, err := a.openDB(cmd.Context())
	if err != nil {
		return nil, err
	}
	return store.NewPortalService(db), nil
}

func (a *app) portalLinkCommand() *cobra.Command {
	var org, baseURL string
	var days int
	var insecure bool
	cmd := &cobra.Command{
		Use:   "link ID --org ORG --base-url URL [--days 90]",
		Short: "Make an organisation's portal link; prints it once",
		Long: `Make the private link of an organisation whose people are among the
incident's recipients. The link is printed here and stored only as a hash;
notices and updates carry it to the organisation's contacts. It works for
--days, unless revoked. Making a link again withdraws the organisation's
earlier ones, as those already mailed.`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			if err := notify.CheckLinkBase(baseURL, insecure); err != nil {
				return err
			}
			svc, err := a.portal(cmd)
			if err != nil {
				return err
			}
			link, secret, err := svc.IssuePortalLink(cmd.Context(), id, org, time.Duration(days)*24*time.Hour, a.actor)
			if err != nil {
				return err
			}
			url := notify.PortalURL(baseURL, secret)
			if a.format == "json" {
				return writeJSON(a.stdout, struct {
					*leakdesk.PortalLink
					URL string `json:"url"`
				}{link, url})
			}
			fmt.Fprintf(a.stdout, "portal link %d for %s (%s), expires %s\n%s\n", link.ID, link.Organisation, link.OrgID, showTime(link.ExpiresAt, time.UTC), url)
			fmt.Fprintln(a.stderr, "leakdesk: this link is shown once here, and carried by the notices sent from now on; anyone with it reads the organisation's page.")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&org, "org", "", "the organisation's ID, as in the findings")
	f.StringVar(&baseURL, "base-url", "", "the address the server is reached at, such as https://leakdesk.example.org")
	f.BoolVar(&insecure, "insecure-links", false, "allow a plain http:// base URL to another machine")
	f.IntVar(&days, "days", int(leakdesk.DefaultPortalLifetime/(24*time.Hour)), "how many days the link works")
	return cmd
}

func (a *app) portalRevokeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID LINK",
		Short: "Withdraw a portal link at once",
		Args:  exactArgs("ID", "LINK"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, link, err := incidentAndNumber(args, "link")
			if err != nil {
				return err
			}
			svc, err := a.portal(cmd)
			if err != nil {
				return err
			}
			return svc.RevokePortalLink(cmd.Context(), id, link, a.actor)
		},
	}
}

func (a *app) portalQuestionsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "questions ID",
		Short: "List the questions asked through the portal, open ones first",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			svc, err := a.portal(cmd)
			if err != nil {
				return err
			}
			list, err := svc.Questions(cmd.Context(), id)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, list)
			}
			t := newTable(a.stdout, "ID", "ORG", "ASKED", "QUESTION", "ANSWER")
			for _, q := range list {
				answer := "(open)"
				if !q.Open() {
					answer = q.Answer + " (" + q.AnsweredBy + ")"
				}
				t.row(strconv.FormatInt(q.ID, 10), q.OrgID, showTime(q.AskedAt, time.UTC), q.Text, answer)
			}
			return t.flush()
		},
	}
}

func (a *app) portalAnswerCommand() *cobra.Command {
	var nf notifyFlags
	cmd := &cobra.Command{
		Use:   "answer ID QUESTION TEXT [--from ADDR --smtp URL | --outbox DIR]",
		Short: "Answer a question; the organisation's page shows it, the timeline records it, and with --from it is mailed to whom the asker chose",
		Long: `Answer a question asked through an organisation's portal. The page shows
the answer and the timeline records it. When the asker chose who gets the
answer, it is mailed to them with --from, through --smtp or into --outbox,
once, as the console mails it; without --from it is only recorded.`,
		Args: exactArgs("ID", "QUESTION", "TEXT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, question, err := incidentAndNumber(args, "question")
			if err != nil {
				return err
			}
			if nf.from == "" {
				svc, err := a.portal(cmd)
				if err != nil {
					return err
				}
				q, err := svc.AnswerQuestion(cmd.Context(), id, question, args[2], a.actor, nil)
				if err != nil {
					return err
				}
				if q.ReplyTo != 0 {
					fmt.Fprintln(a.stderr, "leakdesk: the asker wanted the answer by e-mail and it is not mailed: give --from (and --smtp or --outbox) to mail it, or tell them another way.")
				}
				return nil
			}
			campaigns, err := a.campaigns(cmd.Context(), &nf)
			if err != nil {
				return err
			}
			dc := a.dispatchConfig(&nf)
			q, err := campaigns.Answer(cmd.Context(), notify.AnswerRequest{Incident: id, Question: question, Text: args[2], Actor: a.actor, SMTP: dc.SMTP, Outbox: dc.Outbox})
			if err != nil {
				return err
			}
			if q.AnswerNotice != 0 {
				fmt.Fprintf(a.stdout, "answer mailed (notice %d)\n", q.AnswerNotice)
			}
			return nil
		},
	}
	nf.registerComposing(a, cmd)
	nf.registerSending(a, cmd)
	return cmd
}

// incidentAndNumber reads an incident ID and a positive number named what.
func incidentAndNumber(args []string, what string) (int64, int64, error) {
	id, err := leakdesk.ParseIncidentID(args[0])
	if err != nil {
		return 0, 0, err
	}
	n, err := strconv.ParseInt(args[1], 10, 64)
	if err != nil || n < 1 {
		return 0, 0, leakdesk.Errorf(leakdesk.EINVALID, "%s %q is not a number", what, args[1])
	}
	return id, n, nil
}
