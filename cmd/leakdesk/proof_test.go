package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/proof"
	"github.com/leakdesk/leakdesk/proof/prooftest"
	"github.com/leakdesk/leakdesk/store"
)

// signedCLI is a CLI that signs, timestamps and witnesses every command.
func signedCLI(t *testing.T, backend string, tsa *prooftest.TSA, witness string) *cli {
	c := newCLI(t, backend)
	c.env["LEAKDESK_SIGNING_KEY"] = filepath.Join(t.TempDir(), "signing.pem")
	c.env["LEAKDESK_WITNESS"] = witness
	c.env["LEAKDESK_TSA"] = tsa.URL
	c.env["LEAKDESK_TSA_CERT"] = tsa.CertFile
	return c
}

// tamperer edits the store behind leakdesk's back, as someone with write
// access to the database but not the signing key or the witness would.
type tamperer struct {
	t  *testing.T
	db *store.DB
}

func newTamperer(t *testing.T, c *cli) *tamperer {
	return &tamperer{t: t, db: c.openStore(t)}
}

func (tp *tamperer) exec(query string, args ...any) {
	tp.t.Helper()
	if tp.db.Dialect() == "postgres" {
		for i := 1; strings.Contains(query, "?"); i++ {
			query = strings.Replace(query, "?", "$"+string(rune('0'+i)), 1)
		}
	}
	if _, err := tp.db.SQL().Exec(query, args...); err != nil {
		tp.t.Fatalf("%s: %v", query, err)
	}
}

func (tp *tamperer) events() []*leakdesk.Event {
	events, err := store.NewIncidentService(tp.db, nil).FindEvents(context.Background(), 1)
	if err != nil {
		tp.t.Fatal(err)
	}
	return events
}

func (tp *tamperer) checkpoints() []*leakdesk.Checkpoint {
	list, err := store.NewCheckpointService(tp.db).FindCheckpoints(context.Background(), 1)
	if err != nil {
		tp.t.Fatal(err)
	}
	return list
}

// rewrite edits event seq and recomputes every hash after it and the head.
func (tp *tamperer) rewrite(seq int64) {
	events := tp.events()
	events[seq-1].Details = []byte(`{"text":"nothing happened"}`)
	for _, ev := range events[seq-1:] {
		if ev.Seq > 1 {
			ev.PrevHash = events[ev.Seq-2].Hash
		}
		ev.Hash = ev.ComputeHash()
		tp.exec(`UPDATE events SET details = ?, prev_hash = ?, hash = ? WHERE incident_id = 1 AND seq = ?`, string(ev.Details), ev.PrevHash, ev.Hash, ev.Seq)
	}
	tp.exec(`UPDATE incidents SET head_hash = ? WHERE id = 1`, events[len(events)-1].Hash)
}

// truncate deletes the events after keep and rolls back the head and the
// checkpoints to match.
func (tp *tamperer) truncate(keep int64) {
	head := tp.events()[keep-1].Hash
	tp.exec(`DELETE FROM events WHERE incident_id = 1 AND seq > ?`, keep)
	tp.exec(`UPDATE incidents SET event_count = ?, head_hash = ? WHERE id = 1`, keep, head)
	tp.exec(`DELETE FROM checkpoints WHERE incident_id = 1 AND size > ?`, keep)
}

func (tp *tamperer) setCheckpoint(size int64, column string, value string) {
	tp.exec(`UPDATE checkpoints SET `+column+` = ? WHERE incident_id = 1 AND size = ?`, value, size)
}

func (tp *tamperer) checkpoint(size int64) *leakdesk.Checkpoint {
	for _, cp := range tp.checkpoints() {
		if cp.Size == size {
			return cp
		}
	}
	tp.t.Fatalf("no checkpoint at %d", size)
	return nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// eachBackend runs fn on SQLite and on PostgreSQL, in parallel.
func eachBackend(t *testing.T, fn func(t *testing.T, backend string)) {
	for _, b := range []string{"sqlite", "postgres"} {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			fn(t, b)
		})
	}
}

// TestAttacksOnTheRecord is the attack table of issue 17: each attack, by
// someone with write access to the database but neither the signing key
// nor the witness, is caught and names the first bad event.
func TestAttacksOnTheRecord(t *testing.T) {
	tsa, otherTSA := prooftest.NewTSA(t, "leakdesk test TSA"), prooftest.NewTSA(t, "a forger's TSA")
	attacks := []struct {
		name    string
		tamper  func(tp *tamperer)
		wantSeq string
		want    string
	}{
		{"edit an event and recompute all hashes", func(tp *tamperer) { tp.rewrite(2) }, "event 2", "was altered"},
		{"edit an event, recompute, delete the checkpoints", func(tp *tamperer) {
			tp.rewrite(2)
			tp.exec(`DELETE FROM checkpoints`)
		}, "event 2", "witnessed checkpoint"},
		{"delete the tail and roll back the head", func(tp *tamperer) { tp.truncate(2) }, "event 3", "events 3 to 4 were removed"},
		{"drop a checkpoint", func(tp *tamperer) { tp.exec(`DELETE FROM checkpoints WHERE size = 3`) }, "event 3", "missing from the store"},
		{"swap two checkpoints' signatures", func(tp *tamperer) {
			two, three := tp.checkpoint(2), tp.checkpoint(3)
			tp.setCheckpoint(2, "signature", b64(three.Signature))
			tp.setCheckpoint(3, "signature", b64(two.Signature))
		}, "event 2", "forged or swapped"},
		{"a foreign timestamp token", func(tp *tamperer) {
			tp.setCheckpoint(3, "timestamp", b64(tp.checkpoint(2).Timestamp))
		}, "event 3", "for another message"},
		{"a forged timestamp token", func(tp *tamperer) {
			sum := sha256.Sum256(proof.SignedMessage(tp.checkpoint(3)))
			tp.setCheckpoint(3, "timestamp", b64(otherTSA.Token(t, sum[:])))
		}, "event 3", "not by the trusted authority"},
		{"a checkpoint signed with another key", func(tp *tamperer) {
			_, key, _ := ed25519.GenerateKey(rand.Reader)
			cp := tp.checkpoint(4)
			forged := *cp
			forged.KeyID = proof.KeyID(proof.PublicKeyOf(key))
			forged.Signature = ed25519.Sign(key, proof.SignedMessage(&forged))
			tp.setCheckpoint(4, "key_id", forged.KeyID)
			tp.setCheckpoint(4, "signature", b64(forged.Signature))
		}, "event 4", "not signed by key"},
	}
	eachBackend(t, func(t *testing.T, backend string) {
		for _, attack := range attacks {
			t.Run(attack.name, func(t *testing.T) {
				c := signedCLI(t, backend, tsa, "dir:"+t.TempDir())
				c.ok("incident", "new", "--title", "attack", "--aware-at", "now")
				c.ok("incident", "note", "1", "called the DPO")
				c.ok("incident", "note", "1", "filed with the authority")
				c.ok("incident", "note", "1", "told the customers")
				out := c.ok("incident", "verify", "1")
				for _, want := range []string{"timeline intact: 4 events", "latest at 4 events", "at 4 events, matches", "trusted timestamp: "} {
					if !strings.Contains(out, want) {
						t.Fatalf("verify before the attack lacks %q:\n%s", want, out)
					}
				}
				attack.tamper(newTamperer(t, c))
				_, errOut, code := c.run("incident", "verify", "1")
				if code != 7 || !strings.Contains(errOut, "at "+attack.wantSeq+":") || !strings.Contains(errOut, attack.want) {
					t.Fatalf("exit %d, want 7 naming %s and %q:\n%s", code, attack.wantSeq, attack.want, errOut)
				}
			})
		}
	})
}

func TestHTTPWitnessAndBundle(t *testing.T) {
	tsa := prooftest.NewTSA(t, "leakdesk test TSA")
	eachBackend(t, func(t *testing.T, backend string) {
		witness := prooftest.NewWitness(t)
		c := signedCLI(t, backend, tsa, witness.URL)
		c.ok("incident", "new", "--title", "witnessed", "--aware-at", "now")
		c.ok("incident", "note", "1", "called the DPO")
		if got := witness.Received("INC-0001"); len(got) != 2 || got[1].Size != 2 || got[1].Timestamp == nil {
			t.Fatalf("the witness received %+v", got)
		}
		if out := c.ok("incident", "verify", "1", "--witness", witness.URL); !strings.Contains(out, "at 2 events, matches") {
			t.Fatalf("verify --witness:\n%s", out)
		}
		if out := c.ok("incident", "prove", "1", "2"); !strings.Contains(out, `"leaf_index": 1`) {
			t.Fatalf("prove:\n%s", out)
		}
		var p proof.InclusionProof
		c.json(&p, "incident", "prove", "1", "1")
		key, err := proof.LoadSigningKey(c.env["LEAKDESK_SIGNING_KEY"])
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Check(proof.PublicKeyOf(key)); err != nil || p.Event.Seq != 1 {
			t.Fatalf("the inclusion proof does not check out offline: %v", err)
		}
		p.Event.Actor = "mallory"
		if err := p.Check(proof.PublicKeyOf(key)); err == nil {
			t.Fatal("an inclusion proof of an altered event checked out")
		}

		dump := filepath.Join(t.TempDir(), "dump.csv")
		os.WriteFile(dump, []byte("email\nana@example.org\n"), 0o600)
		c.ok("evidence", "add", "1", dump, "--source", "forum post")
		zipPath := filepath.Join(t.TempDir(), "bundle.zip")
		c.ok("incident", "bundle", "1", "--out", zipPath, "--with-evidence")
		pub := filepath.Join(t.TempDir(), "public.pem")
		os.WriteFile(pub, proof.PublicKeyPEM(proof.PublicKeyOf(key)), 0o600)
		out := c.ok("bundle", "verify", zipPath, "--public-key", pub)
		if !strings.Contains(out, "trusted timestamp: ") || !strings.Contains(out, "1 pieces of evidence (1 included)") || strings.Contains(out, "warning") {
			t.Fatalf("bundle verify:\n%s", out)
		}
		// Reading the evidence into the bundle was logged and signed after
		// the bundle's events: the witness has seen more, which it says.
		if out := c.ok("bundle", "verify", zipPath, "--public-key", pub, "--witness", witness.URL); !strings.Contains(out, "at 3 events, matches") ||
			!strings.Contains(out, "warning: the witness holds a checkpoint at 4 events and these end at 3") {
			t.Fatalf("bundle verify --witness:\n%s", out)
		}
		data, _ := os.ReadFile(zipPath)
		changed := filepath.Join(t.TempDir(), "changed.zip")
		os.WriteFile(changed, prooftest.EditZip(t, data, func(files map[string][]byte) {
			files["events.jsonl"] = bytes.Replace(files["events.jsonl"], []byte("called the DPO"), []byte("called the CEO"), 1)
		}), 0o600)
		if _, errOut, code := c.run("bundle", "verify", changed, "--public-key", pub); code != 7 || !strings.Contains(errOut, "events.jsonl") {
			t.Fatalf("a bundle with one file changed: exit %d\n%s", code, errOut)
		}
	})
}

// TestVerifyNeverCreatesTheSigningKey: a check with a missing key fails
// rather than making a new key that every checkpoint would then fail.
func TestVerifyNeverCreatesTheSigningKey(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	c.ok("incident", "new", "--title", "unsigned", "--aware-at", "now")
	c.env["LEAKDESK_SIGNING_KEY"] = filepath.Join(t.TempDir(), "missing.pem")
	if _, errOut, code := c.run("incident", "verify", "1"); code != 5 || !strings.Contains(errOut, "missing.pem") {
		t.Fatalf("verify with a missing key: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(c.env["LEAKDESK_SIGNING_KEY"]); err == nil {
		t.Fatal("verify created a signing key")
	}
	// Inside the data directory, the first signing command refuses.
	c.env["LEAKDESK_SIGNING_KEY"] = filepath.Join(c.env["LEAKDESK_DATA"], "signing.pem")
	if _, errOut, code := c.run("incident", "checkpoint", "1"); code != 2 || !strings.Contains(errOut, "inside the data directory") {
		t.Fatalf("a key inside the data directory: exit %d\n%s", code, errOut)
	}
}
