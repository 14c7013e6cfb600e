package proof_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/fixture"
	"github.com/leakdesk/leakdesk/proof"
	"github.com/leakdesk/leakdesk/proof/prooftest"
)

// oldTimeline reads the timeline an earlier release wrote.
func oldTimeline(t *testing.T) (*leakdesk.Incident, []*leakdesk.Event) {
	return fixture.OldTimeline(t, "../testdata/timeline-v1.json")
}

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// TestOldTimelineSignsAndVerifies: the previous release's timeline, which
// has no checkpoint, still verifies, and once signed is held to it.
func TestOldTimelineSignsAndVerifies(t *testing.T) {
	t.Parallel()
	inc, events := oldTimeline(t)
	key := newKey(t)
	checker := &proof.Checker{PublicKey: proof.PublicKeyOf(key)}
	if rep := checker.Verify(inc, events, nil, nil, ""); !rep.OK || rep.Events != 49 || len(rep.Warnings) != 1 {
		t.Fatalf("the old timeline without checkpoints: %+v", rep)
	}
	tree := proof.NewTree(events)
	var cps []*leakdesk.Checkpoint
	for _, n := range []int{20, 49} {
		cp, err := proof.NewCheckpoint(inc, tree, events[n-1], time.Now(), key)
		if err != nil {
			t.Fatal(err)
		}
		cps = append(cps, cp)
	}
	if rep := checker.Verify(inc, events, cps, cps, "w"); !rep.OK || rep.SignedSize != 49 || rep.WitnessedSize != 49 {
		t.Fatalf("the old timeline with its checkpoints: %+v", rep)
	}
	// Each event is provably in the last checkpoint.
	for i := range events {
		path, err := tree.InclusionProof(int64(i), 49)
		if err != nil {
			t.Fatal(err)
		}
		if err := proof.VerifyInclusion(proof.LeafData(events[i]), int64(i), 49, path, cps[1].Root); err != nil {
			t.Fatalf("event %d: %v", i+1, err)
		}
	}
}

func TestTimestampTokens(t *testing.T) {
	t.Parallel()
	tsa, other := prooftest.NewTSA(t, "leakdesk test TSA"), prooftest.NewTSA(t, "someone else's TSA")
	msg := []byte("leakdesk-checkpoint-v1\nINC-0001\n3\n")
	token, err := (&proof.TSA{URL: tsa.URL}).Stamp(context.Background(), msg)
	if err != nil {
		t.Fatal(err)
	}
	at, err := proof.CheckToken(token, msg, tsa.Cert)
	if err != nil || time.Since(at) > time.Minute {
		t.Fatalf("a good token: %v at %s", err, at)
	}
	sum := sha256.Sum256(msg)
	for name, tc := range map[string]struct {
		token []byte
		msg   []byte
		want  string
	}{
		"foreign token":     {token, []byte("another checkpoint"), "for another message"},
		"forged by another": {other.Token(t, sum[:]), msg, "not by the trusted authority"},
		"damaged":           {append(bytes.Clone(token[:len(token)-40]), make([]byte, 40)...), msg, "not validly signed"},
	} {
		if _, err := proof.CheckToken(tc.token, tc.msg, tsa.Cert); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
}

func TestSigningKeyStaysOutOfTheDataDirectory(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	inside := filepath.Join(data, "keys", "signing.pem")
	if _, _, err := proof.LoadOrCreateSigningKey(inside, data, false); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
		t.Fatalf("a key inside the data directory: %v", err)
	}
	if _, err := os.Stat(inside); err == nil {
		t.Fatal("the refused key was written anyway")
	}
	os.MkdirAll(filepath.Dir(inside), 0o700)
	demoKey, created, err := proof.LoadOrCreateSigningKey(inside, data, true)
	if err != nil || !created {
		t.Fatalf("the demo's key: %v, created %v", err, created)
	}
	outside := filepath.Join(t.TempDir(), "signing.pem")
	key, created, err := proof.LoadOrCreateSigningKey(outside, data, false)
	if err != nil || !created {
		t.Fatalf("a key outside: %v", err)
	}
	again, created, err := proof.LoadOrCreateSigningKey(outside, data, false)
	if err != nil || created || !again.Equal(key) || key.Equal(demoKey) {
		t.Fatalf("reading the key back: %v, created %v", err, created)
	}
	if info, _ := os.Stat(outside); info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", info.Mode().Perm())
	}
}

// bundle writes a bundle of the old timeline signed by key.
func bundle(t *testing.T, key ed25519.PrivateKey) []byte {
	t.Helper()
	inc, events := oldTimeline(t)
	cp, err := proof.NewCheckpoint(inc, proof.NewTree(events), events[len(events)-1], time.Now(), key)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	b := &proof.Bundle{Incident: inc, Events: events, Checkpoints: []*leakdesk.Checkpoint{cp}, PublicKey: proof.PublicKeyOf(key)}
	if err := proof.WriteBundle(context.Background(), &buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func verifyBundle(t *testing.T, data []byte, opts proof.BundleOptions) *proof.BundleReport {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := proof.VerifyBundle(zr, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestBundleAttacks(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	good := bundle(t, key)
	pinned := proof.BundleOptions{PublicKey: proof.PublicKeyOf(key)}
	if rep := verifyBundle(t, good, pinned); !rep.OK || rep.Events != 49 || !rep.KeyPinned {
		t.Fatalf("the bundle as written: %+v", rep)
	}
	resum := func(files map[string][]byte) {
		delete(files, "SHA256SUMS")
		var lines []string
		for name, data := range files {
			lines = append(lines, sha256hex(data)+"  "+name)
		}
		files["SHA256SUMS"] = []byte(strings.Join(lines, "\n") + "\n")
	}
	editEvent := func(files map[string][]byte) {
		files["events.jsonl"] = bytes.Replace(files["events.jsonl"], []byte(`alice`), []byte(`mallo`), 1)
	}
	for _, tc := range []struct {
		name string
		data []byte
		opts proof.BundleOptions
		want string
	}{
		{"one event changed", prooftest.EditZip(t, good, editEvent), pinned, "events.jsonl does not match its SHA-256"},
		{"one event changed, sums redone", prooftest.EditZip(t, good, func(f map[string][]byte) { editEvent(f); resum(f) }), pinned, "altered"},
		{"a file removed", prooftest.EditZip(t, good, func(f map[string][]byte) { delete(f, "evidence.json") }), pinned, "missing from the bundle"},
		{"signed with another key", bundle(t, newKey(t)), pinned, "is not the organisation's key"},
		{"tail dropped, sums redone", prooftest.EditZip(t, good, func(f map[string][]byte) {
			lines := bytes.SplitAfter(f["events.jsonl"], []byte("\n"))
			f["events.jsonl"] = bytes.Join(lines[:40], nil)
			resum(f)
		}), pinned, "were removed"},
	} {
		rep := verifyBundle(t, tc.data, tc.opts)
		if rep.OK || !strings.Contains(rep.Problem, tc.want) {
			t.Errorf("%s: got %+v, want a problem with %q", tc.name, rep.Report, tc.want)
		}
	}
}

func sha256hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
