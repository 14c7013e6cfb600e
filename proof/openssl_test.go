package proof_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/proof"
	"github.com/leakdesk/leakdesk/proof/prooftest"
)

// TestVerifyMDWithStandardTools runs the commands VERIFY.md gives an
// outsider, with sha256sum and openssl, on a bundle leakdesk wrote.
func TestVerifyMDWithStandardTools(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"openssl", "sha256sum", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	tsa := prooftest.NewTSA(t, "leakdesk test TSA")
	key := newKey(t)
	inc, events := oldTimeline(t)
	cp, err := proof.NewCheckpoint(inc, proof.NewTree(events), events[len(events)-1], time.Now(), key)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Timestamp, err = (&proof.TSA{URL: tsa.URL}).Stamp(context.Background(), proof.SignedMessage(cp)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	b := &proof.Bundle{Incident: inc, Events: events, Checkpoints: []*leakdesk.Checkpoint{cp}, PublicKey: proof.PublicKeyOf(key)}
	if err := proof.WriteBundle(context.Background(), &buf, b); err != nil {
		t.Fatal(err)
	}
	dir := unzip(t, buf.Bytes())
	data, _ := os.ReadFile(filepath.Join(dir, "VERIFY.md"))
	if !strings.Contains(string(data), proof.KeyID(b.PublicKey)) {
		t.Fatal("VERIFY.md does not name the key")
	}
	os.WriteFile(filepath.Join(dir, "tsa.pem"), must(os.ReadFile(tsa.CertFile)), 0o600)
	sh := func(script string) (string, error) {
		cmd := exec.Command("sh", "-c", script)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	stem := "checkpoints/00000049"
	for _, script := range []string{
		"sha256sum -c SHA256SUMS",
		"openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in " + stem + ".msg -sigfile " + stem + ".sig",
		"openssl ts -verify -token_in -in " + stem + ".tsr -data " + stem + ".msg -CAfile tsa.pem",
	} {
		if out, err := sh(script); err != nil {
			t.Fatalf("%s: %v\n%s", script, err, out)
		}
	}
	if out, _ := sh("openssl pkey -pubin -in public-key.pem -outform DER | tail -c 32 | sha256sum"); !strings.HasPrefix(out, proof.KeyID(b.PublicKey)) {
		t.Fatalf("the key ID recipe gives %q, want %s", out, proof.KeyID(b.PublicKey))
	}
	// The same tools refuse a changed message.
	os.WriteFile(filepath.Join(dir, stem+".msg"), bytes.Replace(must(os.ReadFile(filepath.Join(dir, stem+".msg"))), []byte("\n49\n"), []byte("\n48\n"), 1), 0o600)
	for _, script := range []string{
		"openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in " + stem + ".msg -sigfile " + stem + ".sig",
		"openssl ts -verify -token_in -in " + stem + ".tsr -data " + stem + ".msg -CAfile tsa.pem",
	} {
		if out, err := sh(script); err == nil {
			t.Fatalf("%s accepted a changed checkpoint:\n%s", script, out)
		}
	}
}

func unzip(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		path := filepath.Join(dir, f.Name)
		os.MkdirAll(filepath.Dir(path), 0o700)
		if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func must(data []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return data
}
