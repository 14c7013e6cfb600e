package main

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/emersion/go-smtp"
	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/decoy"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/watch"
)

func (a *app) decoySMTPCommand() *cobra.Command {
	var (
		alerts       alertFlags
		addr, domain string
	)
	cmd := &cobra.Command{
		Use:   "decoy-smtp --addr ADDR --domain DOMAIN",
		Short: "Receive mail for the decoy addresses and raise an alarm for each message",
		Long: `decoy-smtp is the mail server of a decoy domain (point its MX here). It
takes mail for the decoy addresses of the recorded exports at DOMAIN only,
refusing any other recipient with 550. Each message is kept as evidence,
names the exports that carried the decoy, and raises an alarm by mail and
webhook. It runs until interrupted. See docs/watch.md.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "addr", "domain"); err != nil {
				return err
			}
			acfg, err := alerts.config()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			desk, err := a.watchDesk(ctx, &alerts, watch.Config{Alerts: acfg})
			if err != nil {
				return err
			}
			serve, _, err := a.decoySMTP(ctx, desk, addr, domain)
			if err != nil {
				return err
			}
			return runDesk(ctx, desk, serve)
		},
	}
	alerts.add(cmd, a)
	cmd.Flags().StringVar(&addr, "addr", "", "address to listen on, host:port (25 for a domain's MX)")
	cmd.Flags().StringVar(&domain, "domain", "", "the decoy domain this server receives mail for")
	return cmd
}

// decoySMTP listens on addr for mail to the decoys at domain and returns
// the function that serves it until its context is done.
// It returns the address it listens on, which addr may leave to the system.
func (a *app) decoySMTP(ctx context.Context, desk *watch.Desk, addr, domain string) (func(context.Context) error, string, error) {
	decoys, alarms, err := a.decoyAlarms(ctx, desk, domain)
	if err != nil {
		return nil, "", err
	}
	return a.listenDecoySMTP(ctx, decoys, alarms, addr, domain)
}

// listenDecoySMTP is decoySMTP for decoys and alarms already loaded.
func (a *app) listenDecoySMTP(ctx context.Context, decoys *decoy.Addresses, alarms *decoy.Alarms, addr, domain string) (func(context.Context) error, string, error) {
	if decoys.Len() == 0 {
		return nil, "", leakdesk.Errorf(leakdesk.EINVALID, "no decoy address at %s is recorded: make exports with decoys first (leakdesk export --decoy-domain %s)", domain, domain)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", leakdesk.Errorf(leakdesk.EINVALID, "decoy SMTP address %s: %v", addr, err)
	}
	server := decoy.NewSMTPServer(ctx, addr, domain, decoys, alarms, a.logger)
	fmt.Fprintf(a.stdout, "decoy-smtp: receiving for %d decoys at %s on %s\n", decoys.Len(), domain, l.Addr())
	return func(ctx context.Context) error {
		go func() { <-ctx.Done(); server.Close() }()
		if err := server.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) && ctx.Err() == nil {
			return err
		}
		return nil
	}, l.Addr().String(), nil
}

// decoyAlarms loads the decoys of the recorded exports at domain and the
// alarms that name them.
func (a *app) decoyAlarms(ctx context.Context, desk *watch.Desk, domain string) (*decoy.Addresses, *decoy.Alarms, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, nil, err
	}
	decoys, err := decoy.LoadAddresses(ctx, store.NewExportService(db), domain)
	if err != nil {
		return nil, nil, err
	}
	tracer, err := a.traceService(ctx, true)
	if err != nil {
		return nil, nil, err
	}
	v, err := a.openVault()
	if err != nil {
		return nil, nil, err
	}
	// Each message or call record is kept under a key of its own.
	return decoys, decoy.NewAlarms(v.Cases(), tracer, desk, a.actor, a.now, a.logger), nil
}
