package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"testing"
)

// TestOneSignerPerRun: serve signs through its API, its reports and its
// checkpointer, which ask for the signing proof service in turn: they get
// one service, built once, and the new key is announced once.
func TestOneSignerPerRun(t *testing.T) {
	env := map[string]string{"LEAKDESK_SIGNING_KEY": filepath.Join(t.TempDir(), "signing.pem")}
	var stderr bytes.Buffer
	a := newApp(func(k string) string { return env[k] }, nil, &bytes.Buffer{}, &stderr)
	a.dataDir, a.logger = t.TempDir(), slog.New(slog.DiscardHandler)
	t.Cleanup(func() {
		if a.db != nil {
			a.db.Close()
		}
	})
	ctx := context.Background()
	first, err := a.proofService(ctx, sign)
	if err != nil {
		t.Fatal(err)
	}
	stopSigning, err := a.signWhileRunning(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stopSigning()
	services, err := a.rulesServices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if services.Signatures != first {
		t.Fatal("the reports check signatures with a second proof service")
	}
	again, err := a.proofService(ctx, sign)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Fatal("a second proof service was built to sign")
	}
	if n := bytes.Count(stderr.Bytes(), []byte("a new signing key was created")); n != 1 {
		t.Fatalf("the new key was announced %d times: %s", n, stderr.String())
	}
	// Verifying never shares the signer: it must not create a key.
	check, err := a.proofService(ctx, checkOnly)
	if err != nil {
		t.Fatal(err)
	}
	if check == first {
		t.Fatal("a check-only service is the signer")
	}
}
