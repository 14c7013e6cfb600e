package store_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/store/storetest"
	"github.com/leakdesk/leakdesk/vault"
)

// TestKeptMoveHelper is the process TestKilledMoveStaysConsistent kills:
// it moves the files kept for the master key, then exits.
func TestKeptMoveHelper(t *testing.T) {
	dsn := os.Getenv("LEAKDESK_KEPT_MOVE_DSN")
	if dsn == "" {
		t.Skip("run by TestKilledMoveStaysConsistent")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, err := vault.Open(os.Getenv("LEAKDESK_KEPT_MOVE_VAULT"), os.Getenv("LEAKDESK_KEPT_MOVE_KEY"))
	if err != nil {
		t.Fatal(err)
	}
	kept, err := store.NewKeptFileService(db, v)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kept.MoveKeptFiles(ctx, "local:admin"); err != nil {
		t.Fatal(err)
	}
}

// TestKilledMoveStaysConsistent kills, with SIGKILL at random moments, a
// process moving files kept for the master key into their incidents or
// under keys of their own. After every kill each file reads, with its
// content, where the store says it is, and each timeline verifies; the
// next run finishes the move.
func TestKilledMoveStaysConsistent(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := storetest.DSN(t, backend)
			db, err := store.Open(ctx, dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			d := newKeptDesk(t, &harness{db: db})
			// Files of the watch, kept for the master key as before case
			// keys; every third proposed an incident that reads it there.
			contents := map[string]string{}
			incidentOf := map[string]int64{}
			for i := range 48 {
				var b strings.Builder
				for j := range 2000 {
					fmt.Fprintf(&b, "person%d.%d@example.org,+3360%07d\n", i, j, i*2000+j)
				}
				f := d.take(t, d.v, b.String())
				contents[f.SHA256] = b.String()
				if i%3 == 0 {
					incidentOf[f.SHA256] = d.propose(t, f).ID
				}
			}

			rng := rand.New(rand.NewPCG(19, uint64(len(backend))))
			kills, finished := 0, false
			for run := 0; run < 40 && !finished; run++ {
				cmd := exec.Command(os.Args[0], "-test.run=^TestKeptMoveHelper$")
				cmd.Env = append(os.Environ(), "LEAKDESK_KEPT_MOVE_DSN="+dsn, "LEAKDESK_KEPT_MOVE_VAULT="+d.dir, "LEAKDESK_KEPT_MOVE_KEY="+d.key)
				var out bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				if run < 30 {
					select {
					case err := <-done:
						finished = err == nil
						if err != nil {
							t.Fatalf("move run %d: %v\n%s", run, err, out.String())
						}
					case <-time.After(time.Duration(20+rng.IntN(300)) * time.Millisecond):
						cmd.Process.Signal(syscall.SIGKILL)
						<-done
						kills++
					}
				} else {
					if err := <-done; err != nil {
						t.Fatalf("move run %d: %v\n%s", run, err, out.String())
					}
					finished = true
				}
				checkKeptFiles(t, d, contents, incidentOf)
			}
			if !finished || kills == 0 {
				t.Fatalf("finished %v after %d kills: the test killed nothing or never finished", finished, kills)
			}
			t.Logf("%d kills before the move finished", kills)
			if got := files(t, filepath.Join(d.dir, "sha256", "*", "*.age")); len(got) != 0 {
				t.Errorf("master-key copies left after the move: %d", len(got))
			}
			for sum, id := range incidentOf {
				if !d.v.IncidentHolds(id, sum) || d.v.CaseHolds(sum) {
					t.Errorf("%s is not under its incident's key alone", sum[:12])
				}
			}
			for sum := range contents {
				if _, ok := incidentOf[sum]; !ok && !d.v.CaseHolds(sum) {
					t.Errorf("%s is not under a key of its own", sum[:12])
				}
			}
		})
	}
}

// checkKeptFiles fails the test unless every file reads, whole, where the
// store says it is, and the incidents' timelines verify.
func checkKeptFiles(t *testing.T, d *keptDesk, contents map[string]string, incidentOf map[string]int64) {
	t.Helper()
	ctx := context.Background()
	v, err := vault.Open(d.dir, d.key) // sweeps what the killed process left
	if err != nil {
		t.Fatal(err)
	}
	for sum, want := range contents {
		blobs := v.Cases()
		if id, ok := incidentOf[sum]; ok {
			blobs = v.ForIncident(id)
		}
		if got, err := readBlob(blobs, sum); err != nil || got != want {
			t.Fatalf("%s after a kill: %d bytes, %v", sum[:12], len(got), err)
		}
	}
	for _, id := range incidentOf {
		mustVerify(t, d.incidents, id)
	}
	for id := int64(1); id <= int64(len(contents)); id++ {
		f, err := d.triage.FindTriage(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if s := f.Shredded; s != nil && (s.Incident == 0 || !v.IncidentHolds(s.Incident, f.SHA256)) {
			t.Fatalf("file %d is recorded as moved (%+v) but its incident does not hold it", f.ID, s)
		}
		if v.CaseHolds(f.SHA256) && len(files(t, filepath.Join(d.dir, "keys", "case-"+f.SHA256+".age"))) != 1 {
			t.Fatalf("file %d is held without its key", f.ID)
		}
	}
}
