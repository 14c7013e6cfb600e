package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// TestServeSignsAFilingAtOnce: a filing made through the API is signed and
// handed to the witness while serve runs, without waiting for another
// command (which would sign it on its own way out).
func TestServeSignsAFilingAtOnce(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		witness := t.TempDir()
		c.env["LEAKDESK_SIGNING_KEY"] = filepath.Join(t.TempDir(), "signing.pem")
		c.env["LEAKDESK_WITNESS"] = "dir:" + witness
		c.ok("incident", "new", "--title", "a leak on a forum", "--regime", "gdpr")
		if _, errOut, code := c.runIn("a long password here\n", "user", "add", "ana", "--role", "lead", "--password-stdin"); code != 0 {
			t.Fatalf("user add: %d %s", code, errOut)
		}
		var tok struct {
			Secret string `json:"secret"`
		}
		c.json(&tok, "user", "token", "ana", "--expires", "1h")
		before := witnessed(t, witness)

		client := &http.Client{}
		base := serveWith(t, c, client)
		body := `{"obligation": "gdpr.art33.authority", "at": "` + time.Now().UTC().Format(time.RFC3339) + `", "ref": "CNIL-2026-1"}`
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/incidents/INC-0001/filings", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok.Secret)
		var f leakdesk.Filing
		callJSON(t, client, req, http.StatusOK, &f)

		req, _ = http.NewRequest(http.MethodGet, base+"/api/v1/incidents/INC-0001/events", nil)
		req.Header.Set("Authorization", "Bearer "+tok.Secret)
		var events []leakdesk.Event
		callJSON(t, client, req, http.StatusOK, &events)
		filed := events[len(events)-1]
		if filed.Kind != leakdesk.EventObligationFiled {
			t.Fatalf("the timeline ends with %s", filed.Kind)
		}
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if got := witnessed(t, witness); got > before && got >= filed.Seq {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("10 s after the filing (event %d), the witness holds checkpoints up to %d events", filed.Seq, witnessed(t, witness))
			}
		}
	})
}

// witnessed returns the size of the largest checkpoint of INC-0001 in a
// directory witness, 0 when it holds none.
func witnessed(t *testing.T, dir string) int64 {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "INC-0001"))
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	var largest int64
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, "INC-0001", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		var cp leakdesk.Checkpoint
		if err := json.Unmarshal(data, &cp); err != nil {
			continue // a checkpoint being written
		}
		largest = max(largest, cp.Size)
	}
	return largest
}
