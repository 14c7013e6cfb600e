package main

import (
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/leakdesk/leakdesk/notify/notifytest"
)

// campaignToKill makes incident 1, ready to notify recipients, and a
// mailpit to receive its notices, for a test that runs and kills senders
// in the environment it returns.
func campaignToKill(t *testing.T, c *cli, recipients int) (*notifytest.Mailpit, []string) {
	t.Helper()
	notifyIncident(t, c, recipients, true)
	return notifytest.Start(t), c.environ()
}

// startSender starts a leakdesk process, keeping its stderr, which may be
// read while it runs.
func startSender(t *testing.T, bin string, env, args []string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stderr
}

// killedBySignal reports whether a sender that ended with err was killed,
// and fails the test if it failed on its own. A sender that finished
// before the kill returns false.
func killedBySignal(t *testing.T, err error, stderr *syncBuffer) bool {
	t.Helper()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.Sys().(syscall.WaitStatus).Signaled() {
		return true
	}
	if err != nil {
		t.Fatalf("sender failed on its own: %v\n%s", err, stderr.String())
	}
	return false
}

// finishCampaign runs the sender to the end, checks that it sent to every
// one of recipients, and returns how many deliveries it recorded
// uncertain.
func finishCampaign(t *testing.T, bin string, env, args []string, recipients int) int {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("final run: %v", err)
	}
	var res struct {
		States    map[string]int
		Uncertain int
	}
	if err := json.Unmarshal(out, &res); err != nil || res.States["sent"] != recipients {
		t.Fatalf("final run: %s (%v)", out, err)
	}
	return res.Uncertain
}

// secondCopies checks through mailpit's API that each of recipients got
// the notice under one Message-ID, and counts the copies beyond the first.
func secondCopies(t *testing.T, mp *notifytest.Mailpit, recipients int) int {
	t.Helper()
	idsOf := map[string]map[string]bool{} // by recipient
	total := 0
	for _, m := range mp.Messages() {
		to := strings.ToLower(m.To[0].Address)
		if idsOf[to] == nil {
			idsOf[to] = map[string]bool{}
		}
		idsOf[to][m.MessageID] = true
		total++
	}
	if len(idsOf) != recipients {
		t.Fatalf("%d recipients got a notice, want %d", len(idsOf), recipients)
	}
	for to, ids := range idsOf {
		if len(ids) != 1 {
			t.Errorf("%s got %d different messages for one notice: %v", to, len(ids), ids)
		}
	}
	return total - recipients
}
