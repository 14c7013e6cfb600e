package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/decoy"
	ldhttp "github.com/leakdesk/leakdesk/http"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/proof"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/watch"
)

func (a *app) serveCommand() *cobra.Command {
	var df dumpFlags
	var rf registryFlags
	var nf notifyFlags
	var addr, webhookToken, tlsCert, tlsKey, oidcIssuer, oidcClientID, oidcRedirectURL string
	var alerts alertFlags
	var intake bool
	var intakeMax int64
	var intakeDist intakeDistributeFlags
	var decoyAddr, decoyDomain string
	cmd := &cobra.Command{
		Use:   "serve [--addr :8080] [--tls-cert FILE --tls-key FILE]",
		Short: "Serve the JSON API, logins, acknowledgement links and delivery-report webhooks over HTTP",
		Long: `Serve the JSON API under /api/v1 (see docs/api.md), for accounts that log
in at /login or send an API token (leakdesk user token) as a bearer token,
and what recipients and mail systems reach: the acknowledgement link in
every notice (GET shows a confirmation button; only the POST it sends is
recorded, since mail scanners open links), the delivery-report webhook
POST /api/reports (enabled by --webhook-token, sent as a bearer token), and
GET /healthz. With LEAKDESK_SIGNING_KEY set, the API signs and sends
bundles; with --registry, it matches and verifies evidence; with --from,
it plans, previews and sends notices: campaigns queued through the API
are sent in the background (--smtp, or .eml files in --outbox), and one
stopped with the server resumes when it starts again. Notices'
links point to --base-url of notify send, which must reach this server. Session cookies are Secure unless the server
listens on loopback without TLS. It stops cleanly on Ctrl-C or SIGTERM.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if (tlsCert == "") != (tlsKey == "") {
				return leakdesk.Errorf(leakdesk.EINVALID, "--tls-cert and --tls-key go together: give both, or neither")
			}
			db, err := a.openDB(ctx)
			if err != nil {
				return err
			}
			tokens, err := a.ackTokens()
			if err != nil {
				return err
			}
			services, err := a.rulesServices(ctx)
			if err != nil {
				return err
			}
			accounts, err := a.accounts(ctx)
			if err != nil {
				return err
			}
			// Notices are composed (plan, preview) when --from says who
			// they come from.
			composing := &nf
			if nf.from == "" {
				composing = nil
			}
			campaigns, err := a.campaigns(ctx, composing)
			if err != nil {
				return err
			}
			// Composing servers also send, in the background, for as long
			// as they run.
			var dispatcher *notify.Dispatcher
			if composing != nil {
				if dispatcher, err = campaigns.NewDispatcher(ctx, a.dispatchConfig(&nf)); err != nil {
					return err
				}
				if err := dispatcher.Start(ctx); err != nil {
					return err
				}
				defer a.stopDispatcher(ctx, dispatcher)
			}
			var sso *ldhttp.OIDC
			if oidcIssuer != "" {
				if sso, err = ldhttp.NewOIDC(ctx, oidcIssuer, oidcClientID, a.getenv("LEAKDESK_OIDC_CLIENT_SECRET"), oidcRedirectURL, accounts); err != nil {
					return err
				}
			}
			var signer *proof.Service
			if a.getenv("LEAKDESK_SIGNING_KEY") != "" {
				if signer, err = a.proofService(ctx, sign); err != nil {
					return err
				}
			}
			if err := a.ensureDataDir(); err != nil {
				return err
			}
			stopSigning, err := a.signWhileRunning(ctx)
			if err != nil {
				return err
			}
			defer stopSigning()
			shareKey, err := loadOrCreateSecret(filepath.Join(a.dataDir, "share.key"))
			if err != nil {
				return err
			}
			registry, err := rf.registry(df.opts)
			if err != nil {
				return err
			}
			tracer, err := a.traceService(ctx, true)
			if err != nil {
				return err
			}
			shredder, err := a.evidenceStore(ctx)
			if err != nil {
				return err
			}
			if intake && rf.path == "" {
				return leakdesk.Errorf(leakdesk.EINVALID, "--intake matches files against the registry: give --registry too")
			}
			if decoyAddr != "" && decoyDomain == "" {
				return leakdesk.Errorf(leakdesk.EINVALID, "--decoy-smtp receives mail for --decoy-domain: give it too")
			}
			var desk *watch.Desk
			if intake || decoyDomain != "" {
				alerts.from, alerts.smtp = nf.from, nf.smtp
				triage := watch.TriageConfig{Read: df.opts}
				var dist *watch.Distribution
				if intake {
					triage.Registry = rf.path // without it, the desk only raises decoy alarms
					if dist, err = intakeDist.distribution(ctx, a); err != nil {
						return err
					}
				}
				if desk, err = a.alertDesk(ctx, &alerts, triage, dist); err != nil {
					return err
				}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "cannot listen on %s: %v", addr, err)
			}
			defer ln.Close()
			scheme := "http"
			if tlsCert != "" {
				scheme = "https"
			}
			notices := store.NewNoticeService(db)
			srvCfg := ldhttp.Config{Logger: a.logger, Notices: notices, Acks: notify.NewAcknowledgements(tokens, notices), WebhookToken: webhookToken,
				Accounts: accounts, Incidents: services.Incidents, Approvals: store.NewApprovalService(db), Evidence: services.Evidence, Findings: services.Findings, SpoolDir: a.evidenceSpool, Rules: services, Campaigns: campaigns, Dispatcher: dispatcher, Composes: composing != nil, Registry: registry, Proof: signer, Exports: store.NewExportService(db), Alarms: store.NewDecoyAlarmService(db), ShareKey: shareKey, OIDC: sso, Portal: store.NewPortalService(db), Trace: tracer, Shredder: shredder, IntakeMaxBytes: intakeMax,
				Now: a.now, SecureCookies: scheme == "https" || !isLoopback(ln.Addr())}
			if intake {
				srvCfg.Intake = desk.Intake
			}
			if srvCfg.KeptFiles, err = a.keptFiles(ctx); err != nil {
				return err
			}
			srvCfg.IntakeFiles = store.NewTriageService(db)
			var decoys *decoy.Addresses
			var alarms *decoy.Alarms
			if decoyDomain != "" {
				if decoys, alarms, err = a.decoyAlarms(ctx, desk, decoyDomain); err != nil {
					return err
				}
				srvCfg.DecoyCalls = decoy.CallsHandler(decoys, alarms)
			}
			handler, err := ldhttp.NewServer(srvCfg)
			if err != nil {
				return err
			}
			srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute}
			fmt.Fprintf(a.stdout, "listening on %s://%s\n", scheme, ln.Addr())
			serveHTTP := func(ctx context.Context) error {
				errc := make(chan error, 1)
				go func() {
					if scheme == "https" {
						errc <- srv.ServeTLS(ln, tlsCert, tlsKey)
						return
					}
					errc <- srv.Serve(ln)
				}()
				select {
				case err := <-errc:
					return err
				case <-ctx.Done():
				}
				shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				defer cancel()
				if err := srv.Shutdown(shutdown); err != nil {
					return err
				}
				if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
					return err
				}
				return nil
			}
			if desk == nil {
				return serveHTTP(ctx)
			}
			serveDecoys := func(context.Context) error { return nil }
			if decoyAddr != "" {
				if serveDecoys, _, err = a.listenDecoySMTP(ctx, decoys, alarms, decoyAddr, decoyDomain); err != nil {
					return err
				}
			}
			return runDesk(ctx, desk, func(ctx context.Context) error {
				g, ctx := errgroup.WithContext(ctx)
				g.Go(func() error { return serveHTTP(ctx) })
				g.Go(func() error { return serveDecoys(ctx) })
				return g.Wait()
			})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", a.envOr("LEAKDESK_ADDR", ":8080"), "address to listen on (env LEAKDESK_ADDR)")
	cmd.Flags().StringVar(&webhookToken, "webhook-token", a.getenv("LEAKDESK_WEBHOOK_TOKEN"), "bearer token that enables POST /api/reports (env LEAKDESK_WEBHOOK_TOKEN)")
	cmd.Flags().StringVar(&tlsCert, "tls-cert", a.getenv("LEAKDESK_TLS_CERT"), "PEM certificate chain: serve HTTPS (env LEAKDESK_TLS_CERT)")
	cmd.Flags().StringVar(&tlsKey, "tls-key", a.getenv("LEAKDESK_TLS_KEY"), "PEM private key of --tls-cert (env LEAKDESK_TLS_KEY)")
	cmd.Flags().StringVar(&oidcIssuer, "oidc-issuer", a.getenv("LEAKDESK_OIDC_ISSUER"), "OpenID Connect provider for single sign-on at /login/oidc; its client secret is read from LEAKDESK_OIDC_CLIENT_SECRET (env LEAKDESK_OIDC_ISSUER)")
	cmd.Flags().StringVar(&oidcClientID, "oidc-client-id", a.getenv("LEAKDESK_OIDC_CLIENT_ID"), "client ID registered with the provider (env LEAKDESK_OIDC_CLIENT_ID)")
	cmd.Flags().StringVar(&oidcRedirectURL, "oidc-redirect-url", a.getenv("LEAKDESK_OIDC_REDIRECT_URL"), "this server's /login/oidc/callback as browsers reach it (env LEAKDESK_OIDC_REDIRECT_URL)")
	cmd.Flags().BoolVar(&intake, "intake", false, "take files in for triage at POST /api/v1/intake, matched against --registry, with alerts as for watch (see docs/watch.md)")
	cmd.Flags().Int64Var(&intakeMax, "intake-max", ldhttp.DefaultIntakeMaxBytes, "largest file, in bytes, the intake takes")
	intakeDist.register(cmd)
	cmd.Flags().StringVar(&decoyAddr, "decoy-smtp", "", "also receive mail for the decoys on this address, host:port, with alarms as for decoy-smtp")
	cmd.Flags().StringVar(&decoyDomain, "decoy-domain", "", "the decoy domain: --decoy-smtp receives mail for it, and with --webhook-token, POST /api/decoy-calls takes a phone system's calls to its decoy numbers")
	alerts.addAlertTargets(cmd, a)
	df.register(a, cmd)
	nf.registerComposing(a, cmd)
	nf.registerSending(a, cmd)
	rf.register(cmd, "(on this server: enables match and verify-leak in the API)")
	return cmd
}

// stopDispatcher lets the campaigns' running jobs record their outcomes;
// what is still queued is sent by the next start.
func (a *app) stopDispatcher(ctx context.Context, d *notify.Dispatcher) {
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := d.Stop(stop); err != nil {
		a.logger.Error("stop sending notices", "error", err)
	}
}

// isLoopback reports whether the server listens only on loopback, where a
// cookie may travel without TLS.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
