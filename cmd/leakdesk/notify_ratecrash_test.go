package main

import (
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk/internal/testenv"
	"github.com/leakdesk/leakdesk/notify/notifytest"
)

// TestKilledRateLimitedCampaignSendsFewSecondCopies runs a campaign under
// a rate limit over several connections, kills the sender with SIGKILL at
// random moments while messages are arriving, several times, then lets it
// finish. Through mailpit's API it counts the second copies (one
// Message-ID received twice) and checks that every recipient got the
// notice and that the second copies are few enough to show that each
// outcome was recorded as soon as its reply came, not when the connection
// next had its turn under the rate.
func TestKilledRateLimitedCampaignSendsFewSecondCopies(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real process")
	}
	testenv.SkipTimedUnderRace(t)
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		// At 20 messages a second over 4 connections each connection sends
		// every 200 ms, most of it waiting for its turn.
		const recipients, connections, rate, wantKills = 160, 4, 20, 10
		mp, env := campaignToKill(t, c, recipients)
		// A short lease, so that a restart takes over what a dead sender held
		// after seconds; it must cover six SMTP timeouts and two turns.
		args := []string{"notify", "send", "1", "--campaign", "first", "--from", from, "--format", "json",
			"--smtp", "smtp://" + mp.SMTP + fmt.Sprintf("?tls=none&timeout=400ms&rate=%d", rate), "--lease", "3s", "--connections", fmt.Sprint(connections), "--batch", "20"}

		rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 18))
		kills := 0
		for kills < wantKills {
			before := arrived(t, mp)
			cmd, stderr := startSender(t, bin, env, args)
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			// The kill lands at a random moment once messages flow, so that
			// it falls anywhere in a connection's cycle of send and wait.
			if flowing, err := waitForArrivals(t, mp, before, exited); err != nil {
				t.Fatalf("sender failed before sending: %v\n%s", err, stderr.String())
			} else if !flowing {
				break // finished between two looks: nothing left to interrupt
			}
			time.Sleep(time.Duration(rng.IntN(500)) * time.Millisecond)
			cmd.Process.Signal(syscall.SIGKILL)
			if !killedBySignal(t, <-exited, stderr) {
				break // finished before the kill: nothing left to interrupt
			}
			kills++
		}
		if kills < wantKills/2 {
			t.Fatalf("only %d kills landed mid-campaign; the test proves little", kills)
		}
		uncertain := finishCampaign(t, bin, env, args, recipients)
		second := secondCopies(t, mp, recipients)
		t.Logf("%d kills over %d connections at rate=%d: %d second copies (same Message-ID), %d deliveries recorded uncertain",
			kills, connections, rate, second, uncertain)
		// Each copy was in flight when a sender died, and is on record as such.
		if second > uncertain {
			t.Errorf("%d second copies but only %d deliveries recorded uncertain", second, uncertain)
		}
		// A kill can catch each connection with one message kept by the
		// server and not yet recorded, so kills × connections is the floor no
		// sender can promise to stay under. How often a kill finds a
		// connection so is the share of its cycle (connections ÷ rate, 200 ms
		// here) between the final dot and the commit of the outcome: a copy
		// per kill is rate × that window. Recorded as the reply comes, the
		// window is the server's reply and one commit, a few milliseconds,
		// some tens on a loaded machine: 0.1 to 0.6 copies a kill. Recorded
		// when the connection's next turn comes, it is nearly the whole
		// cycle: close to one copy per connection, 4 a kill. One copy a kill
		// lies between the two.
		if second > kills {
			t.Errorf("%d second copies after %d kills: outcomes wait for the connection's next turn", second, kills)
		}
	})
}

// arrived counts the messages mailpit holds, from one small page of its API.
func arrived(t *testing.T, mp *notifytest.Mailpit) int {
	t.Helper()
	resp, err := http.Get(mp.API + "/api/v1/messages?limit=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct{ Total int }
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	return page.Total
}

// waitForArrivals waits until mailpit holds more than before messages. It
// reports false, with how the sender ended, if the sender exited first.
func waitForArrivals(t *testing.T, mp *notifytest.Mailpit, before int, exited <-chan error) (bool, error) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		select {
		case err := <-exited:
			return false, err
		case <-time.After(20 * time.Millisecond):
		}
		if arrived(t, mp) > before {
			return true, nil
		}
	}
	t.Fatal("no message arrived in 30 s")
	return false, nil
}
