package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const from = "Acme DPO <dpo@acme.example>"

// notifyIncident makes incident 1 whose findings hold the contacts of a
// synthetic registry of n rows, the leak being the registry itself, with
// the facts a notice needs unless facts is false. It returns the registry.
func notifyIncident(t *testing.T, c *cli, n int, facts bool) string {
	t.Helper()
	reg := filepath.Join(t.TempDir(), "registry.csv")
	c.ok("sample", "--contacts-csv", reg, "--rows", fmt.Sprint(n), "--seed", "3")
	c.ok("incident", "new", "--title", "list on a forum", "--aware-at", "now", "--country", "FR", "--regime", "gdpr")
	c.ok("match", "--registry", reg, "--incident", "1", reg)
	if facts {
		noticeFacts(c, "1")
	}
	return reg
}

// noticeFacts records the facts a notice needs in incident id.
func noticeFacts(c *cli, id string) {
	for _, kv := range [][2]string{
		{"circumstances", "A list of customer contacts was posted on a forum."},
		{"circumstances.fr", "Une liste de contacts clients a été publiée sur un forum."},
		{"consequences", "Phishing using your name and role."},
		{"measures", "The access was closed."},
		{"dpo", "dpo@acme.example, +33 1 00 00 00 00"},
	} {
		c.ok("incident", "fact", id, kv[0], kv[1])
	}
}

// emlFiles lists the outbox.
func emlFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func readEML(t *testing.T, path string) (*mail.Message, string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(m.Body)
	body = bytes.ReplaceAll(bytes.ReplaceAll(body, []byte("=\r\n"), nil), []byte("=3D"), []byte("="))
	return m, string(body)
}

func TestNotifyCommands(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		notifyIncident(t, c, 30, false)
		outbox := filepath.Join(c.env["LEAKDESK_DATA"], "outbox")

		// Nothing is sent without what GDPR Art. 34(2) requires.
		_, errOut, code := c.run("notify", "send", "1", "--campaign", "first", "--from", from)
		if code != exitInvalid || !strings.Contains(errOut, "circumstances") || !strings.Contains(errOut, "leakdesk incident fact INC-0001") {
			t.Fatalf("send without facts: exit %d, %s", code, errOut)
		}
		if files := emlFiles(t, outbox); len(files) != 0 {
			t.Fatalf("%d messages written before the facts were given", len(files))
		}
		_, errOut, code = c.run("notify", "send", "1", "--campaign", "first")
		if code != exitInvalid || !strings.Contains(errOut, "--from is required") {
			t.Fatalf("send without --from: exit %d, %s", code, errOut)
		}
		c.ok("incident", "fact", "1", "circumstances", "A list of customer contacts was posted on a forum.")
		c.ok("incident", "fact", "1", "circumstances.fr", "Une liste de contacts clients a été publiée sur un forum.")
		c.ok("incident", "fact", "1", "consequences", "Phishing using your name and role.")
		c.ok("incident", "fact", "1", "measures", "The access was closed.")
		c.ok("incident", "fact", "1", "dpo", "dpo@acme.example")
		if _, errOut, code := c.run("incident", "fact", "1", "measures.de", "x"); code != exitInvalid || !strings.Contains(errOut, `language "de"`) {
			t.Fatalf("fact in an unknown language: exit %d, %s", code, errOut)
		}

		// Every fact is there, but traps are armed: untagged facts, no
		// controller fact, acknowledgement links on localhost.
		out, errOut, code := c.run("notify", "plan", "1", "--from", from)
		if code != exitInvalid || !strings.Contains(out, "Not ready:") || strings.Contains(out, "Ready:") ||
			!strings.Contains(out, "fact measures has no language tag") || !strings.Contains(out, "measures.fr") ||
			!strings.Contains(out, `no controller fact: notices name the company "Acme DPO"`) || !strings.Contains(out, "http://localhost:8080") ||
			!strings.Contains(errOut, "not ready") {
			t.Fatalf("plan with traps: exit %d\n%s\n%s", code, out, errOut)
		}
		for _, kv := range [][2]string{{"controller", "Acme SA"}, {"consequences.fr", "Hameçonnage."}, {"consequences.en", "Phishing."},
			{"measures.fr", "Accès fermé."}, {"measures.en", "The access was closed."}, {"dpo.fr", "dpo@acme.example"}, {"dpo.en", "dpo@acme.example"},
			{"circumstances.en", "A list of customer contacts was posted on a forum."}} {
			c.ok("incident", "fact", "1", kv[0], kv[1])
		}
		var plan struct {
			Ready      bool
			Traps      []struct{ Trap, Fix string }
			Recipients []struct {
				Recipient struct{ Key, Email, Language string }
				Channel   string
				Subject   string
				Exposed   []string
			}
		}
		c.json(&plan, "notify", "plan", "1", "--from", from, "--base-url", "https://desk.acme.example")
		if !plan.Ready || len(plan.Traps) != 0 || len(plan.Recipients) != 30 || plan.Recipients[0].Channel != "email" || plan.Recipients[0].Subject == "" || len(plan.Recipients[0].Exposed) == 0 {
			t.Fatalf("plan = %+v", plan)
		}
		key := plan.Recipients[0].Recipient.Key
		preview := c.ok("notify", "preview", "1", "--recipient", key, "--from", from)
		if !strings.Contains(preview, "Subject: [Acme SA]") || !strings.Contains(preview, "/ack/") || !strings.Contains(preview, "dpo@acme.example") {
			t.Fatalf("preview:\n%s", preview)
		}
		if files := emlFiles(t, outbox); len(files) != 0 {
			t.Fatalf("plan or preview wrote %d messages", len(files))
		}

		var sent struct {
			Joined   bool
			States   map[string]int
			Problems []string
		}
		c.json(&sent, "notify", "send", "1", "--campaign", "first", "--from", from)
		if sent.Joined || sent.States["sent"] != 30 || len(emlFiles(t, outbox)) != 30 {
			t.Fatalf("send: %+v, %d files", sent, len(emlFiles(t, outbox)))
		}
		// Started twice, the campaign joins the first and sends nothing.
		c.json(&sent, "notify", "send", "1", "--campaign", "first", "--from", from)
		if !sent.Joined || sent.States["sent"] != 30 || len(emlFiles(t, outbox)) != 30 {
			t.Fatalf("second send: %+v, %d files", sent, len(emlFiles(t, outbox)))
		}
		if _, errOut, code := c.run("notify", "send", "1", "--campaign", "again", "--from", from); code != exitConflict || !strings.Contains(errOut, "already has a first notice") {
			t.Fatalf("a second first notice: exit %d, %s", code, errOut)
		}

		// Another recipient, added since, gets the first notice then the update.
		others := filepath.Join(t.TempDir(), "others.csv")
		os.WriteFile(others, []byte("email,name,organisation,role,language\nrssi@client.example,Jo Client,Client SA,security,fr\nnot-an-address,X,Y,z,en\n"), 0o644)
		if _, errOut, code := c.run("notify", "recipients", "1", "--add", others); code != exitInvalid || !strings.Contains(errOut, "line 3") {
			t.Fatalf("bad others file: exit %d, %s", code, errOut)
		}
		os.WriteFile(others, []byte("email,name,organisation,role,language\nrssi@client.example,Jo Client,Client SA,security,fr\n"), 0o644)
		c.ok("notify", "recipients", "1", "--add", others)
		message := filepath.Join(t.TempDir(), "update.txt")
		os.WriteFile(message, []byte("We found the source of the leak.\n\nNo configuration leaked."), 0o644)
		messageFR := filepath.Join(t.TempDir(), "update.fr.txt")
		os.WriteFile(messageFR, []byte("Nous avons trouvé la source de la fuite."), 0o644)
		c.json(&sent, "notify", "update", "1", "--campaign", "u1", "--message", message, "--message-fr", messageFR, "--from", from)
		if sent.States["sent"] != 31 || len(emlFiles(t, outbox)) != 62 {
			t.Fatalf("update: %+v, %d files (want 30 + 1 late first notice + 31)", sent, len(emlFiles(t, outbox)))
		}
		var lateFirst, lateUpdate, frenchUpdate bool
		for _, f := range emlFiles(t, outbox) {
			m, body := readEML(t, f)
			if key := m.Header.Get("X-Idempotency-Key"); !strings.HasPrefix(key, "INC-0001/n") {
				t.Fatalf("%s: idempotency key %q", f, key)
			}
			if strings.Contains(m.Header.Get("To"), "rssi@client.example") {
				lateFirst = lateFirst || m.Header.Get("X-Leakdesk-Notice") == "1"
				lateUpdate = lateUpdate || m.Header.Get("X-Leakdesk-Notice") == "2"
			}
			if m.Header.Get("X-Leakdesk-Notice") == "2" && m.Header.Get("Content-Language") == "fr" {
				frenchUpdate = strings.Contains(body, "Nous avons trouv") && !strings.Contains(body, "We found")
			}
		}
		if !lateFirst || !lateUpdate || !frenchUpdate {
			t.Fatalf("late first notice %v, late update %v, French update in French %v", lateFirst, lateUpdate, frenchUpdate)
		}
		// Without --campaign, running the same update again resumes it; it
		// never sends it twice.
		second := filepath.Join(t.TempDir(), "second.txt")
		os.WriteFile(second, []byte("The inquiry is closed."), 0o644)
		c.json(&sent, "notify", "update", "1", "--message", second, "--from", from)
		before := len(emlFiles(t, outbox))
		c.json(&sent, "notify", "update", "1", "--message", second, "--from", from)
		if !sent.Joined || sent.States["sent"] != 31 || len(emlFiles(t, outbox)) != before {
			t.Fatalf("the same update run twice: %+v, %d files (want %d)", sent, len(emlFiles(t, outbox)), before)
		}

		// A bounce comes back for a notice to an affected contact (the
		// registry gives them a phone to call instead).
		var m, other *mail.Message
		var bounced *mail.Address
		for _, f := range emlFiles(t, outbox) {
			m, _ = readEML(t, f)
			if bounced, _ = mail.ParseAddress(m.Header.Get("To")); bounced.Address != "rssi@client.example" {
				break
			}
		}
		for _, f := range emlFiles(t, outbox) {
			if other, _ = readEML(t, f); !strings.Contains(other.Header.Get("To"), bounced.Address) {
				break
			}
		}
		writeDSN := func(finalRecipient, messageID string) string {
			dsn := filepath.Join(t.TempDir(), "bounce.eml")
			os.WriteFile(dsn, []byte(strings.Join([]string{
				"From: MAILER-DAEMON@mx.example", "To: dpo@acme.example", "Subject: Undelivered", "MIME-Version: 1.0",
				`Content-Type: multipart/report; report-type=delivery-status; boundary="b"`, "",
				"--b", "Content-Type: text/plain", "", "Failed.", "--b", "Content-Type: message/delivery-status", "",
				"Reporting-MTA: dns; mx.example", "", "Final-Recipient: rfc822; " + finalRecipient, "Action: failed", "Status: 5.1.1",
				"Diagnostic-Code: smtp; 550 5.1.1 user unknown", "", "--b", "Content-Type: text/rfc822-headers", "",
				"Message-ID: " + messageID, "", "--b--", ""}, "\r\n")), 0o644)
			return dsn
		}
		var reports struct {
			Bounced int
			Unknown []string
			Refused []string
		}
		// A report on someone else's notice that names this recipient
		// (forged, or misrouted) is refused and counted, and bounces nobody.
		c.json(&reports, "notify", "reports", writeDSN(bounced.Address, other.Header.Get("Message-Id")))
		if reports.Bounced != 0 || len(reports.Refused) != 1 || !strings.Contains(reports.Refused[0], bounced.Address) {
			t.Fatalf("a report naming another recipient: %+v", reports)
		}
		dsn := writeDSN(bounced.Address, m.Header.Get("Message-Id"))
		c.json(&reports, "notify", "reports", dsn, filepath.Dir(dsn))
		if reports.Bounced != 2 || len(reports.Unknown) != 0 || len(reports.Refused) != 0 {
			t.Fatalf("reports (the file named, then its directory, so twice): %+v", reports)
		}

		var cov struct {
			Counts    map[string]int
			Unreached int
			Entries   []struct {
				Recipient struct{ Key, Email, Phone string }
				State     string
				Next      string
			}
		}
		c.json(&cov, "notify", "coverage", "1")
		var bouncedKey string
		for _, e := range cov.Entries {
			if e.Recipient.Email == bounced.Address {
				bouncedKey = e.Recipient.Key
				if e.State != "bounced" || e.Next == "" || (e.Recipient.Phone != "" && !strings.Contains(e.Next, "call "+e.Recipient.Phone)) {
					t.Fatalf("bounced recipient: %+v", e)
				}
			}
		}
		if cov.Unreached != 1 || cov.Counts["sent"] != 30 {
			t.Fatalf("coverage = %+v", cov.Counts)
		}
		if _, errOut, code := c.run("incident", "close", "1", "--reason", "done"); code != exitConflict || !strings.Contains(errOut, bouncedKey+" (bounced)") {
			t.Fatalf("close with someone unreached: exit %d, %s", code, errOut)
		}
		if _, errOut, code := c.run("notify", "log-contact", "1", bouncedKey, "--channel", "phone", "--outcome", "waived"); code != exitInvalid || !strings.Contains(errOut, "reason") {
			t.Fatalf("waived without a reason: exit %d, %s", code, errOut)
		}
		c.ok("notify", "log-contact", "1", bouncedKey, "--channel", "phone", "--outcome", "reached", "--note", "told on the phone")
		// Coverage says what is known: one reached by phone, the others
		// sent, with nothing to show that the notice arrived.
		var known struct {
			Summary struct {
				All struct {
					ByPhone   int `json:"reached_by_phone"`
					Sent      int `json:"sent_no_evidence"`
					Unreached int
				}
			}
		}
		c.json(&known, "notify", "coverage", "1")
		if s := known.Summary.All; s.ByPhone != 1 || s.Sent != 30 || s.Unreached != 0 {
			t.Fatalf("coverage summary = %+v", s)
		}
		text := c.ok("notify", "coverage", "1")
		if !strings.Contains(text, "Affected contacts (30): 1 reached on evidence (1 by phone); 29 sent, with no evidence yet that it arrived") ||
			!strings.Contains(text, "30 of them with no evidence yet") || strings.Contains(text, "Everyone is reached") {
			t.Fatalf("coverage says more than is known:\n%s", text)
		}
		c.ok("incident", "close", "1", "--reason", "everyone reached", "--waive", "gdpr.art33.authority=the test does not notify the CNIL",
			"--waive", "gdpr.art34.subjects=the test files nothing", "--waive", "gdpr.art33-5.register=the test files nothing")
		c.ok("incident", "verify", "1")
	})
}

// syncBuffer is a bytes.Buffer that a server goroutine writes while the
// test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve starts "leakdesk serve" in-process on a free port and returns its
// base URL; it stops with the test.
func serve(t *testing.T, c *cli, args ...string) string {
	t.Helper()
	return serveWith(t, c, http.DefaultClient, args...)
}

// serveWith is serve, waiting for /healthz with client (one that trusts
// the certificate of a server started with --tls-cert).
func serveWith(t *testing.T, c *cli, client *http.Client, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(k string) string { return c.env[k] }, strings.NewReader(""), &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve stopped with %v", err)
		}
	})
	re := regexp.MustCompile(`listening on (https?://\S+)`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			resp, err := client.Get(m[1] + "/healthz")
			if err == nil && resp.StatusCode == http.StatusOK {
				resp.Body.Close()
				return m[1]
			}
		}
	}
	t.Fatalf("serve did not start: %s", stderr.String())
	return ""
}

func TestAcknowledgementLinks(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		notifyIncident(t, c, 5, true)
		base := serve(t, c, "--webhook-token", "s3cret-token")
		c.ok("notify", "send", "1", "--campaign", "first", "--from", from, "--base-url", base)
		files := emlFiles(t, filepath.Join(c.env["LEAKDESK_DATA"], "outbox"))
		m, body := readEML(t, files[0])
		link := regexp.MustCompile(regexp.QuoteMeta(base) + `/ack/[A-Za-z0-9_.\-]+`).FindString(body)
		if link == "" {
			t.Fatalf("no acknowledgement link to %s in:\n%s", base, body)
		}
		to, _ := mail.ParseAddress(m.Header.Get("To"))

		// Opening the link records nothing: mail scanners open links too.
		resp, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `<form method="post"`) {
			t.Fatalf("GET %s: %d\n%s", link, resp.StatusCode, page)
		}
		if state := coverageState(t, c, to.Address); state != "sent" {
			t.Fatalf("after opening the link the state is %s, want sent", state)
		}
		resp, err = http.PostForm(link, url.Values{})
		if err != nil {
			t.Fatal(err)
		}
		page, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `id="done"`) {
			t.Fatalf("POST %s: %d\n%s", link, resp.StatusCode, page)
		}
		if state := coverageState(t, c, to.Address); state != "acknowledged" {
			t.Fatalf("after confirming, the state is %s, want acknowledged", state)
		}
		// Confirming again records nothing more.
		var before, after []json.RawMessage
		c.json(&before, "incident", "log", "1", "--all")
		if resp, err := http.PostForm(link, url.Values{}); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s again: %v %v", link, resp.StatusCode, err)
		}
		c.json(&after, "incident", "log", "1", "--all")
		if len(after) != len(before) {
			t.Fatalf("confirming again added %d events to the timeline", len(after)-len(before))
		}
		// A forged link is refused.
		forged := link[:len(link)-3] + "AAA"
		if resp, err := http.PostForm(forged, url.Values{}); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("forged link: %v %v", resp.StatusCode, err)
		}

		// Delivery reports by webhook: a bearer token is required.
		dsn := "From: MAILER-DAEMON@mx.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; " + to.Address + "\r\nAction: delivered\r\nStatus: 2.0.0\r\n\r\n" +
			"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: " + m.Header.Get("Message-Id") + "\r\n\r\n--b--\r\n"
		post := func(token string) *http.Response {
			req, _ := http.NewRequest(http.MethodPost, base+"/api/reports", strings.NewReader(dsn))
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp
		}
		if resp := post("wrong"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("webhook with a wrong token: %d", resp.StatusCode)
		}
		if resp := post("s3cret-token"); resp.StatusCode != http.StatusOK {
			t.Fatalf("webhook: %d", resp.StatusCode)
		}
		if state := coverageState(t, c, to.Address); state != "acknowledged" {
			t.Fatalf("a delivery report must not hide an acknowledgement: %s", state)
		}
	})
}

func coverageState(t *testing.T, c *cli, email string) string {
	t.Helper()
	var cov struct {
		Entries []struct {
			Recipient struct{ Email string }
			State     string
		}
	}
	c.json(&cov, "notify", "coverage", "1")
	for _, e := range cov.Entries {
		if e.Recipient.Email == email {
			return e.State
		}
	}
	t.Fatalf("%s is not in the coverage", email)
	return ""
}

func TestUnreachableSMTPServerSendsNothing(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		notifyIncident(t, c, 5, true)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		_, errOut, code := c.run("notify", "send", "1", "--campaign", "first", "--from", from, "--smtp", "smtp://"+addr+"?timeout=1s")
		if code != exitUnavailable || !strings.Contains(errOut, "cannot reach the SMTP server") {
			t.Fatalf("unreachable server: exit %d, %s", code, errOut)
		}
		// A lease shorter than two messages can take at one message a
		// second over 4 connections (2 × (4 s + 3 s)) is refused.
		_, errOut, code = c.run("notify", "send", "1", "--campaign", "first", "--from", from, "--smtp", "smtp://"+addr+"?timeout=1s&rate=1", "--lease", "13s")
		if code != exitInvalid || !strings.Contains(errOut, "--lease 13s is shorter") || !strings.Contains(errOut, "14s") {
			t.Fatalf("short lease: exit %d, %s", code, errOut)
		}
		// Acknowledgement links in clear to another machine are refused,
		// unless asked for.
		_, errOut, code = c.run("notify", "send", "1", "--campaign", "first", "--from", from, "--base-url", "http://desk.acme.example")
		if code != exitInvalid || !strings.Contains(errOut, "--insecure-links") {
			t.Fatalf("plain http:// links: exit %d, %s", code, errOut)
		}
		_, errOut, code = c.run("notify", "send", "1", "--campaign", "first", "--from", from, "--base-url", "http://desk.acme.example",
			"--insecure-links", "--smtp", "smtp://"+addr+"?timeout=1s")
		if code != exitUnavailable {
			t.Fatalf("plain http:// links with --insecure-links must pass the link check: exit %d, %s", code, errOut)
		}
		// Nothing was written: no audience, no notice; the same campaign
		// can start later.
		log := c.ok("incident", "log", "1")
		if strings.Contains(log, "notify.notice") || strings.Contains(log, "notify.recipients") {
			t.Fatalf("a notice was recorded though nothing could be sent:\n%s", log)
		}
	})
}
