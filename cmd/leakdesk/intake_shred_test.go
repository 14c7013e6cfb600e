package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// TestIntakeListAndShredOverServe: a file a feed posts to serve --intake,
// with too few registry contacts to alert, is listed by GET
// /api/v1/intake once triaged; an analyst may not shred it, a lead does
// over the API, and the file then reads as shredded by that lead, to the
// API and to the command, which returns the same record.
func TestIntakeListAndShredOverServe(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		dir := t.TempDir()
		registry := filepath.Join(dir, "registry.csv")
		if err := os.WriteFile(registry, []byte("first_name,last_name,email\n"+watchPeople(1, 50)), 0o600); err != nil {
			t.Fatal(err)
		}
		secrets := map[string]string{}
		for name, role := range map[string]string{"feed": "intake", "lea": "lead", "ana": "analyst"} {
			if _, errOut, code := c.runIn("a long password here\n", "user", "add", name, "--role", role, "--password-stdin"); code != 0 {
				t.Fatalf("user add %s: %d %s", name, code, errOut)
			}
			var tok struct{ Secret string }
			c.json(&tok, "user", "token", name, "--expires", "1h")
			secrets[name] = tok.Secret
		}
		client := &http.Client{Timeout: 30 * time.Second}
		base := serveWith(t, c, client, "--intake", "--registry", registry, "--alert-min", "10")
		send := func(method, path, who, contentType string, body *bytes.Buffer, want int, out any) {
			t.Helper()
			if body == nil {
				body = &bytes.Buffer{}
			}
			req, _ := http.NewRequest(method, base+path, body)
			req.Header.Set("Authorization", "Bearer "+secrets[who])
			if contentType != "" {
				req.Header.Set("Content-Type", contentType)
			}
			callJSON(t, client, req, want, out)
		}

		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("source", "feed:paste-monitor")
		fw, _ := mw.CreateFormFile("file", "few.csv")
		fw.Write([]byte("first,last,email\n" + watchPeople(1, 3)))
		mw.Close()
		var rec struct{ File leakdesk.TriageFile }
		send(http.MethodPost, "/api/v1/intake", "feed", mw.FormDataContentType(), &body, http.StatusAccepted, &rec)
		id := jsonNumber(rec.File.ID)

		var page leakdesk.TriagePage
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			send(http.MethodGet, "/api/v1/intake?state=done", "ana", "", nil, http.StatusOK, &page)
			if len(page.Files) == 1 || time.Now().After(deadline) {
				break
			}
		}
		if len(page.Files) != 1 || page.Files[0].ID != rec.File.ID || page.Files[0].Contacts != 3 || page.Files[0].Incident != 0 {
			t.Fatalf("done files: %+v, want file %s with 3 contacts and no incident", page.Files, id)
		}

		shred := func(who string, want int, out any) {
			t.Helper()
			send(http.MethodPost, "/api/v1/intake/"+id+"/shred", who, "application/json", bytes.NewBufferString(`{"reason": "below the alert threshold", "confirm": true}`), want, out)
		}
		var refused map[string]any
		shred("ana", http.StatusForbidden, &refused)
		var got leakdesk.KeptFileShred
		shred("lea", http.StatusOK, &got)
		if got.SHA256 != rec.File.SHA256 || !strings.Contains(got.Actor, "lea") || got.Reason != "below the alert threshold" {
			t.Fatalf("shred: %+v", got)
		}
		var shown leakdesk.TriageFile
		send(http.MethodGet, "/api/v1/intake/"+id, "feed", "", nil, http.StatusOK, &shown)
		if shown.Shredded == nil || shown.Shredded.Actor != got.Actor || shown.State != leakdesk.TriageDone {
			t.Errorf("the file after its shredding: %+v", shown)
		}
		var again leakdesk.KeptFileShred
		c.json(&again, "triage", "shred", id, "--reason", "again", "--confirm")
		if again.Actor != got.Actor || !again.At.Equal(got.At) {
			t.Errorf("the command after the API: %+v, want the first record %+v", again, got)
		}
	})
}
