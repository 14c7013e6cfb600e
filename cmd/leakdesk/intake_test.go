package main

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// TestIntakeAPI posts files to serve --intake as a threat-intelligence
// feed would, with the token of an account of the intake role, which
// reads no incident: a leak of registry contacts is
// triaged, alerts once by webhook and proposes an incident holding the
// file as evidence, which a lead confirms with a corrected awareness time,
// approved by a second principal; the same file posted again is
// "seen on"; a file that cannot be read is reported unread, not as
// holding nobody; an upload over the limit is refused and nothing kept.
func TestIntakeAPI(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		dir := t.TempDir()
		registry := filepath.Join(dir, "registry.csv")
		if err := os.WriteFile(registry, []byte("first_name,last_name,email\n"+watchPeople(1, 200)), 0o600); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var alerts []map[string]any
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var a map[string]any
			json.NewDecoder(r.Body).Decode(&a)
			mu.Lock()
			alerts = append(alerts, a)
			mu.Unlock()
		}))
		defer hook.Close()
		if _, errOut, code := c.runIn("a long password here\n", "user", "add", "feed", "--role", "intake", "--password-stdin"); code != 0 {
			t.Fatalf("user add: %d %s", code, errOut)
		}
		var tok struct{ Secret string }
		c.json(&tok, "user", "token", "feed", "--expires", "1h")

		client := &http.Client{Timeout: 30 * time.Second}
		base := serveWith(t, c, client, "--intake", "--registry", registry, "--webhook", hook.URL, "--alert-min", "10", "--intake-max", "100000")
		post := func(source, url, name string, content []byte, want int) map[string]any {
			t.Helper()
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			mw.WriteField("source", source)
			mw.WriteField("url", url)
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write(content)
			mw.Close()
			req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/intake", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+tok.Secret)
			var out map[string]any
			callJSON(t, client, req, want, &out)
			return out
		}
		show := func(id float64) leakdesk.TriageFile {
			t.Helper()
			var f leakdesk.TriageFile
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/intake/"+jsonNumber(int64(id)), nil)
				req.Header.Set("Authorization", "Bearer "+tok.Secret)
				callJSON(t, client, req, http.StatusOK, &f)
				if f.State != leakdesk.TriageQueued {
					return f
				}
			}
			t.Fatalf("file %v still queued", id)
			return f
		}
		fileID := func(r map[string]any) float64 { return r["file"].(map[string]any)["id"].(float64) }

		leak := []byte("first,last,email\n" + watchPeople(1, 50))
		first := post("feed:paste-monitor", "https://paste.example/p/abc.csv", "abc.csv", leak, http.StatusAccepted)
		got := show(fileID(first))
		if got.State != leakdesk.TriageDone || got.Contacts != 50 || got.AlertedAt.IsZero() || got.Source != "feed:paste-monitor" || got.URL != "https://paste.example/p/abc.csv" {
			t.Errorf("posted leak: %+v; want done with 50 contacts, alerted, with its source and URL", got)
		}
		again := post("feed:other", "https://mirror.example/x", "x.csv", leak, http.StatusOK)
		if again["seen"] != true || fileID(again) != fileID(first) || !strings.Contains(again["message"].(string), "seen on") {
			t.Errorf("the same file posted again: %v", again)
		}
		unread := show(fileID(post("feed:paste-monitor", "https://paste.example/p/bin", "bin", []byte{0, 1, 2, 3, 0xff, 0xfe, 0, 0, 7}, http.StatusAccepted)))
		if unread.State != leakdesk.TriageUnread || unread.Detail == "" || !unread.AlertedAt.IsZero() {
			t.Errorf("a file that cannot be read: %s (%q), alerted %v; want unread with the reason", unread.State, unread.Detail, unread.AlertedAt)
		}
		tooBig := post("feed:paste-monitor", "", "big.csv", bytes.Repeat([]byte("a,b,c\n"), 20000), http.StatusBadRequest)
		if msg := tooBig["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "limit") {
			t.Errorf("an upload over the limit: %q", msg)
		}
		post("", "", "x.csv", leak, http.StatusBadRequest)

		eventually(func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(alerts) > 0
		})
		time.Sleep(300 * time.Millisecond) // a second alert would have come by now
		mu.Lock()
		if len(alerts) != 1 || alerts[0]["contacts"] != float64(50) {
			t.Errorf("webhook alerts: %v, want one with 50 contacts", alerts)
		}
		mu.Unlock()

		var proposed []struct{ ID, Status string }
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && len(proposed) == 0; time.Sleep(100 * time.Millisecond) {
			c.json(&proposed, "incident", "list", "--status", "proposed")
		}
		if len(proposed) != 1 {
			t.Fatalf("proposed incidents: %+v, want one", proposed)
		}
		// The feed's token takes files in and reads no incident.
		for _, path := range []string{"/api/v1/incidents/" + proposed[0].ID, "/api/v1/incidents/" + proposed[0].ID + "/evidence"} {
			req, _ := http.NewRequest(http.MethodGet, base+path, nil)
			req.Header.Set("Authorization", "Bearer "+tok.Secret)
			callJSON(t, client, req, http.StatusForbidden, &map[string]any{})
		}

		// The posted file is the proposed incident's evidence.
		var held []struct{ SHA256 string }
		c.json(&held, "evidence", "list", proposed[0].ID)
		if len(held) != 1 || held[0].SHA256 != got.SHA256 {
			t.Errorf("evidence of the proposed incident: %+v, want the posted file %s", held, got.SHA256)
		}

		// Under the two-person rule, the corrected confirmation waits for
		// a second principal.
		c.ok("approvals", "require", proposed[0].ID, "on")
		aware := got.AlertedAt.Add(-3 * time.Hour).UTC().Format(time.RFC3339)
		var req leakdesk.Approval
		c.json(&req, "incident", "confirm", proposed[0].ID, "--aware-at", aware, "--reason", "the feed saw it three hours earlier")
		var inc struct {
			Status  string
			AwareAt time.Time `json:"aware_at"`
		}
		c.json(&inc, "incident", "show", proposed[0].ID)
		if req.Status != leakdesk.ApprovalPending || inc.Status != leakdesk.StatusProposed {
			t.Errorf("a corrected confirmation under the two-person rule: request %+v, incident %s; want held, still proposed", req, inc.Status)
		}
		c.osUser = "second"
		c.ok("approve", strconv.FormatInt(req.ID, 10))
		c.json(&inc, "incident", "show", proposed[0].ID)
		if inc.Status != leakdesk.StatusOpen || inc.AwareAt.Format(time.RFC3339) != aware {
			t.Errorf("confirmed incident: %+v, want open, aware at %s", inc, aware)
		}
		if _, errOut, code := c.run("incident", "confirm", proposed[0].ID); code == 0 || !strings.Contains(errOut, "confirmed by") {
			t.Errorf("confirming twice: exit %d, %s", code, errOut)
		}
	})
}
