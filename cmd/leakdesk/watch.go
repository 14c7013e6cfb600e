package main

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/watch"
)

// alertFlags say where alerts go; watch and decoy-smtp share them.
type alertFlags struct {
	smtp, from, to, webhook string
	alertMin                int
	role, regimes           string // of the incidents alerts propose
}

func (f *alertFlags) add(cmd *cobra.Command, a *app) {
	cmd.Flags().StringVar(&f.from, "from", a.getenv("LEAKDESK_FROM"), `who alerts come from, "Name <address>" (env LEAKDESK_FROM)`)
	f.addChannels(cmd, a)
}

// addChannels adds the flags of add but --from, for a command that has
// its own.
func (f *alertFlags) addChannels(cmd *cobra.Command, a *app) {
	cmd.Flags().StringVar(&f.smtp, "smtp", a.getenv("LEAKDESK_SMTP"), "SMTP server alerts are mailed through, smtp[s]://[user:password@]host[:port] (env LEAKDESK_SMTP)")
	f.addAlertTargets(cmd, a)
}

// addAlertTargets adds the alert flags other than the mail server, for a
// command whose --smtp also sends notices (serve).
func (f *alertFlags) addAlertTargets(cmd *cobra.Command, a *app) {
	fl := cmd.Flags()
	fl.StringVar(&f.to, "alert-to", a.getenv("LEAKDESK_ALERT_TO"), "address alerts are mailed to (env LEAKDESK_ALERT_TO)")
	fl.StringVar(&f.webhook, "webhook", a.getenv("LEAKDESK_ALERT_WEBHOOK"), "URL a JSON alert is POSTed to (env LEAKDESK_ALERT_WEBHOOK)")
	fl.IntVar(&f.alertMin, "alert-min", 10, "registry contacts a file must hold to raise an alert")
	fl.StringVar(&f.role, "propose-role", leakdesk.RoleController, "the organisation's GDPR role in the incidents alerts propose: controller or processor")
	fl.StringVar(&f.regimes, "propose-regime", "gdpr", "comma-separated regimes of the incidents alerts propose")
}

// config returns where alerts go, and refuses settings that reach nobody.
func (f *alertFlags) config() (watch.AlertConfig, error) {
	cfg, err := f.channels()
	if err == nil && len(cfg.Channels()) == 0 {
		err = leakdesk.Errorf(leakdesk.EINVALID, "alerts would reach nobody: give --smtp with --alert-to, or --webhook")
	}
	return cfg, err
}

// channels returns where alerts go, which may be nowhere.
func (f *alertFlags) channels() (watch.AlertConfig, error) {
	cfg := watch.AlertConfig{To: f.to, Webhook: f.webhook}
	if f.smtp != "" && f.to != "" {
		smtp, err := notify.ParseSMTPURL(f.smtp)
		if err != nil {
			return cfg, err
		}
		if cfg.From, err = parseFrom(f.from); err != nil {
			return cfg, err
		}
		cfg.Mail = notify.NewSMTPDialer(smtp)
	}
	return cfg, nil
}

func (a *app) watchCommand() *cobra.Command {
	var (
		alerts   alertFlags
		registry string
		settle   time.Duration
		rescue   time.Duration
		dist     intakeDistributeFlags
	)
	cmd := &cobra.Command{
		Use:   "watch DIR... --registry FILE",
		Short: "Take in files dropped in directories, match them and raise alerts",
		Long: `watch takes in every file dropped in the directories, once it has not
changed for --settle, keeps it as evidence, matches it against the registry,
and alerts by mail and webhook when it holds at least --alert-min registry
contacts and is not mostly an earlier file. Taken files move to DIR/.taken.
With --distribute, files of at least --distribute-min bytes are cut into
pieces that "leakdesk worker" processes match (see docs/distributed.md).
It runs until interrupted; work left by a crash resumes at the next start.
See docs/watch.md.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, dirs []string) error {
			if err := requireFlags(cmd, "registry"); err != nil {
				return err
			}
			acfg, err := alerts.config()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			distribute, err := dist.distribution(ctx, a)
			if err != nil {
				return err
			}
			desk, err := a.watchDesk(ctx, &alerts, watch.Config{Triage: watch.TriageConfig{Registry: registry, AlertMin: alerts.alertMin}, Alerts: acfg, RescueAfter: rescue,
				Distribute: distribute})
			if err != nil {
				return err
			}
			drops := watch.NewDropDirs(desk.Intake, dirs, settle, a.principal, a.logger)
			drops.Taken = func(path string, r *watch.Received) { fmt.Fprintln(a.stdout, r) }
			return runDesk(ctx, desk, drops.Run)
		},
	}
	alerts.add(cmd, a)
	cmd.Flags().StringVar(&registry, "registry", "", "the registry files are matched against")
	cmd.Flags().DurationVar(&settle, "settle", 2*time.Second, "how long a file's size and modification time must stay unchanged before it is taken")
	cmd.Flags().DurationVar(&rescue, "rescue-after", time.Hour, "how long a job may run before it is taken as cut short by a crash and worked again")
	dist.register(cmd)
	return cmd
}

// watchDesk opens the store and the vault and wires the watch desk, whose
// alerts propose incidents as f says.
func (a *app) watchDesk(ctx context.Context, f *alertFlags, cfg watch.Config) (*watch.Desk, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.Proposals.Incidents, err = a.incidents(ctx); err != nil {
		return nil, err
	}
	cfg.Proposals.Template = leakdesk.Incident{Role: f.role, Regimes: strings.Split(f.regimes, ",")}
	check := cfg.Proposals.Template
	check.Title = "each alert titles its own"
	if err := check.Validate(); err != nil {
		return nil, err
	}
	cfg.Proposals.Actor = a.actor
	cfg.Alarms = store.NewDecoyAlarmService(db)
	v, err := a.openVault()
	if err != nil {
		return nil, err
	}
	if cfg.Proposals.Kept, err = store.NewKeptFileService(db, v); err != nil {
		return nil, err
	}
	cfg.Rescues = rescuesBut("watch", cfg.RescueAfter)
	// Each file is kept under a key of its own, so that it can be shredded.
	return watch.NewDesk(ctx, db.SQL(), db.Dialect(), store.NewTriageService(db), v.Cases(), cfg, a.logger)
}

// alertDesk wires the watch desk with the alerts of f, which may go
// nowhere: the proposed incident is opened all the same.
func (a *app) alertDesk(ctx context.Context, f *alertFlags, triage watch.TriageConfig, dist *watch.Distribution) (*watch.Desk, error) {
	acfg, err := f.channels()
	if err != nil {
		return nil, err
	}
	triage.AlertMin = f.alertMin
	return a.watchDesk(ctx, f, watch.Config{Triage: triage, Alerts: acfg, Distribute: dist})
}

// runDesk works the desk's jobs while serve runs, then lets running jobs
// finish. A job cut short by a crash is worked again at the next start.
func runDesk(ctx context.Context, desk *watch.Desk, serve func(context.Context) error) error {
	if err := desk.Queue.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	err := serve(ctx)
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	return cmp.Or(err, desk.Queue.Stop(stopCtx))
}
