package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
	ldhttp "github.com/leakdesk/leakdesk/http"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/store"
)

func (a *app) serveCommand() *cobra.Command {
	var addr, webhookToken string
	cmd := &cobra.Command{
		Use:   "serve [--addr :8080]",
		Short: "Answer acknowledgement links and delivery-report webhooks over HTTP",
		Long: `Serve what recipients and mail systems reach: the acknowledgement link in
every notice (GET shows a confirmation button; only the POST it sends is
recorded, since mail scanners open links), the delivery-report webhook
POST /api/reports (enabled by --webhook-token, sent as a bearer token), and
GET /healthz. Notices' links point to --base-url of notify send, which
must reach this server. It stops cleanly on Ctrl-C or SIGTERM.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, err := a.openDB(ctx)
			if err != nil {
				return err
			}
			tokens, err := a.ackTokens()
			if err != nil {
				return err
			}
			notices := store.NewNoticeService(db)
			handler, err := ldhttp.NewServer(ldhttp.Config{Logger: a.logger, Notices: notices, Acks: notify.NewAcknowledgements(tokens, notices), WebhookToken: webhookToken})
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "cannot listen on %s: %v", addr, err)
			}
			srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute}
			fmt.Fprintf(a.stdout, "listening on http://%s\n", ln.Addr())
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
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
		},
	}
	cmd.Flags().StringVar(&addr, "addr", a.envOr("LEAKDESK_ADDR", ":8080"), "address to listen on (env LEAKDESK_ADDR)")
	cmd.Flags().StringVar(&webhookToken, "webhook-token", a.getenv("LEAKDESK_WEBHOOK_TOKEN"), "bearer token that enables POST /api/reports (env LEAKDESK_WEBHOOK_TOKEN)")
	return cmd
}
