package main

import (
	"bytes"
	"encoding/json"
	"errors"
	mrand "math/rand/v2"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk/notify/notifytest"
)

// TestKilledCampaignSendsEachNoticeOnce starts a 2,000-recipient campaign
// and kills the sender with SIGKILL at random points, several times, then
// lets it finish. Through mailpit's API it checks that every recipient got
// the notice, under one Message-ID, and that copies beyond the first are
// no more than the messages that were in flight at each kill, each one
// recorded on the timeline as uncertain.
func TestKilledCampaignSendsEachNoticeOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real process")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		const recipients, connections = 2000, 4
		mp, env := campaignToKill(t, c, recipients)
		// A short lease, so that a restart takes over what a dead sender held
		// after seconds, not minutes; it must be at least six SMTP timeouts.
		args := []string{"notify", "send", "1", "--campaign", "first", "--from", from, "--format", "json",
			"--smtp", "smtp://" + mp.SMTP + "?tls=none&timeout=400ms", "--lease", "2500ms", "--connections", "4", "--batch", "25"}

		rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 2))
		kills := 0
		for attempt := 0; attempt < 12 && kills < 5; attempt++ {
			cmd, stderr := startSender(t, bin, env, args)
			time.Sleep(time.Duration(300+rng.IntN(1500)) * time.Millisecond)
			cmd.Process.Signal(syscall.SIGKILL)
			if killedBySignal(t, cmd.Wait(), stderr) {
				kills++
			} else {
				attempt = 99 // finished before the kill: nothing left to interrupt
			}
			t.Logf("run %d: %d messages arrived so far", attempt+1, len(mp.Messages()))
		}
		if kills == 0 {
			t.Fatalf("no kill landed mid-campaign; the test proves nothing")
		}
		uncertain := finishCampaign(t, bin, env, args, recipients)
		extra := secondCopies(t, mp, recipients)
		if extra > uncertain || extra > kills*connections {
			t.Errorf("%d copies beyond the first, %d recorded uncertain, %d kills of %d connections", extra, uncertain, kills, connections)
		}
		t.Logf("%d kills; %d copies beyond the first (same Message-ID), %d deliveries recorded uncertain", kills, extra, uncertain)
		c.ok("incident", "verify", "1")
	})
}

// TestInterruptedCampaignResumes: Ctrl-C stops a campaign cleanly, with
// every message's outcome recorded, and the same command resumes it. After
// a clean stop nothing at all is sent twice.
func TestInterruptedCampaignResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and interrupts a real process")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		const recipients = 600
		notifyIncident(t, c, recipients, true)
		mp := notifytest.Start(t)
		env := c.environ()
		args := []string{"notify", "send", "1", "--campaign", "first", "--from", from, "--format", "json",
			"--smtp", "smtp://" + mp.SMTP + "?tls=none&rate=300"}
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); len(mp.Messages()) < 50 && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGINT)
		err := cmd.Wait()
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != exitInterrupted || !strings.Contains(stderr.String(), "run the same command again") {
			t.Fatalf("interrupted send: %v\n%s", err, stderr.String())
		}
		arrived := len(mp.Messages())
		if arrived >= recipients {
			t.Fatalf("all %d messages arrived before the interrupt took effect", arrived)
		}

		cmd = exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("resumed send: %v", err)
		}
		var res struct {
			Joined    bool
			States    map[string]int
			Uncertain int
		}
		if err := json.Unmarshal(out, &res); err != nil || !res.Joined || res.States["sent"] != recipients || res.Uncertain != 0 {
			t.Fatalf("resumed send: %s (%v)", out, err)
		}
		seen := map[string]bool{}
		for _, m := range mp.Messages() {
			if seen[m.MessageID] {
				t.Errorf("message %s arrived twice after a clean stop", m.MessageID)
			}
			seen[m.MessageID] = true
		}
		if len(seen) != recipients {
			t.Fatalf("%d messages, want %d", len(seen), recipients)
		}
		t.Logf("%d of %d messages sent before Ctrl-C; the rest after the restart", arrived, recipients)
	})
}
