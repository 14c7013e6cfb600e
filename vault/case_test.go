package vault_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/vault"
)

// TestCaseKeys: a file the watch keeps is under a key of its own, kept once
// per content, read through the incident that takes it as evidence, and
// after ShredCase neither it nor a copy of its ciphertext can be read with
// any key the vault holds; content kept for the master key still reads.
func TestCaseKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	v, key := open(t, dir)
	legacy, err := v.Put(ctx, strings.NewReader("kept before case keys"))
	if err != nil {
		t.Fatal(err)
	}
	cases := v.Cases()
	kept, err := cases.Put(ctx, strings.NewReader("a leaked list"))
	if err != nil {
		t.Fatal(err)
	}
	if again, err := cases.Put(ctx, strings.NewReader("a leaked list")); err != nil || again != kept {
		t.Fatalf("the same content kept again: %+v, %v", again, err)
	}
	if got := files(t, dir+"/keys/case-*.age"); len(got) != 1 || !strings.Contains(got[0], kept.SHA256) {
		t.Fatalf("case keys: %v, want one named by the content", got)
	}
	if got := files(t, dir+"/sha256/*/"+kept.SHA256+".age"); len(got) != 0 {
		t.Errorf("a kept file is under the master key: %v", got)
	}
	if got := files(t, dir+"/tmp/*"); len(got) != 0 {
		t.Errorf("staging left behind: %v", got)
	}
	ciphertext, err := os.ReadFile(filepath.Join(dir, "cases", "sha256", kept.SHA256[:2], kept.SHA256+".age"))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := v.HoldsKeyFor(bytes.NewReader(ciphertext)); err != nil || !ok {
		t.Fatalf("the vault cannot read its own kept file: %v, %v", ok, err)
	}

	reopened, err := vault.Open(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		blobs leakdesk.BlobStore
		sum   string
		want  string
	}{
		{"kept file", reopened.Cases(), kept.SHA256, "a leaked list"},
		{"kept file through an incident", reopened.ForIncident(7), kept.SHA256, "a leaked list"},
		{"master-key file", reopened.Cases(), legacy.SHA256, "kept before case keys"},
	} {
		if got, err := readAll(t, tc.blobs, tc.sum); err != nil || got != tc.want {
			t.Errorf("%s: %q, %v", tc.name, got, err)
		}
	}
	if reopened.IncidentHolds(7, kept.SHA256) || !reopened.CaseHolds(kept.SHA256) {
		t.Error("the file is held by the incident before it was moved")
	}

	if held, err := reopened.ShredCase(kept.SHA256); err != nil || !held {
		t.Fatalf("shred: held %v, %v", held, err)
	}
	for _, blobs := range []leakdesk.BlobStore{reopened.Cases(), reopened.ForIncident(7), v.Cases()} {
		got, err := readAll(t, blobs, kept.SHA256)
		if leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED || !strings.Contains(err.Error(), "crypto-shredded") || got != "" {
			t.Errorf("read after shred: %q, %v; want EUNAUTHORIZED saying crypto-shredded", got, err)
		}
	}
	if ok, err := reopened.HoldsKeyFor(bytes.NewReader(ciphertext)); err != nil || ok {
		t.Errorf("a copy of the shredded file's ciphertext is still readable: %v, %v", ok, err)
	}
	if _, err := cases.Put(ctx, strings.NewReader("a leaked list")); err != nil {
		t.Fatal(err)
	}
	if reopened.CaseHolds(kept.SHA256) || len(files(t, dir+"/cases/sha256/*/*.age")) != 0 {
		t.Error("shredded content was kept again when it came back")
	}
	if held, err := reopened.ShredCase(kept.SHA256); err != nil || held {
		t.Errorf("shredding twice: held %v, %v", held, err)
	}
}

// TestCaseKeyWithoutBlob: a writer killed between storing a case's key and
// its blob leaves a key of nothing; the next put of the content replaces it
// and the content reads.
func TestCaseKeyWithoutBlob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	v, _ := open(t, dir)
	first, err := v.Cases().Put(ctx, strings.NewReader("dropped file"))
	if err != nil {
		t.Fatal(err)
	}
	// The state the kill leaves: the key in place, the blob not yet.
	if err := os.Remove(filepath.Join(dir, "cases", "sha256", first.SHA256[:2], first.SHA256+".age")); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, v.Cases(), first.SHA256); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
		t.Errorf("a key without its blob reads as %v, want ENOTFOUND", err)
	}
	if _, err := v.Cases().Put(ctx, strings.NewReader("dropped file")); err != nil {
		t.Fatal(err)
	}
	if got, err := readAll(t, v.Cases(), first.SHA256); err != nil || got != "dropped file" {
		t.Errorf("after the put again: %q, %v", got, err)
	}
}

// TestStaleStagingIsSwept: a case being written by a process that died is
// removed by the next put once it is a minute old; a fresh one, whose
// writer may not have locked it yet, is left.
func TestStaleStagingIsSwept(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	v, _ := open(t, dir)
	stale, fresh := filepath.Join(dir, "tmp", "case-1.staging"), filepath.Join(dir, "tmp", "case-2.staging")
	for _, d := range []string{stale, fresh} {
		if err := os.MkdirAll(filepath.Join(d, "ab"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Cases().Put(context.Background(), strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("a dead writer's staging was left")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a fresh staging was removed: %v", err)
	}
}
