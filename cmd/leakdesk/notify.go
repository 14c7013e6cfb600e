package main

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/store"
)

func (a *app) notifyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify",
		Short: "Tell every affected person, once per notice, and track who is reached",
		Long: `Notices go to the incident's audience: every affected contact of its latest
findings (with the registry's address, phone and language) and the other
recipients added with "notify recipients --add". Each notice is written to
an outbox row per recipient in the same transaction as its jobs (River), so
that nobody is skipped or told twice, even if the sender is killed.

Without --smtp, messages are written as .eml files to the outbox directory
(DATA/outbox), so everything runs with nothing configured.`,
		Args: noArgs,
	}
	cmd.AddCommand(a.notifyPlanCommand(), a.notifyPreviewCommand(), a.notifySendCommand(), a.notifyUpdateCommand(),
		a.notifyRecipientsCommand(), a.notifyCoverageCommand(), a.notifyLogContactCommand(), a.notifyReportsCommand())
	return cmd
}

// notifyFlags are the settings of composing and sending notices.
type notifyFlags struct {
	registry    string
	templates   string
	from        string
	smtp        string
	outbox      string
	baseURL     string
	connections int
	batch       int
	lease       time.Duration
	former      bool
	// insecureLinks sends acknowledgement links on plain http:// to
	// another machine.
	insecureLinks bool
}

func (f *notifyFlags) register(a *app, cmd *cobra.Command, sending bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.registry, "registry", "", "read addresses and languages again from this registry (default: as the findings recorded them)")
	f.registerComposing(a, cmd)
	fl.BoolVar(&f.former, "former", false, "also tell the former contacts of the findings (no longer in the registry), with what the past export or the leak holds")
	if sending {
		f.registerSending(a, cmd)
	}
}

// registerSending adds the flags of how messages leave, for the notify
// commands that send and for serve.
func (f *notifyFlags) registerSending(a *app, cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.smtp, "smtp", a.getenv("LEAKDESK_SMTP"), "SMTP server, smtp[s]://[user:password@]host[:port][?tls=...&rate=N&timeout=15s] (env LEAKDESK_SMTP); empty writes .eml files to --outbox")
	fl.StringVar(&f.outbox, "outbox", "", "directory for .eml files when no SMTP server is set (default DATA/outbox)")
	fl.IntVar(&f.connections, "connections", 4, "SMTP connections used at once")
	fl.IntVar(&f.batch, "batch", 0, "deliveries per queued job (default: by campaign, about 4 jobs per connection, at most 200 deliveries each)")
	fl.BoolVar(&f.insecureLinks, "insecure-links", false, "send acknowledgement links on plain http:// to a host other than this machine (anyone on the way could read and use them)")
	fl.DurationVar(&f.lease, "lease", 0, "how long a message in flight is held before another sender may take its sender for dead (default 2m, or what the SMTP timeout and rate need: two messages' time)")
}

// registerComposing adds the flags that composing notices needs, for the
// notify commands and for serve.
func (f *notifyFlags) registerComposing(a *app, cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.templates, "templates", a.getenv("LEAKDESK_TEMPLATES"), "directory of templates that add to or replace the builtin ones (env LEAKDESK_TEMPLATES)")
	fl.StringVar(&f.from, "from", a.getenv("LEAKDESK_FROM"), `who notices come from, "Name <address>" (env LEAKDESK_FROM)`)
	fl.StringVar(&f.baseURL, "base-url", a.envOr("LEAKDESK_BASE_URL", "http://localhost:8080"), "public URL of leakdesk serve, for acknowledgement links (env LEAKDESK_BASE_URL)")
}

// campaigns opens the campaign service. With nf, it can also compose
// notices: --from, the templates and the acknowledgement key are read.
func (a *app) campaigns(ctx context.Context, nf *notifyFlags) (*notify.Campaigns, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	incidents, err := a.incidentStore(ctx)
	if err != nil {
		return nil, err
	}
	deps := notify.Deps{Incidents: incidents, Notices: store.NewNoticeService(db), Findings: store.NewFindingsService(db),
		Approvals: store.NewApprovalService(db), DB: db.SQL(), Dialect: db.Dialect(),
		Rescues: rescuesBut("notify", 0), Logger: a.logger, Now: a.now}
	if nf == nil {
		return notify.NewCampaigns(deps), nil
	}
	if deps.Templates, err = notify.LoadTemplates(nf.templates); err != nil {
		return nil, err
	}
	if deps.From, err = parseFrom(nf.from); err != nil {
		return nil, err
	}
	if deps.Tokens, err = a.ackTokens(); err != nil {
		return nil, err
	}
	deps.BaseURL = nf.baseURL
	deps.Portal = store.NewPortalService(db)
	return notify.NewCampaigns(deps), nil
}

// audience is what the flags say of how to refresh id's audience.
func (f *notifyFlags) audience(id int64) notify.AudienceRequest {
	return notify.AudienceRequest{Incident: id, Registry: f.registry, Former: f.former}
}

func parseFrom(s string) (notify.From, error) {
	if strings.TrimSpace(s) == "" {
		return notify.From{}, leakdesk.Errorf(leakdesk.EINVALID, `--from is required: who notices come from, e.g. --from "Acme DPO <dpo@acme.example>" (or LEAKDESK_FROM)`)
	}
	addr, err := mail.ParseAddress(s)
	if err != nil {
		return notify.From{}, leakdesk.Errorf(leakdesk.EINVALID, "--from %q: %v", s, err)
	}
	name := addr.Name
	if name == "" {
		name = addr.Address
	}
	return notify.From{Name: name, Address: addr.Address}, nil
}

// ackTokens signs acknowledgement links with LEAKDESK_ACK_KEY, or with a
// key kept in the data directory. Instances that share a PostgreSQL store
// must share the key.
func (a *app) ackTokens() (*notify.Tokens, error) {
	key := []byte(a.getenv("LEAKDESK_ACK_KEY"))
	if len(key) == 0 {
		if err := a.ensureDataDir(); err != nil {
			return nil, err
		}
		var err error
		if key, err = loadOrCreateSecret(filepath.Join(a.dataDir, "ack.key")); err != nil {
			return nil, err
		}
	}
	tokens, err := notify.NewTokens(key)
	if err != nil {
		return nil, err
	}
	tokens.Now = a.now
	return tokens, nil
}

func (a *app) notifyPlanCommand() *cobra.Command {
	var nf notifyFlags
	var template string
	cmd := &cobra.Command{
		Use:   "plan ID [--template first]",
		Short: "Show who would get which notice, and what cannot be sent, without sending anything",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			svc, err := a.campaigns(ctx, &nf)
			if err != nil {
				return err
			}
			plan, err := svc.Plan(ctx, nf.audience(id), template)
			if err != nil {
				return err
			}
			if a.format == "json" {
				if err := writeJSON(a.stdout, plan); err != nil {
					return err
				}
				return plan.Err()
			}
			return a.printPlan(plan)
		},
	}
	nf.register(a, cmd, false)
	cmd.Flags().StringVar(&template, "template", "first", "template of the notice")
	return cmd
}

func (a *app) printPlan(plan *notify.Plan) error {
	t := newTable(a.stdout, "KEY", "NAME", "ORGANISATION", "LANG", "CHANNEL", "EXPOSED")
	withEmail := 0
	for _, e := range plan.Recipients {
		channel := e.Channel
		if channel == "email" {
			channel, withEmail = e.Recipient.Email, withEmail+1
		}
		t.row(e.Recipient.Key, e.Recipient.Name, e.Recipient.Organisation, e.Recipient.Language, channel, strings.Join(e.Exposed, ", "))
	}
	if err := t.flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\n%d recipients: %d by e-mail, %d to reach another way.\n", len(plan.Recipients), withEmail, len(plan.Recipients)-withEmail)
	if len(plan.Traps) > 0 {
		fmt.Fprintln(a.stdout, "\nNot ready:")
		for _, t := range plan.Traps {
			fmt.Fprintf(a.stdout, "  - %s\n    disarm: %s\n", t.Trap, t.Fix)
		}
	}
	if err := plan.Err(); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Ready: leakdesk notify send %s --campaign NAME --template %s\n", plan.Incident, plan.Template)
	return nil
}

func (a *app) notifyPreviewCommand() *cobra.Command {
	var nf notifyFlags
	var template, recipient, lang, message string
	var html bool
	cmd := &cobra.Command{
		Use:   "preview ID --recipient KEY [--template first] [--lang fr|en] [--html]",
		Short: "Render a notice for one recipient, as it would be sent",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := requireFlags(cmd, "recipient"); err != nil {
				return err
			}
			id, err := leakdesk.ParseIncidentID(args[0])
			if err != nil {
				return err
			}
			body, err := readMessage(message)
			if err != nil {
				return err
			}
			svc, err := a.campaigns(ctx, &nf)
			if err != nil {
				return err
			}
			p, err := svc.Preview(ctx, notify.PreviewRequest{AudienceRequest: nf.audience(id), Template: template, Recipient: recipient, Language: lang, Message: body})
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, p)
			}
			if html {
				fmt.Fprint(a.stdout, p.HTML)
				return nil
			}
			fmt.Fprintf(a.stdout, "To: %s <%s>\nSubject: %s\nContent-Language: %s\n\n%s", p.Name, p.To, p.Subject, p.Language, p.Text)
			if len(p.MissingFacts) > 0 {
				fmt.Fprintf(a.stderr, "warning: facts still missing, shown empty: %s\n", strings.Join(p.MissingFacts, ", "))
			}
			return nil
		},
	}
	nf.register(a, cmd, false)
	f := cmd.Flags()
	f.StringVar(&template, "template", "first", "template of the notice")
	f.StringVar(&recipient, "recipient", "", "the recipient: contact ID or e-mail address")
	f.StringVar(&lang, "lang", "", "render in this language instead of the recipient's")
	f.StringVar(&message, "message", "", "file holding an update's text, to preview an update")
	f.BoolVar(&html, "html", false, "print the HTML part instead of the text")
	return cmd
}

func readMessage(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", leakdesk.Errorf(leakdesk.EINVALID, "--message: %v", err)
	}
	if strings.TrimSpace(string(b)) == "" {
		return "", leakdesk.Errorf(leakdesk.EINVALID, "--message %s is empty", path)
	}
	return strings.TrimSpace(string(b)), nil
}

func (a *app) notifySendCommand() *cobra.Command {
	var nf notifyFlags
	var campaign, template string
	cmd := &cobra.Command{
		Use:   "send ID --campaign NAME [--template first] [--smtp URL | --outbox DIR]",
		Short: "Send the first notice to the whole audience, or resume a campaign that stopped",
		Long: `Send the first notice: the audience is refreshed from the latest findings,
the template and facts are checked for every language, and the SMTP server
is reached once, all before anything is queued. Each recipient then gets
one delivery, queued with its job in one transaction.

Running send again with the same --campaign joins it: only what is not yet
sent is sent, so a campaign stopped by a crash, a kill or Ctrl-C is resumed
this way. Messages that were in flight when a sender died go again, under
the same Message-ID, once their lease (--lease) runs out.`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "campaign"); err != nil {
				return err
			}
			return a.sendAndPrint(cmd.Context(), &nf, args[0], &leakdesk.Notice{Campaign: campaign, Kind: leakdesk.NoticeFirst, Template: template})
		},
	}
	nf.register(a, cmd, true)
	cmd.Flags().StringVar(&campaign, "campaign", "", "name of the campaign; the same name resumes it")
	cmd.Flags().StringVar(&template, "template", "first", "template of the notice")
	return cmd
}

func (a *app) notifyUpdateCommand() *cobra.Command {
	var nf notifyFlags
	var campaign, template, message string
	translations := map[string]*string{}
	cmd := &cobra.Command{
		Use:   "update ID --message FILE [--campaign NAME] [--template update]",
		Short: "Send a follow-up to everyone notified, and the first notice then the update to anyone added since",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "message"); err != nil {
				return err
			}
			body, err := readMessage(message)
			if err != nil {
				return err
			}
			notice := &leakdesk.Notice{Kind: leakdesk.NoticeUpdate, Template: template, Message: body, Translations: map[string]string{}}
			for lang, path := range translations {
				if *path == "" {
					continue
				}
				if notice.Translations[lang], err = readMessage(*path); err != nil {
					return err
				}
			}
			notice.Campaign = campaign
			return a.sendAndPrint(cmd.Context(), &nf, args[0], notice)
		},
	}
	nf.register(a, cmd, true)
	f := cmd.Flags()
	f.StringVar(&message, "message", "", "file holding the update's text (plain text; blank lines make paragraphs)")
	for _, lang := range notify.Languages {
		translations[lang] = f.String("message-"+lang, "", "file holding the update's text in "+lang+", for recipients who read "+lang)
	}
	f.StringVar(&campaign, "campaign", "", "name of the campaign; the same name resumes it (default: update- and a digest of the template and texts)")
	f.StringVar(&template, "template", "update", "template of the update")
	return cmd
}

func (a *app) sendAndPrint(ctx context.Context, nf *notifyFlags, idArg string, notice *leakdesk.Notice) error {
	id, err := leakdesk.ParseIncidentID(idArg)
	if err != nil {
		return err
	}
	res, err := a.sendNotice(ctx, nf, id, notice)
	if err != nil {
		return err
	}
	if a.format == "json" {
		return writeJSON(a.stdout, res)
	}
	return a.printCampaign(res)
}

// dispatchConfig is how the flags say messages leave: DATA/outbox when
// neither an SMTP server nor an outbox is named.
func (a *app) dispatchConfig(nf *notifyFlags) notify.DispatchConfig {
	outbox := nf.outbox
	if outbox == "" && nf.smtp == "" {
		outbox = filepath.Join(a.dataDir, "outbox")
	}
	return notify.DispatchConfig{SMTP: nf.smtp, Outbox: outbox, Connections: nf.connections, Batch: nf.batch, Lease: nf.lease, InsecureLinks: nf.insecureLinks}
}

// sendNotice runs the campaign of notice (an update's campaign is named by
// its content unless named), showing progress on a terminal.
func (a *app) sendNotice(ctx context.Context, nf *notifyFlags, id int64, notice *leakdesk.Notice) (*notify.CampaignResult, error) {
	svc, err := a.campaigns(ctx, nf)
	if err != nil {
		return nil, err
	}
	stopSigning, err := a.signWhileRunning(ctx)
	if err != nil {
		return nil, err
	}
	defer stopSigning()
	dc := a.dispatchConfig(nf)
	req := notify.SendRequest{AudienceRequest: nf.audience(id), Notice: notice, Actor: a.actor, SMTP: dc.SMTP, Outbox: dc.Outbox,
		Connections: dc.Connections, Batch: dc.Batch, Lease: dc.Lease, InsecureLinks: dc.InsecureLinks}
	term, isTerm := a.terminal()
	if isTerm {
		req.Progress = func(done, total int) {
			fmt.Fprintf(term, "\rsending %q: %d of %d done", notice.Campaign, done, total)
			if done == total {
				fmt.Fprintln(term)
			}
		}
	}
	send := svc.Send
	if notice.Kind == leakdesk.NoticeUpdate {
		send = svc.Update
	}
	res, err := send(ctx, req)
	if errors.Is(err, context.Canceled) {
		if isTerm {
			fmt.Fprintln(term)
		}
		fmt.Fprintf(a.stderr, "stopped; run the same command again to resume campaign %q\n", notice.Campaign)
	}
	return res, err
}

func (a *app) printCampaign(res *notify.CampaignResult) error {
	verb := "Sent"
	if res.Joined {
		verb = "Resumed and finished"
	}
	fmt.Fprintf(a.stdout, "%s campaign %q (%s notice %d of %s) via %s in %.1fs.\n", verb, res.Campaign, res.Kind, res.Notice, res.Incident, res.Via, res.Seconds)
	t := newTable(a.stdout, "STATE", "DELIVERIES")
	for _, s := range []string{leakdesk.DeliverySent, leakdesk.DeliveryDone, leakdesk.DeliveryBounced, leakdesk.DeliveryFailed} {
		if res.States[s] > 0 {
			t.row(s, fmt.Sprint(res.States[s]))
		}
	}
	if err := t.flush(); err != nil {
		return err
	}
	if res.Uncertain > 0 {
		fmt.Fprintf(a.stdout, "%d message(s) were in flight when a sender died and went again under the same Message-ID.\n", res.Uncertain)
	}
	if len(res.Problems) > 0 {
		fmt.Fprintf(a.stdout, "\n%d recipient(s) not reached by e-mail:\n", len(res.Problems))
		for _, p := range res.Problems {
			fmt.Fprintln(a.stdout, "  "+p)
		}
	}
	fmt.Fprintf(a.stdout, "\nCoverage: leakdesk notify coverage %s\n", res.Incident)
	return nil
}
