package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeSendsNotices: a notice queued through the API of leakdesk serve
// is sent in the background by serve's own queue; notify send with the same
// campaign afterwards joins it and sends nothing again.
func TestServeSendsNotices(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		const recipients = 5
		notifyIncident(t, c, recipients, true)
		c.ok("user", "add", "cam", "--role", "communications")
		var tok struct {
			Secret string `json:"secret"`
		}
		c.json(&tok, "user", "token", "cam", "--expires", "1h")
		outbox := filepath.Join(t.TempDir(), "outbox")
		base := serveWith(t, c, http.DefaultClient, "--from", from, "--outbox", outbox)

		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/incidents/INC-0001/notices", strings.NewReader(`{"campaign": "first"}`))
		req.Header.Set("Authorization", "Bearer "+tok.Secret)
		var queued struct {
			Notice int64
			Joined bool
			States map[string]int
		}
		callJSON(t, http.DefaultClient, req, http.StatusAccepted, &queued)
		if queued.Notice == 0 || queued.Joined || queued.States["queued"] != recipients {
			t.Fatalf("queued through the API: %+v", queued)
		}
		for deadline := time.Now().Add(60 * time.Second); len(emlFiles(t, outbox)) < recipients; time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("serve sent %d of %d notices in 60 s", len(emlFiles(t, outbox)), recipients)
			}
		}

		var joined struct {
			Joined bool
			States map[string]int
		}
		c.json(&joined, "notify", "send", "1", "--campaign", "first", "--from", from, "--outbox", outbox)
		if !joined.Joined || joined.States["sent"] != recipients {
			t.Errorf("notify send after serve sent: %+v", joined)
		}
		if got := len(emlFiles(t, outbox)); got != recipients {
			t.Errorf("%d messages in the outbox, want %d: one each", got, recipients)
		}
	})
}
