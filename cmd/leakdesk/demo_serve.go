package main

import (
	"context"
	"path/filepath"
)

// demoFrom is who the demo's notices come from.
const demoFrom = "Provider DPO (demo) <dpo@provider.example>"

// demoServe keeps the console up on the demo's data after the demo ran,
// as "leakdesk serve" with the demo's registry and history, so that its
// accounts can log in and go on from where the demo stopped.
func (a *app) demoServe(ctx context.Context, dir, addr string) error {
	serve := a.serveCommand()
	serve.SetContext(ctx)
	if err := serve.ParseFlags([]string{"--addr", addr, "--from", demoFrom,
		"--registry", filepath.Join(dir, "registry", "contacts.csv"), "--history", filepath.Join(dir, "registry", "history.csv")}); err != nil {
		return err
	}
	a.say("\nThe console stays up at the address below: open /console/ there and log in as demo-lead (or any demo-ROLE account above) with the password shown above. Ctrl-C stops it.")
	return serve.RunE(serve, nil)
}
