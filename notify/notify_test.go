package notify_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/notify/notifytest"
)

func sampleData() *notify.Data {
	return &notify.Data{
		Recipient: &leakdesk.Recipient{Name: "Zoé <b>Martin</b>", Organisation: "Mairie d'Exemple", Email: "zoe@mairie.example", Language: "fr"},
		Incident:  "INC-0042", Exposed: notify.ExposedLabels([]string{"email", "first_name", "last_name", "phone"}, "fr"), Rows: 2,
		Sender: notify.From{Name: "Acme", Address: "dpo@acme.example"},
		Facts:  notify.Facts{Circumstances: "Une liste a été publiée.", Consequences: "Hameçonnage.", Measures: "Accès fermé.", Contact: "dpo@acme.example"},
		Update: "Premier paragraphe.\n\nSecond paragraphe.", UpdateNumber: 2, AckURL: "https://desk.acme.example/ack/T",
	}
}

func TestBuiltinTemplatesRenderInEveryLanguage(t *testing.T) {
	tmpl, err := notify.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	if got := tmpl.Names(); !slices.Equal(got, []string{"answer", "first", "update"}) {
		t.Fatalf("templates = %v", got)
	}
	for _, name := range tmpl.Names() {
		if err := tmpl.Validate(name); err != nil {
			t.Errorf("builtin %s: %v", name, err)
		}
	}
	d := sampleData()
	msg, err := tmpl.Render("first", "fr", d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Zoé <b>Martin</b>", "adresse e-mail", "numéro de téléphone", "Une liste a été publiée.", "https://desk.acme.example/ack/T", "INC-0042"} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("French text lacks %q", want)
		}
	}
	if strings.Contains(msg.HTML, "<b>Martin</b>") || !strings.Contains(msg.HTML, "Zoé &lt;b&gt;Martin&lt;/b&gt;") {
		t.Errorf("HTML part does not escape the recipient's name")
	}
	if !slices.Equal(d.Exposed, []string{"adresse e-mail", "nom", "numéro de téléphone"}) {
		t.Errorf("first and last name should read as one exposed item: %v", d.Exposed)
	}
	if !strings.HasPrefix(msg.Subject, "[Acme] Vos données") || strings.ContainsAny(msg.Subject, "\r\n") {
		t.Errorf("subject = %q", msg.Subject)
	}
	en, err := tmpl.Render("update", "en", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(en.Subject, "Update 2") || strings.Count(en.HTML, "<p>Premier paragraphe.</p>") != 1 || !strings.Contains(en.HTML, "<p>Second paragraphe.</p>") {
		t.Errorf("English update: subject %q, html paragraphs missing", en.Subject)
	}
	if _, err := tmpl.Render("first", "de", d); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
		t.Errorf("unknown language: %v", err)
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestTemplateOverridesAreCheckedBeforeSending(t *testing.T) {
	good := `{{define "subject"}}Notice {{.Incident}}{{end}}{{define "text"}}Hello {{.Recipient.Name}}{{end}}`
	html := `{{define "html"}}<p>Hello {{.Recipient.Name}}</p>{{end}}`
	tests := []struct {
		name  string
		files map[string]string
		load  string // error expected from LoadTemplates
		check string // error expected from Validate("short")
	}{
		{"an override in both languages", map[string]string{"short.fr.txt": good, "short.fr.html": html, "short.en.txt": good, "short.en.html": html}, "", ""},
		{"a missing language", map[string]string{"short.fr.txt": good, "short.fr.html": html}, "no en version", ""},
		{"an HTML part alone", map[string]string{"short.fr.html": html}, "needs short.fr.txt", ""},
		{"a syntax error", map[string]string{"short.fr.txt": `{{define "subject"}}{{.Incident}{{end}}`}, "short.fr.txt", ""},
		{"no subject", map[string]string{"short.fr.txt": `{{define "text"}}x{{end}}`}, `defines no "subject"`, ""},
		{"an unknown language", map[string]string{"short.de.txt": good}, `language "de"`, ""},
		{"a field that does not exist", map[string]string{
			"short.fr.txt": strings.Replace(good, "{{.Recipient.Name}}", "{{.Recipient.Nickname}}", 1), "short.fr.html": html,
			"short.en.txt": good, "short.en.html": html}, "", "Nickname"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := notify.LoadTemplates(writeFiles(t, tt.files))
			if tt.load != "" {
				if leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(err.Error(), tt.load) {
					t.Fatalf("load: %v, want an EINVALID error naming %q", err, tt.load)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			err = tmpl.Validate("short")
			if tt.check == "" && err != nil {
				t.Fatalf("validate: %v", err)
			}
			if tt.check != "" && (leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(err.Error(), tt.check)) {
				t.Fatalf("validate: %v, want an EINVALID error naming %q", err, tt.check)
			}
		})
	}
	// An override replaces the builtin template of the same name.
	tmpl, err := notify.LoadTemplates(writeFiles(t, map[string]string{"first.fr.txt": good, "first.fr.html": html}))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := tmpl.Render("first", "fr", sampleData())
	if err != nil || msg.Subject != "Notice INC-0042" {
		t.Fatalf("override: %+v, %v", msg, err)
	}
	if msg, err := tmpl.Render("first", "en", sampleData()); err != nil || !strings.Contains(msg.Subject, "exposed") {
		t.Fatalf("the English builtin should remain: %+v, %v", msg, err)
	}
}

func TestFactsForPrefersTheLanguage(t *testing.T) {
	recorded := map[string]string{"circumstances": "A list leaked.", "circumstances.fr": "Une liste a fuité.", "measures": "Reset.", "dpo": "dpo@x"}
	f, missing := notify.FactsFor(recorded, "fr")
	if f.Circumstances != "Une liste a fuité." || f.Measures != "Reset." || !slices.Equal(missing, []string{"consequences"}) {
		t.Fatalf("facts = %+v, missing %v", f, missing)
	}
	if f, _ := notify.FactsFor(recorded, "en"); f.Circumstances != "A list leaked." {
		t.Fatalf("English falls back to the plain key: %+v", f)
	}
}

func TestLanguageOf(t *testing.T) {
	for _, tt := range []struct{ lang, country, want string }{
		{"", "FR", "fr"}, {"", "be", "fr"}, {"", "DE", "en"}, {"", "", "en"}, {"fr-CA", "US", "fr"}, {"EN", "FR", "en"}, {"de", "FR", "fr"},
	} {
		if got := notify.LanguageOf(tt.lang, tt.country); got != tt.want {
			t.Errorf("LanguageOf(%q, %q) = %q, want %q", tt.lang, tt.country, got, tt.want)
		}
	}
}

func TestTokens(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	tokens, err := notify.NewTokens(key)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tokens.Now = func() time.Time { return now }
	tok := tokens.Sign(3, 12345, 2)
	ack, err := tokens.Check(tok)
	if err != nil || ack.Incident != 3 || ack.Recipient != 12345 || ack.Notice != 2 || ack.Legacy || ack.KeyID == "" ||
		!ack.Expires.Equal(now.Add(notify.DefaultAckLifetime)) {
		t.Fatalf("check = %+v, %v", ack, err)
	}
	other, _ := notify.NewTokens(bytes.Repeat([]byte{8}, 32))
	other.Now = tokens.Now
	parts := strings.Split(tok, ".")
	forged := strings.Split(tokens.Sign(3, 12346, 2), ".")
	otherParts := strings.Split(other.Sign(3, 12345, 2), ".")
	for name, bad := range map[string]string{
		"another key":                  other.Sign(3, 12345, 2),
		"another key, our key ID":      parts[0] + "." + otherParts[1] + "." + otherParts[2],
		"another recipient's payload":  parts[0] + "." + forged[1] + "." + parts[2],
		"truncated MAC":                parts[0] + "." + parts[1] + "." + parts[2][:5],
		"no MAC":                       parts[0] + "." + parts[1],
		"no key ID":                    parts[1] + "." + parts[2],
		"not base64":                   "!!!.???.***",
		"empty":                        "",
		"trailing data in the payload": parts[0] + "." + parts[1] + "AA." + parts[2],
	} {
		if _, err := tokens.Check(bad); leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED {
			t.Errorf("%s: %v, want EUNAUTHORIZED", name, err)
		}
	}

	// Past its expiry a genuine token is refused, and says so.
	now = now.Add(notify.DefaultAckLifetime)
	var expired *notify.LinkExpiredError
	if _, err := tokens.Check(tok); !errors.As(err, &expired) || leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired token: %v", err)
	}

	// A token signed by a retired key still checks; the new key signs.
	rotated, err := notify.NewTokens(bytes.Repeat([]byte{8}, 32), key)
	if err != nil {
		t.Fatal(err)
	}
	rotated.Now = func() time.Time { return now.Add(-time.Hour) }
	if ack, err := rotated.Check(tok); err != nil || ack.KeyID != parts[0] {
		t.Fatalf("token of a retired key: %+v, %v", ack, err)
	}
	if kid, _, _ := strings.Cut(rotated.Sign(3, 12345, 2), "."); kid != otherParts[0] {
		t.Fatalf("rotated tokens sign with key %s, want the new key %s", kid, otherParts[0])
	}

	// A token of the first release (no key ID, no expiry), made by its
	// code with this key, is still read, marked legacy.
	legacy, err := tokens.Check("A7lgAg.DadviNMv85AM-gGCx30EVQ")
	if err != nil || !legacy.Legacy || legacy.Incident != 3 || legacy.Recipient != 12345 || legacy.Notice != 2 {
		t.Fatalf("legacy token: %+v, %v", legacy, err)
	}
	if _, err := other.Check("A7lgAg.DadviNMv85AM-gGCx30EVQ"); leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED {
		t.Fatalf("legacy token under another key: %v", err)
	}

	if _, err := notify.NewTokens([]byte("short")); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
		t.Errorf("short key: %v", err)
	}
	if _, err := notify.NewTokens(key, []byte("short")); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
		t.Errorf("short retired key: %v", err)
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadReport(t *testing.T) {
	reports, err := notify.ReadReport(bytes.NewReader(readTestdata(t, "bounce.eml")))
	if err != nil || len(reports) != 1 {
		t.Fatalf("bounce: %v, %v", reports, err)
	}
	r := reports[0]
	if r.MessageID != "<n1.r7.0123456789abcdef@acme.example>" || r.Recipient != "gone@customer.example" || r.State() != leakdesk.DeliveryBounced ||
		r.Status != "5.1.1" || !strings.Contains(r.Diagnostic, "User unknown") {
		t.Fatalf("bounce report = %+v", r)
	}
	// Both addresses it names are checked against the delivery's.
	if got := r.Recipients(); !slices.Equal(got, []string{"gone@customer.example", "gone@customer.example"}) {
		t.Fatalf("bounce report recipients = %v", got)
	}
	reports, err = notify.ReadReport(bytes.NewReader(readTestdata(t, "delivered.eml")))
	if err != nil || len(reports) != 2 {
		t.Fatalf("delivered: %v, %v", reports, err)
	}
	if reports[0].State() != leakdesk.DeliveryDone || reports[0].MessageID != "<n1.r8.fedcba9876543210@acme.example>" || reports[1].State() != "" {
		t.Fatalf("delivered reports = %+v", reports)
	}
	if reports, err := notify.ReadReport(bytes.NewReader(readTestdata(t, "reply.eml"))); err != nil || len(reports) != 0 {
		t.Fatalf("a reply is not a report: %v, %v", reports, err)
	}
	if _, err := notify.ReadReport(strings.NewReader("not a message")); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
		t.Fatalf("garbage: %v", err)
	}
}

func TestSplitMbox(t *testing.T) {
	var mbox bytes.Buffer
	for _, name := range []string{"bounce.eml", "reply.eml"} {
		mbox.WriteString("From MAILER-DAEMON Fri Nov 27 10:00:00 2026\n")
		mbox.Write(bytes.ReplaceAll(readTestdata(t, name), []byte("\r\n"), []byte("\n")))
		mbox.WriteString("\n")
	}
	var got [][]notify.Report
	err := notify.SplitMbox(&mbox, func(msg []byte) error {
		r, err := notify.ReadReport(bytes.NewReader(msg))
		got = append(got, r)
		return err
	})
	if err != nil || len(got) != 2 || len(got[0]) != 1 || got[0][0].Action != "failed" || len(got[1]) != 0 {
		t.Fatalf("mbox: %v, %v", got, err)
	}
	if err := notify.SplitMbox(strings.NewReader("Subject: x\n\nbody\n"), func([]byte) error { return nil }); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
		t.Fatalf("not an mbox: %v", err)
	}
}

func TestReadOthers(t *testing.T) {
	n := match.NewNormaliser("FR")
	got, err := notify.ReadOthers(strings.NewReader("Email,Name,Organisation,Role,Language\nRSSI@Client.example,Jo,Client SA,security,fr\ndpo@client.example,,Client SA,dpo,\n"), n)
	if err != nil || len(got) != 2 {
		t.Fatalf("others = %v, %v", got, err)
	}
	if got[0].Email != "rssi@client.example" || got[0].Key != "" /* the store gives the key */ || got[0].Language != "fr" || got[1].Language != "en" || got[0].Kind != leakdesk.RecipientOther {
		t.Fatalf("others = %+v %+v", got[0], got[1])
	}
	_, err = notify.ReadOthers(strings.NewReader("email,name\nok@client.example,A\nnot an address,B\n@client.example,C\n"), n)
	if leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), "2 address(es)") {
		t.Fatalf("bad addresses: %v", err)
	}
	for _, bad := range []string{"", "name,role\nx,y\n", "email,shoe size\na@b.example,42\n"} {
		if _, err := notify.ReadOthers(strings.NewReader(bad), n); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("ReadOthers(%q): %v", bad, err)
		}
	}
}

func TestParseSMTPURL(t *testing.T) {
	c, err := notify.ParseSMTPURL("smtp://mailer:s3cret@mail.acme.example:587?tls=required&rate=20&timeout=5s&helo=desk.acme.example")
	if err != nil || c.Host != "mail.acme.example" || c.Port != 587 || c.Username != "mailer" || c.Password != "s3cret" || c.TLS != "required" ||
		c.Rate != 20 || c.Timeout != 5*time.Second || c.HELO != "desk.acme.example" {
		t.Fatalf("config = %+v, %v", c, err)
	}
	if c, err := notify.ParseSMTPURL("smtps://relay.example"); err != nil || c.Port != 465 || c.TLS != "implicit" {
		t.Fatalf("smtps = %+v, %v", c, err)
	}
	for _, bad := range []string{"http://x", "smtp://", "smtp://h:port", "smtp://h?tls=maybe", "smtp://h?rate=-1", "smtp://h?timeout=soon", "smtp://user:hunter2@h:x"} {
		_, err := notify.ParseSMTPURL(bad)
		if leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("ParseSMTPURL(%q): %v", bad, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}

// TestSMTPTLSDefault: without tls=, a relay across the network must offer
// STARTTLS, and only a loopback host (a local relay, a test server) may
// fall back to a plain session.
func TestSMTPTLSDefault(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ url, want string }{
		{"smtp://mail.acme.example", "required"},
		{"smtp://mail.acme.example:587?rate=5", "required"},
		{"smtp://192.0.2.25", "required"},
		{"smtp://[2001:db8::25]:25", "required"},
		{"smtp://127.0.0.2:2525", "opportunistic"}, // all of 127.0.0.0/8
		{"smtp://localhost", "opportunistic"},
		{"smtp://LocalHost:1025", "opportunistic"},
		{"smtp://[::1]:1025", "opportunistic"},
		{"smtp://localhost.attacker.example", "required"},
		{"smtp://mail.acme.example?tls=opportunistic", "opportunistic"},
		{"smtp://mail.acme.example?tls=none", "none"},
		{"smtp://127.0.0.1?tls=required", "required"},
	} {
		cfg, err := notify.ParseSMTPURL(c.url)
		if err != nil || cfg.TLS != c.want {
			t.Errorf("ParseSMTPURL(%q) tls = %+v, %v; want %s", c.url, cfg, err, c.want)
		}
	}
}

// TestSMTPTLSDefaultRefusesPlainRelay: the default for a remote relay is
// enforced, not only recorded: a server that offers no STARTTLS (mailpit
// as started here, reached under a remote name's settings) is refused
// before anything is sent.
func TestSMTPTLSDefaultRefusesPlainRelay(t *testing.T) {
	mp := notifytest.Start(t)
	host, port, _ := net.SplitHostPort(mp.SMTP)
	cfg, err := notify.ParseSMTPURL("smtp://relay.acme.example:" + port + "?timeout=3s")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Host = host // the remote name's settings, on a server we run
	if err := notify.NewSMTPDialer(cfg).Check(context.Background()); err == nil {
		t.Fatal("a relay without STARTTLS was accepted under the default tls")
	}
	local, err := notify.ParseSMTPURL("smtp://" + mp.SMTP + "?timeout=3s")
	if err != nil {
		t.Fatal(err)
	}
	if err := notify.NewSMTPDialer(local).Check(context.Background()); err != nil {
		t.Fatalf("loopback relay without STARTTLS: %v", err)
	}
}

func TestUnreachableSMTPServerIsReportedBeforeSending(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c, err := notify.ParseSMTPURL("smtp://" + addr + "?timeout=2s")
	if err != nil {
		t.Fatal(err)
	}
	err = notify.NewSMTPDialer(c).Check(context.Background())
	if leakdesk.ErrorCode(err) != leakdesk.EUNAVAILABLE || !strings.Contains(err.Error(), addr) {
		t.Fatalf("check = %v, want EUNAVAILABLE naming %s", err, addr)
	}
	if err := (&notify.OutboxDialer{Dir: "/proc/leakdesk-cannot-write-here"}).Check(context.Background()); leakdesk.ErrorCode(err) != leakdesk.EUNAVAILABLE {
		t.Fatalf("unwritable outbox: %v", err)
	}
}
