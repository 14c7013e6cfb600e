package main

import (
	"context"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify/notifytest"
	"github.com/leakdesk/leakdesk/store"
)

// watchPeople writes n synthetic people from first as CSV rows.
func watchPeople(first, n int) string {
	var b strings.Builder
	for id := first; id < first+n; id++ {
		fmt.Fprintf(&b, "Person%d,Family%d,person%d@example.org\n", id, id, id)
	}
	return b.String()
}

// TestKilledWatchTakesEachFileOnce drops 50 files, each with 20 registry
// contacts of its own, into a watched directory while the watcher is
// killed with SIGKILL at random moments and started again. In the end
// each file is triaged once, proposes one incident, and each alert
// arrives by mail and by webhook once, counted by Message-ID and by
// Idempotency-Key. A copy can only come from a kill between a channel's
// reply and the commit that records it (see docs/watch.md): every copy
// must match an attempt the store counted beyond the first, and the test
// logs how many there were.
func TestKilledWatchTakesEachFileOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real process")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		const files = 50
		mp := notifytest.Start(t)
		var mu sync.Mutex
		hooks, hookKeys := map[int64]int{}, map[string]bool{}
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var a struct{ File int64 }
			json.NewDecoder(r.Body).Decode(&a)
			mu.Lock()
			hooks[a.File]++
			hookKeys[r.Header.Get("Idempotency-Key")] = true
			mu.Unlock()
		}))
		defer hook.Close()
		dir, drop := t.TempDir(), t.TempDir()
		registry := filepath.Join(dir, "registry.csv")
		if err := os.WriteFile(registry, []byte("first_name,last_name,email\n"+watchPeople(1, 20*files)), 0o600); err != nil {
			t.Fatal(err)
		}
		args := []string{"watch", drop, "--registry", registry, "--alert-min", "10", "--settle", "200ms", "--rescue-after", "10s",
			"--smtp", "smtp://" + mp.SMTP + "?tls=none", "--from", from, "--alert-to", "dpo@example.org", "--webhook", hook.URL}
		env := c.environ()

		rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 19))
		dropped, kills := 0, 0
		for round := 0; dropped < files || round < 6; round++ {
			cmd, stderr := startSender(t, bin, env, args)
			for end := time.Now().Add(time.Duration(200+rng.IntN(1200)) * time.Millisecond); time.Now().Before(end); {
				if dropped < files && rng.IntN(3) == 0 {
					// Written under a name the watcher leaves alone, then renamed in.
					tmp := filepath.Join(drop, fmt.Sprintf("leak%02d.csv.part", dropped))
					os.WriteFile(tmp, []byte("first,last,email\n"+watchPeople(20*dropped+1, 20)), 0o600)
					os.Rename(tmp, strings.TrimSuffix(tmp, ".part"))
					dropped++
				}
				time.Sleep(40 * time.Millisecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			if killedBySignal(t, cmd.Wait(), stderr) {
				kills++
			}
		}
		cmd, stderr := startSender(t, bin, env, args)
		alerted := func() (int, int) {
			mu.Lock()
			defer mu.Unlock()
			return len(mp.Messages()), len(hooks)
		}
		// A proposal cut short by a kill is taken again only after
		// --rescue-after, later than the alerts: wait for both.
		incidents := store.NewIncidentService(c.openStore(t), nil)
		proposed := func() int {
			found, err := incidents.FindIncidents(context.Background(), leakdesk.IncidentFilter{Status: leakdesk.StatusProposed})
			if err != nil {
				t.Fatal(err)
			}
			return len(found)
		}
		for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if m, h := alerted(); m >= files && h >= files && proposed() >= files {
				break
			}
		}
		time.Sleep(time.Second) // any copy still on its way arrives
		cmd.Process.Signal(syscall.SIGINT)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("watch: %v\n%s", err, stderr)
		}

		mails, ids := mp.Messages(), map[string]int{}
		for _, m := range mails {
			ids[m.MessageID]++
		}
		webhookCalls := 0
		for _, n := range hooks {
			webhookCalls += n
		}
		if len(ids) != files || len(hooks) != files || len(hookKeys) != files {
			t.Fatalf("alerts for %d files by mail (Message-IDs) and %d by webhook (%d Idempotency-Keys), want %d", len(ids), len(hooks), len(hookKeys), files)
		}
		extra := len(mails) - files + webhookCalls - files
		retried := checkTriagedOnce(t, c, files)
		if extra > kills || extra > retried {
			t.Errorf("%d alert copies beyond the first, after %d kills and %d attempts ended without a recorded outcome", extra, kills, retried)
		}
		taken, _ := filepath.Glob(filepath.Join(drop, ".taken", "*"))
		left, _ := filepath.Glob(filepath.Join(drop, "*.csv"))
		if len(taken) != files || len(left) != 0 {
			t.Errorf("%d files moved to .taken and %d left in the drop directory, want %d and 0", len(taken), len(left), files)
		}
		t.Logf("%d kills; %d mails, %d webhook calls for %d files; %d attempts without a recorded outcome", kills, len(mails), webhookCalls, files, retried)
	})
}

// checkTriagedOnce reads the store: one done triage row per file, and one
// proposed incident per alert. It returns how many alert attempts ended
// without a recorded outcome.
func checkTriagedOnce(t *testing.T, c *cli, files int) (retried int) {
	t.Helper()
	db := c.openStore(t)
	triage := store.NewTriageService(db)
	all, err := triage.TriagedBefore(context.Background(), 1<<62)
	if err != nil {
		t.Fatal(err)
	}
	alerts := 0
	for _, f := range all {
		if f.State != leakdesk.TriageDone || f.Contacts != 20 {
			t.Errorf("file %d (%s): %s with %d contacts, want done with 20", f.ID, f.Name, f.State, f.Contacts)
		}
		if !f.AlertedAt.IsZero() {
			alerts++
		}
		retried += f.MailAttempts - 1 + f.WebhookAttempts - 1
	}
	if len(all) != files || alerts != files {
		t.Errorf("%d files triaged, %d alerted, want %d", len(all), alerts, files)
	}
	proposed, err := store.NewIncidentService(db, nil).FindIncidents(context.Background(), leakdesk.IncidentFilter{Status: leakdesk.StatusProposed})
	if err != nil {
		t.Fatal(err)
	}
	if len(proposed) != files {
		t.Errorf("%d incidents proposed, want one per alert: %d", len(proposed), files)
	}
	return retried
}
