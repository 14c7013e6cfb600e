package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
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
}

func (f *notifyFlags) register(a *app, cmd *cobra.Command, sending bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.registry, "registry", "", "read addresses and languages again from this registry (default: as the findings recorded them)")
	fl.StringVar(&f.templates, "templates", a.getenv("LEAKDESK_TEMPLATES"), "directory of templates that add to or replace the builtin ones (env LEAKDESK_TEMPLATES)")
	fl.StringVar(&f.from, "from", a.getenv("LEAKDESK_FROM"), `who notices come from, "Name <address>" (env LEAKDESK_FROM)`)
	fl.BoolVar(&f.former, "former", false, "also tell the former contacts of the findings (no longer in the registry), with what the past export or the leak holds")
	fl.StringVar(&f.baseURL, "base-url", a.envOr("LEAKDESK_BASE_URL", "http://localhost:8080"), "public URL of leakdesk serve, for acknowledgement links (env LEAKDESK_BASE_URL)")
	if sending {
		fl.StringVar(&f.smtp, "smtp", a.getenv("LEAKDESK_SMTP"), "SMTP server, smtp[s]://[user:password@]host[:port][?tls=...&rate=N&timeout=15s] (env LEAKDESK_SMTP); empty writes .eml files to --outbox")
		fl.StringVar(&f.outbox, "outbox", "", "directory for .eml files when no SMTP server is set (default DATA/outbox)")
		fl.IntVar(&f.connections, "connections", 4, "SMTP connections used at once")
		fl.IntVar(&f.batch, "batch", 0, "deliveries per queued job (default: by campaign, about 4 jobs per connection, at most 200 deliveries each)")
		fl.DurationVar(&f.lease, "lease", 0, "how long a message in flight is held before another sender may take its sender for dead (default 2m, or what the SMTP timeout and rate need: two messages' time)")
	}
}

// notifier wires what composing and sending need.
type notifier struct {
	db        *store.DB
	notices   *store.NoticeService
	incidents leakdesk.IncidentService
	templates *notify.Templates
	composer  *notify.Composer
}

func (a *app) notifier(ctx context.Context, f *notifyFlags) (*notifier, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	templates, err := notify.LoadTemplates(f.templates)
	if err != nil {
		return nil, err
	}
	from, err := parseFrom(f.from)
	if err != nil {
		return nil, err
	}
	tokens, err := a.ackTokens()
	if err != nil {
		return nil, err
	}
	incidents, err := a.incidentStore(ctx)
	if err != nil {
		return nil, err
	}
	n := &notifier{db: db, notices: store.NewNoticeService(db), incidents: incidents, templates: templates}
	n.composer = &notify.Composer{Templates: templates, From: from, Tokens: tokens, BaseURL: f.baseURL, Incidents: n.incidents, Notices: n.notices, Now: a.now}
	return n, nil
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
	if k := a.getenv("LEAKDESK_ACK_KEY"); k != "" {
		return notify.NewTokens([]byte(k))
	}
	if err := a.ensureDataDir(); err != nil {
		return nil, err
	}
	key, err := loadOrCreateSecret(filepath.Join(a.dataDir, "ack.key"))
	if err != nil {
		return nil, err
	}
	return notify.NewTokens(key)
}

// audience is an incident's audience as sending would make it: the
// recipients already stored, refreshed from the latest findings and the
// registry. Nothing is stored; keep does that.
type audience struct {
	all      []*leakdesk.Recipient // everyone a notice would go to
	affected []*leakdesk.Recipient // from the findings (with former contacts, when asked), to store before sending
}

func (n *notifier) audience(ctx context.Context, incidentID int64, registry string, former bool) (*audience, error) {
	f, err := store.NewFindingsService(n.db).LatestFindings(ctx, incidentID)
	if err != nil && leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
		return nil, err
	}
	existing, err := n.notices.Recipients(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return &audience{all: existing}, nil
	}
	// The findings carry each contact's address as the registry held it at
	// matching time. The registry is read again only when named, or for
	// findings made before they carried addresses.
	var reg *match.Registry
	if registry == "" && !slices.ContainsFunc(f.Contacts, func(c leakdesk.AffectedContact) bool { return c.Email != "" || c.Phone != "" }) {
		registry = f.Registry
		if registry == "" {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "the findings do not name their registry: give --registry")
		}
	}
	if registry != "" {
		reader, err := dump.NewReader(dump.Options{})
		if err != nil {
			return nil, err
		}
		if reg, err = match.LoadRegistry(ctx, reader, match.NewNormaliser("FR"), registry, match.RegistryOptions{}); err != nil {
			return nil, err
		}
	}
	affected := notify.Audience(f, reg)
	if former {
		affected = append(affected, notify.FormerAudience(f)...)
	}
	all := slices.Clone(affected)
	byKey := map[string]bool{}
	for _, r := range affected {
		byKey[r.Key] = true
	}
	for _, r := range existing {
		if !byKey[r.Key] {
			all = append(all, r)
		}
	}
	return &audience{all: all, affected: affected}, nil
}

// keep stores the audience's recipients from the findings: new ones, and
// changes to those stored before.
func (n *notifier) keep(ctx context.Context, a *app, incidentID int64, au *audience) error {
	if len(au.affected) == 0 {
		return nil
	}
	_, err := n.notices.AddRecipients(ctx, incidentID, a.actor, au.affected)
	return err
}

// check refuses a notice that cannot be composed for everyone: an unknown
// or broken template, or facts missing in a language of the audience.
func (n *notifier) check(ctx context.Context, incidentID int64, template string, audience []*leakdesk.Recipient) error {
	if !slices.Contains(n.templates.Names(), template) {
		return leakdesk.Errorf(leakdesk.EINVALID, "no template %q: templates are %s", template, strings.Join(n.templates.Names(), ", "))
	}
	if err := n.templates.Validate(template); err != nil {
		return err
	}
	events, err := n.incidents.FindEvents(ctx, incidentID)
	if err != nil {
		return err
	}
	if problems := notify.MissingFacts(leakdesk.Facts(events), audience); len(problems) > 0 {
		return leakdesk.Errorf(leakdesk.EINVALID, "a notice must say what GDPR Art. 34(2) requires; facts missing (%s): record each with leakdesk incident fact %s KEY \"TEXT\" (or KEY.fr / KEY.en for one language)",
			strings.Join(problems, "; "), leakdesk.FormatIncidentID(incidentID))
	}
	return nil
}

// plannedAudience is the audience a notice would have now, stored nowhere.
func (a *app) plannedAudience(ctx context.Context, nf *notifyFlags, idArg string) (int64, *notifier, []*leakdesk.Recipient, error) {
	id, err := leakdesk.ParseIncidentID(idArg)
	if err != nil {
		return 0, nil, nil, err
	}
	n, err := a.notifier(ctx, nf)
	if err != nil {
		return 0, nil, nil, err
	}
	au, err := n.audience(ctx, id, nf.registry, nf.former)
	if err != nil {
		return 0, nil, nil, err
	}
	if len(au.all) == 0 {
		return 0, nil, nil, errNobody(id)
	}
	return id, n, au.all, nil
}

func errNobody(id int64) error {
	return leakdesk.Errorf(leakdesk.ENOTFOUND, "%s has nobody to notify: run leakdesk match --incident first, or add recipients", leakdesk.FormatIncidentID(id))
}

// planEntry is one line of a plan: who gets what.
type planEntry struct {
	Recipient *leakdesk.Recipient `json:"recipient"`
	Channel   string              `json:"channel"` // email, or what to try instead
	Subject   string              `json:"subject,omitempty"`
	Exposed   []string            `json:"exposed"`
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
			id, n, audience, err := a.plannedAudience(ctx, &nf, args[0])
			if err != nil {
				return err
			}
			checkErr := n.check(ctx, id, template, audience)
			events, err := n.incidents.FindEvents(ctx, id)
			if err != nil {
				return err
			}
			traps := notify.Traps(id, leakdesk.Facts(events), audience, n.composer.From, n.composer.BaseURL)
			plan := make([]planEntry, 0, len(audience))
			for _, r := range audience {
				e := planEntry{Recipient: r, Channel: "email", Exposed: notify.ExposedLabels(r.Fields, r.Language)}
				if r.Email == "" {
					e.Channel = "no address: " + (&leakdesk.CoverageEntry{Recipient: r, State: leakdesk.CoverageNoAddress}).Suggest()
				} else if checkErr == nil {
					d, _, err := n.composer.Data(ctx, &leakdesk.Notice{IncidentID: id, Template: template, Kind: leakdesk.NoticeFirst}, r)
					if err != nil {
						return err
					}
					if msg, err := n.templates.Render(template, r.Language, d); err == nil {
						e.Subject = msg.Subject
					}
				}
				plan = append(plan, e)
			}
			if checkErr == nil && len(traps) > 0 {
				checkErr = leakdesk.Errorf(leakdesk.EINVALID, "not ready: %d %s armed; disarm each as said", len(traps), plural(len(traps), "trap", "traps"))
			}
			if a.format == "json" {
				out := map[string]any{"incident": leakdesk.FormatIncidentID(id), "template": template, "recipients": plan, "ready": checkErr == nil, "traps": nonNil(traps)}
				if checkErr != nil {
					out["problem"] = leakdesk.ErrorMessage(checkErr)
				}
				if err := writeJSON(a.stdout, out); err != nil {
					return err
				}
				return checkErr
			}
			t := newTable(a.stdout, "KEY", "NAME", "ORGANISATION", "LANG", "CHANNEL", "EXPOSED")
			withEmail := 0
			for _, e := range plan {
				channel := e.Channel
				if channel == "email" {
					channel, withEmail = e.Recipient.Email, withEmail+1
				}
				t.row(e.Recipient.Key, e.Recipient.Name, e.Recipient.Organisation, e.Recipient.Language, channel, strings.Join(e.Exposed, ", "))
			}
			if err := t.flush(); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "\n%d recipients: %d by e-mail, %d to reach another way.\n", len(plan), withEmail, len(plan)-withEmail)
			if len(traps) > 0 {
				fmt.Fprintln(a.stdout, "\nNot ready:")
				for _, t := range traps {
					fmt.Fprintf(a.stdout, "  - %s\n    disarm: %s\n", t.Trap, t.Fix)
				}
			}
			if checkErr != nil {
				return checkErr
			}
			fmt.Fprintf(a.stdout, "Ready: leakdesk notify send %s --campaign NAME --template %s\n", leakdesk.FormatIncidentID(id), template)
			return nil
		},
	}
	nf.register(a, cmd, false)
	cmd.Flags().StringVar(&template, "template", "first", "template of the notice")
	return cmd
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
			id, n, audience, err := a.plannedAudience(ctx, &nf, args[0])
			if err != nil {
				return err
			}
			i := slices.IndexFunc(audience, func(r *leakdesk.Recipient) bool { return r.Key == recipient || r.Email == recipient })
			if i < 0 {
				return leakdesk.Errorf(leakdesk.ENOTFOUND, "no recipient %q in the audience of %s", recipient, leakdesk.FormatIncidentID(id))
			}
			r := *audience[i]
			if lang != "" {
				r.Language = lang
			}
			body, err := readMessage(message)
			if err != nil {
				return err
			}
			kind := leakdesk.NoticeFirst
			if body != "" {
				kind = leakdesk.NoticeUpdate
			}
			d, missing, err := n.composer.Data(ctx, &leakdesk.Notice{IncidentID: id, Template: template, Kind: kind, Message: body}, &r)
			if err != nil {
				return err
			}
			d.UpdateNumber = max(d.UpdateNumber, 1)
			msg, err := n.templates.Render(template, r.Language, d)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return writeJSON(a.stdout, map[string]any{"to": r.Email, "language": r.Language, "subject": msg.Subject, "text": msg.Text, "html": msg.HTML, "missing_facts": missing})
			}
			if html {
				fmt.Fprint(a.stdout, msg.HTML)
				return nil
			}
			fmt.Fprintf(a.stdout, "To: %s <%s>\nSubject: %s\nContent-Language: %s\n\n%s", r.Name, r.Email, msg.Subject, r.Language, msg.Text)
			if len(missing) > 0 {
				fmt.Fprintf(a.stderr, "warning: facts still missing, shown empty: %s\n", strings.Join(missing, ", "))
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
			if notice.Campaign == "" {
				// Named by its content, so that the same command resumes the same
				// update, and a different text is a new one.
				notice.Campaign = "update-" + contentID(template, body, notice.Translations)
			}
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

// contentID digests a template name and texts, in a stable order.
func contentID(template, message string, translations map[string]string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s", template, message)
	for _, lang := range slices.Sorted(maps.Keys(translations)) {
		fmt.Fprintf(h, "\x00%s\x00%s", lang, translations[lang])
	}
	return hex.EncodeToString(h.Sum(nil))[:10]
}

// campaignResult is what "notify send" and "notify update" print.
type campaignResult struct {
	Incident  string            `json:"incident"`
	Campaign  string            `json:"campaign"`
	Notice    int64             `json:"notice"`
	Kind      string            `json:"kind"`
	Joined    bool              `json:"joined"` // the campaign existed: this run resumed it
	Via       string            `json:"via"`
	States    leakdesk.Progress `json:"states"`
	Uncertain int               `json:"uncertain"` // resent after a sender died in flight
	Problems  []string          `json:"problems"`
	Seconds   float64           `json:"seconds"`
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

// sendNotice checks everything a notice needs, queues it (or joins the
// campaign of the same name), and sends until nothing is left in flight.
func (a *app) sendNotice(ctx context.Context, nf *notifyFlags, id int64, notice *leakdesk.Notice) (*campaignResult, error) {
	n, err := a.notifier(ctx, nf)
	if err != nil {
		return nil, err
	}
	var dialer notify.Dialer
	if nf.smtp != "" {
		cfg, err := notify.ParseSMTPURL(nf.smtp)
		if err != nil {
			return nil, err
		}
		least := notify.MinLease(cfg, nf.connections)
		switch {
		case nf.lease == 0:
			nf.lease = max(notify.DefaultLease, least)
		case nf.lease < least:
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "--lease %s is shorter than two messages can take at these SMTP settings (%s: six timeouts, and two turns under the rate): a slow message must not be taken for dead", nf.lease, least)
		}
		dialer = notify.NewSMTPDialer(cfg)
	} else {
		dir := nf.outbox
		if dir == "" {
			dir = filepath.Join(a.dataDir, "outbox")
		}
		dialer = &notify.OutboxDialer{Dir: dir}
	}
	// Everything is checked before anything is written: the audience as it
	// would be, its template and facts in every language, and the server.
	au, err := n.audience(ctx, id, nf.registry, nf.former)
	if err != nil {
		return nil, err
	}
	if len(au.all) == 0 {
		return nil, errNobody(id)
	}
	if err := n.check(ctx, id, notice.Template, au.all); err != nil {
		return nil, err
	}
	if err := dialer.Check(ctx); err != nil {
		return nil, err
	}
	if err := n.keep(ctx, a, id, au); err != nil {
		return nil, err
	}
	worker, err := notify.NewWorker(ctx, n.notices, n.composer, dialer, nf.connections, nf.lease, a.logger)
	if err != nil {
		return nil, err
	}
	defer worker.Close()
	queue, err := notify.NewQueue(ctx, n.db.SQL(), worker, notify.QueueConfig{Dialect: n.db.Dialect(), Connections: nf.connections, BatchSize: nf.batch, Logger: a.logger})
	if err != nil {
		return nil, err
	}
	started := time.Now()
	notice.IncidentID, notice.Actor, notice.Domain = id, a.actor, domainOf(n.composer.From.Address)
	notice, created, err := n.notices.CreateNotice(ctx, notice, queue.Enqueuer(id))
	if err != nil {
		return nil, err
	}
	res := &campaignResult{Incident: leakdesk.FormatIncidentID(id), Campaign: notice.Campaign, Notice: notice.ID, Kind: notice.Kind, Joined: !created, Via: dialer.String()}
	if !created {
		// Joining: whatever a dead or stopped sender left is queued again.
		// Jobs still queued from before are harmless: a sent delivery is
		// never claimed twice.
		ids, err := n.notices.Unfinished(ctx, notice.ID)
		if err != nil {
			return nil, err
		}
		if err := queue.Enqueue(ctx, id, notice.ID, ids); err != nil {
			return nil, err
		}
		a.logger.Info("campaign joined", "incident", id, "campaign", notice.Campaign, "unfinished", len(ids))
	}
	// The queue is stopped below, explicitly, which waits for running jobs
	// to record their outcomes. Cancelling Start's context would stop it
	// too, but without waiting: a message in flight would then be left
	// unrecorded and sent again after its lease.
	if err := queue.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, err
	}
	waitErr := a.waitForNotice(ctx, n.notices, notice)
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	stop := queue.Stop
	if ctx.Err() != nil {
		stop = queue.StopAndCancel // interrupted: no new message, not even in this batch
	}
	if err := stop(stopCtx); err != nil && waitErr == nil {
		waitErr = err
	}
	if waitErr != nil {
		if errors.Is(waitErr, context.Canceled) {
			fmt.Fprintf(a.stderr, "stopped; run the same command again to resume campaign %q\n", notice.Campaign)
		}
		return nil, waitErr
	}
	res.Seconds = time.Since(started).Seconds()
	if res.States, err = n.notices.Progress(ctx, notice.ID); err != nil {
		return nil, err
	}
	coverage, err := n.notices.Coverage(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, e := range coverage {
		if e.State == leakdesk.CoverageBounced || e.State == leakdesk.CoverageFailed || e.State == leakdesk.CoverageNoAddress {
			res.Problems = append(res.Problems, fmt.Sprintf("%s %s <%s>: %s; %s", e.Recipient.Key, e.Recipient.Name, e.Recipient.Email, e.State, e.Next))
		}
	}
	if res.Uncertain, err = n.notices.Resent(ctx, notice.ID); err != nil {
		return nil, err
	}
	return res, nil
}

func (a *app) printCampaign(res *campaignResult) error {
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

func domainOf(address string) string {
	_, domain, _ := strings.Cut(address, "@")
	return domain
}

// waitForNotice returns once none of the notice's deliveries is queued or
// in flight, showing progress on a terminal.
func (a *app) waitForNotice(ctx context.Context, notices *store.NoticeService, notice *leakdesk.Notice) error {
	term, isTerm := a.terminal()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	total := -1
	for {
		pending, err := notices.Pending(ctx, notice.ID)
		if ctx.Err() != nil {
			return ctx.Err() // interrupted, perhaps in the middle of the query
		}
		if err != nil {
			return err
		}
		if total < 0 {
			total = pending
		}
		if isTerm {
			fmt.Fprintf(term, "\rsending %q: %d of %d done", notice.Campaign, total-pending, total)
			if pending == 0 {
				fmt.Fprintln(term)
			}
		}
		if pending == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			if isTerm {
				fmt.Fprintln(term)
			}
			return ctx.Err()
		case <-tick.C:
		}
	}
}
