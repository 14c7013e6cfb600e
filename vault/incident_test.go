package vault_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/vault"
)

func readAll(t *testing.T, blobs leakdesk.BlobStore, sum string) (string, error) {
	t.Helper()
	rc, err := blobs.Open(context.Background(), sum)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return string(b), err
}

// TestIncidentKeys: each incident's blobs are under its own key, which a
// reopened vault unwraps with the master key; shredding one incident
// leaves the others, and blobs stored for the master key, readable.
func TestIncidentKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	v, key := open(t, dir)
	legacy, err := v.Put(ctx, strings.NewReader("stored before per-incident keys"))
	if err != nil {
		t.Fatal(err)
	}
	first, err := v.ForIncident(1).Put(ctx, strings.NewReader("incident one"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.ForIncident(2).Put(ctx, strings.NewReader("incident one")); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dir+"/keys/incident-*.age"); len(got) != 2 {
		t.Fatalf("wrapped keys: %v, want one per incident", got)
	}

	if _, err := readAll(t, v.ForIncident(1), first.SHA256); err != nil {
		t.Fatal(err) // v now holds incident 1's key
	}
	reopened, err := vault.Open(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := readAll(t, reopened.ForIncident(1), first.SHA256); err != nil || got != "incident one" {
		t.Fatalf("incident blob after reopening: %q, %v", got, err)
	}
	if got, err := readAll(t, reopened.ForIncident(1), legacy.SHA256); err != nil || got != "stored before per-incident keys" {
		t.Fatalf("master-key blob through an incident: %q, %v", got, err)
	}

	if n, err := reopened.Shred(1); err != nil || n != 1 {
		t.Fatalf("shred: %d blobs, %v", n, err)
	}
	_, err = readAll(t, reopened.ForIncident(1), first.SHA256)
	if leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED || !strings.Contains(err.Error(), "crypto-shredded") {
		t.Errorf("read after shred: %v, want EUNAUTHORIZED saying crypto-shredded", err)
	}
	if _, err := reopened.ForIncident(1).Put(ctx, strings.NewReader("more")); leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED {
		t.Errorf("put after shred: %v, want EUNAUTHORIZED", err)
	}
	if got, err := readAll(t, reopened.ForIncident(2), first.SHA256); err != nil || got != "incident one" {
		t.Errorf("the other incident after the shred: %q, %v", got, err)
	}
	if _, err := reopened.Shred(1); err != nil {
		t.Errorf("shredding twice: %v", err)
	}
	// Another process that read the key before the shred refuses too.
	if _, err := readAll(t, v.ForIncident(1), first.SHA256); leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED {
		t.Errorf("read after shred by a vault that held the key: %v, want EUNAUTHORIZED", err)
	}
}
