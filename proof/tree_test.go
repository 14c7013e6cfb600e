package proof

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// chain returns n chained events of incident 1.
func chain(n int) []*leakdesk.Event {
	var events []*leakdesk.Event
	prev := ""
	at := time.Date(2026, 3, 1, 21, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		ev := leakdesk.NewEvent(1, "local:ana", leakdesk.EventNote, at, map[string]string{"text": fmt.Sprint("note ", i)})
		ev.Seq, ev.PrevHash, ev.RecordedAt = int64(i), prev, at
		ev.Hash = ev.ComputeHash()
		prev = ev.Hash
		events = append(events, ev)
	}
	return events
}

// mth is RFC 6962 section 2.1 written out, to check the library's use.
func mth(leaves [][]byte) []byte {
	switch n := len(leaves); n {
	case 0:
		s := sha256.Sum256(nil)
		return s[:]
	case 1:
		s := sha256.Sum256(append([]byte{0}, leaves[0]...))
		return s[:]
	default:
		k := 1
		for k*2 < n {
			k *= 2
		}
		s := sha256.Sum256(append(append([]byte{1}, mth(leaves[:k])...), mth(leaves[k:])...))
		return s[:]
	}
}

func TestTreeMatchesRFC6962(t *testing.T) {
	t.Parallel()
	events := chain(13)
	tree := NewTree(events)
	for size := 0; size <= len(events); size++ {
		var leaves [][]byte
		for _, ev := range events[:size] {
			leaves = append(leaves, LeafData(ev))
		}
		root, err := tree.Root(int64(size))
		if err != nil {
			t.Fatal(err)
		}
		if want := hex.EncodeToString(mth(leaves)); root != want {
			t.Fatalf("size %d: root %s, want %s", size, root, want)
		}
		for i := 0; i < size; i++ {
			path, err := tree.InclusionProof(int64(i), int64(size))
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyInclusion(LeafData(events[i]), int64(i), int64(size), path, root); err != nil {
				t.Fatalf("leaf %d of %d: %v", i, size, err)
			}
			if err := VerifyInclusion(LeafData(events[(i+1)%len(events)]), int64(i), int64(size), path, root); err == nil && size > 1 {
				t.Fatalf("leaf %d of %d: another event passed its proof", i, size)
			}
		}
		for old := 1; old <= size; old++ {
			oldRoot, _ := tree.Root(int64(old))
			proof, err := tree.ConsistencyProof(int64(old), int64(size))
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyConsistency(int64(old), int64(size), proof, oldRoot, root); err != nil {
				t.Fatalf("%d -> %d: %v", old, size, err)
			}
		}
	}
	// A rewritten history is not consistent with the old root.
	forged := chain(13)
	forged[2].Actor = "local:mallory"
	for i := 2; i < len(forged); i++ {
		forged[i].PrevHash = forged[i-1].Hash
		forged[i].Hash = forged[i].ComputeHash()
	}
	oldRoot, _ := tree.Root(5)
	newRoot, _ := NewTree(forged).Root(13)
	proof, _ := NewTree(forged).ConsistencyProof(5, 13)
	if err := VerifyConsistency(5, 13, proof, oldRoot, newRoot); err == nil {
		t.Fatal("a rewritten log passed the consistency check against the old root")
	}
}

// BenchmarkVerify100kEvents200Checkpoints is the cost of verify on a large
// campaign's timeline checkpointed often.
func BenchmarkVerify100kEvents200Checkpoints(b *testing.B) {
	events := chain(100_000)
	inc := &leakdesk.Incident{ID: 1, EventCount: int64(len(events)), HeadHash: events[len(events)-1].Hash}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	tree := NewTree(events)
	var cps []*leakdesk.Checkpoint
	for i := 500; i <= len(events); i += 500 {
		cp, err := NewCheckpoint(inc, tree, events[i-1], time.Now(), key)
		if err != nil {
			b.Fatal(err)
		}
		cps = append(cps, cp)
	}
	checker := &Checker{PublicKey: PublicKeyOf(key)}
	b.ResetTimer()
	for b.Loop() {
		if rep := checker.Verify(inc, events, cps, cps, "w"); !rep.OK {
			b.Fatal(rep.Problem)
		}
	}
}
