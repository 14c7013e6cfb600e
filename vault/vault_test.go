package vault_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/vault"
)

func open(t testing.TB, dir string) (*vault.Vault, string) {
	t.Helper()
	key, err := vault.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	return v, key
}

func files(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPutOpenRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	v, key := open(t, dir)
	ctx := context.Background()
	// Larger than age's 64 KiB chunks, with every byte value.
	content := bytes.Repeat([]byte{0, 1, 2, 0xff, 'a', '\n'}, 50_000)
	sum := sha256.Sum256(content)

	blob, err := v.Put(ctx, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if blob.SHA256 != hex.EncodeToString(sum[:]) || blob.Size != int64(len(content)) {
		t.Fatalf("blob = %+v", blob)
	}
	if _, err := v.Put(ctx, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	stored := files(t, filepath.Join(dir, "sha256", "*", "*.age"))
	if len(stored) != 1 || filepath.Base(stored[0]) != blob.SHA256+".age" {
		t.Fatalf("stored blobs = %v", stored)
	}
	if info, _ := os.Stat(stored[0]); info.Mode().Perm()&0o222 != 0 {
		t.Fatalf("blob is writable: %v", info.Mode())
	}
	if tmp := files(t, filepath.Join(dir, "tmp", "*")); len(tmp) != 0 {
		t.Fatalf("temporary files left: %v", tmp)
	}

	// A second process with the same key reads it back.
	again, err := vault.Open(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := again.Open(ctx, blob.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("read back %d bytes, %v", len(got), err)
	}
	if checked, err := again.Check(ctx, blob.SHA256); err != nil || checked.Size != blob.Size {
		t.Fatalf("check = %+v, %v", checked, err)
	}
	_, err = again.Open(ctx, strings.Repeat("0", 64))
	if leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
		t.Fatalf("missing blob: %v", err)
	}
	_, err = again.Open(ctx, "../../etc/passwd")
	if leakdesk.ErrorCode(err) != leakdesk.EINVALID {
		t.Fatalf("path as address: %v", err)
	}
}

func TestWrongKeyIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	v, _ := open(t, dir)
	blob, err := v.Put(context.Background(), strings.NewReader("evidence"))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := vault.GenerateKey()
	_, err = vault.Open(dir, other)
	if leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED || !strings.Contains(err.Error(), "wrong evidence key") {
		t.Fatalf("open with another key: %v", err)
	}
	_, err = vault.Open(dir, "not a key")
	if leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED || strings.Contains(err.Error(), "not a key") {
		t.Fatalf("malformed key: %v (the message must not echo the key)", err)
	}

	// A blob planted from another vault cannot be read with this key.
	foreignDir := t.TempDir()
	foreign, _ := open(t, foreignDir)
	fb, err := foreign.Put(context.Background(), strings.NewReader("planted"))
	if err != nil {
		t.Fatal(err)
	}
	src := files(t, filepath.Join(foreignDir, "sha256", "*", "*.age"))[0]
	dst := filepath.Join(dir, "sha256", fb.SHA256[:2], fb.SHA256+".age")
	os.MkdirAll(filepath.Dir(dst), 0o700)
	data, _ := os.ReadFile(src)
	os.WriteFile(dst, data, 0o400)
	if _, err := v.Open(context.Background(), fb.SHA256); leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED {
		t.Fatalf("foreign blob: %v", err)
	}
	if _, err := v.Check(context.Background(), blob.SHA256); err != nil {
		t.Fatalf("own blob: %v", err)
	}
}

func TestFullDiskStoresNothing(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	dir := t.TempDir()
	v, _ := open(t, dir)
	v.SetCreateTemp(func(string) (*os.File, error) { return os.OpenFile("/dev/full", os.O_WRONLY, 0) })
	_, err := v.Put(context.Background(), bytes.NewReader(make([]byte, 1<<20)))
	if leakdesk.ErrorCode(err) != leakdesk.EUNAVAILABLE || !strings.Contains(err.Error(), "disk is full") {
		t.Fatalf("put on a full disk: %v", err)
	}
	if stored := files(t, filepath.Join(dir, "sha256", "*", "*")); len(stored) != 0 {
		t.Fatalf("a full disk left blobs: %v", stored)
	}
}

func TestOrphanedPartialsAreSwept(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, key := open(t, dir)
	orphan := filepath.Join(dir, "tmp", "dead.partial")
	if err := os.WriteFile(orphan, []byte("half a blob"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A partial still locked by a live writer must survive.
	live := filepath.Join(dir, "tmp", "live.partial")
	f, err := os.Create(live)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if _, err := vault.Open(dir, key); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(orphan); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("orphaned partial survived: %v", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Fatalf("live partial was removed: %v", err)
	}
}

func TestCancelledPutStoresNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	v, _ := open(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := v.Put(ctx, bytes.NewReader(make([]byte, 1<<20))); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled put: %v", err)
	}
	if left := files(t, filepath.Join(dir, "*", "*")); len(left) != 0 {
		t.Fatalf("cancelled put left %v", left)
	}
}
