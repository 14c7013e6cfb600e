package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/auth"
	"github.com/leakdesk/leakdesk/share/sharetest"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/store/storetest"
	"github.com/leakdesk/leakdesk/vault"
)

// cli runs leakdesk in-process with its own environment, as the
// operating-system user osUser.
type cli struct {
	t      *testing.T
	env    map[string]string
	osUser string
}

func newCLI(t *testing.T, backend string) *cli {
	t.Helper()
	c := &cli{t: t, env: map[string]string{"LEAKDESK_DATA": t.TempDir()}, osUser: "tester"}
	if backend == "postgres" {
		c.env["LEAKDESK_DB"] = storetest.PostgresURL(t)
	}
	return c
}

// run returns stdout, stderr as main would print it, and the exit code.
func (c *cli) run(args ...string) (string, string, int) {
	c.t.Helper()
	return c.runIn("", args...)
}

// runIn is run with stdin as standard input.
func (c *cli) runIn(stdin string, args ...string) (string, string, int) {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	err := c.app(strings.NewReader(stdin), &stdout, &stderr).execute(context.Background(), args)
	if err != nil {
		stderr.WriteString("leakdesk: " + leakdesk.ErrorMessage(err) + "\n")
	}
	return stdout.String(), stderr.String(), exitCode(err)
}

// app is leakdesk as run by c's operating-system user, hashing passwords
// at a low cost so that tests stay fast.
func (c *cli) app(stdin io.Reader, stdout, stderr io.Writer) *app {
	a := newApp(func(k string) string { return c.env[k] }, stdin, stdout, stderr)
	a.osUser = func() (string, error) { return c.osUser, nil }
	a.passwordParams = auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}
	return a
}

// environ is the environment a leakdesk process started by a test runs
// in: the test's own, with the CLI's settings on top.
func (c *cli) environ() []string {
	env := os.Environ()
	for k, v := range c.env {
		env = append(env, k+"="+v)
	}
	return env
}

// ok runs a command that must succeed and returns its stdout.
func (c *cli) ok(args ...string) string {
	c.t.Helper()
	out, errOut, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("leakdesk %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}

func (c *cli) json(v any, args ...string) {
	c.t.Helper()
	out := c.ok(append(args, "--format", "json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		c.t.Fatalf("leakdesk %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func backends(t *testing.T, fn func(t *testing.T, c *cli)) {
	for _, b := range []string{"sqlite", "postgres"} {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			fn(t, newCLI(t, b))
		})
	}
}

func TestIncidentCommands(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		var created struct {
			ID       string `json:"id"`
			TimeZone string `json:"time_zone"`
			Regimes  []string
		}
		c.json(&created, "incident", "new", "--title", "Customer list on a forum", "--aware-at", "2026-03-01T21:30:00+01:00",
			"--regime", "gdpr,NIS2", "--country", "fr", "--discovered-by", "journalist")
		if created.ID != "INC-0001" || created.TimeZone != "Europe/Paris" || strings.Join(created.Regimes, ",") != "gdpr,nis2" {
			t.Fatalf("created = %+v", created)
		}
		if out := c.ok("incident", "new", "--title", "Second", "--aware-at", "now"); strings.TrimSpace(out) != "INC-0002" {
			t.Fatalf("incident new printed %q, want the ID", out)
		}
		var list []map[string]any
		c.json(&list, "incident", "list")
		if len(list) != 2 || list[0]["id"] != "INC-0002" {
			t.Fatalf("list = %v", list)
		}

		var shown struct {
			ID        string
			Deadlines []struct {
				Obligation, Status string
				Due                string
			}
		}
		c.json(&shown, "incident", "show", "INC-0001")
		due := map[string]string{}
		for _, d := range shown.Deadlines {
			due[d.Obligation] = d.Status + " " + d.Due
		}
		// The test runs long after March 2026: both clocks are overdue.
		if due["gdpr.art33.authority"] != "late 2026-03-04T21:30:00+01:00" || due["nis2.early-warning"] != "late 2026-03-02T21:30:00+01:00" {
			t.Fatalf("deadlines = %v", due)
		}
		if table := c.ok("incident", "show", "1"); !strings.Contains(table, "gdpr.art33.authority") || !strings.Contains(table, "2026-03-04 21:30 CET") {
			t.Fatalf("show table lacks the clocks:\n%s", table)
		}

		c.ok("incident", "note", "INC-0001", "Called the CNIL hotline", "--at", "2026-03-02T09:00:00+01:00")
		var events []struct {
			Seq        int64
			Kind       string
			Actor      string
			OccurredAt time.Time `json:"occurred_at"`
			RecordedAt time.Time `json:"recorded_at"`
			Details    map[string]any
		}
		c.json(&events, "incident", "log", "INC-0001")
		last := events[len(events)-1]
		if len(events) != 2 || last.Kind != "note" || last.Actor != "local:tester" || last.Details["text"] != "Called the CNIL hotline" ||
			!last.OccurredAt.Equal(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) || last.RecordedAt.Before(last.OccurredAt) {
			t.Fatalf("timeline = %+v", events)
		}
		if out := c.ok("incident", "verify", "INC-0001"); !strings.Contains(out, "intact: 2 events") {
			t.Fatalf("verify printed %q", out)
		}

		// Closing waits for every legal obligation: filed, or waived with a reason.
		if _, errOut, code := c.run("incident", "close", "INC-0001", "--reason", "all contacts reached"); code != exitConflict ||
			!strings.Contains(errOut, "gdpr.art33.authority (GDPR Art. 33(1), late") || !strings.Contains(errOut, "nis2.final-report (NIS2 Art. 23(4)(d), not-started") {
			t.Fatalf("close with the clocks running: exit %d, %s", code, errOut)
		}
		if _, errOut, code := c.run("incident", "close", "INC-0001", "--reason", "x", "--waive", "gdpr.art33.authority"); code != exitInvalid || !strings.Contains(errOut, "--waive") {
			t.Fatalf("waiver without a reason: exit %d, %s", code, errOut)
		}
		waive := []string{"incident", "close", "INC-0001", "--reason", "all contacts reached"}
		for _, o := range []string{"gdpr.art33.authority", "gdpr.art34.subjects", "gdpr.art33-5.register", "nis2.early-warning", "nis2.notification", "nis2.final-report", "nis2.recipients"} {
			waive = append(waive, "--waive", o+"=an exercise, nothing to notify")
		}
		c.ok(waive...)
		if _, errOut, code := c.run("incident", "close", "INC-0001", "--reason", "again"); code != exitConflict || !strings.Contains(errOut, "already closed") {
			t.Fatalf("second close: exit %d, %s", code, errOut)
		}
		if _, errOut, code := c.run("filed", "1", "gdpr.art33-5.register", "--at", "2026-03-03T10:00:00+01:00", "--ref", "register"); code != exitConflict || !strings.Contains(errOut, "reopen") {
			t.Fatalf("filing on a closed incident: exit %d, %s", code, errOut)
		}
		c.json(&list, "incident", "list", "--status", "open")
		if len(list) != 1 || list[0]["id"] != "INC-0002" {
			t.Fatalf("open incidents = %v", list)
		}
		c.ok("incident", "reopen", "INC-0001", "--reason", "the exercise is a real breach after all")
		c.json(&events, "incident", "log", "INC-0001")
		if last := events[len(events)-1]; last.Kind != "incident.reopened" || last.Actor != "local:tester" || !strings.Contains(last.Details["reason"].(string), "real breach") {
			t.Fatalf("reopen event = %+v", last)
		}
		c.ok("filed", "1", "gdpr.art33-5.register", "--at", "2026-03-03T10:00:00+01:00", "--ref", "register")
	})
}

func TestBadInputGetsClearErrors(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	c.ok("incident", "new", "--title", "base", "--aware-at", "now")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"incident", "show", "INC-0099"}, exitNotFound, "incident INC-0099 not found"},
		{[]string{"incident", "show", "ninety"}, exitInvalid, "invalid incident ID"},
		{[]string{"incident", "show"}, exitInvalid, "takes 1 argument"},
		{[]string{"incident", "new", "--title", "x", "--aware-at", "yesterday"}, exitInvalid, "invalid --aware-at"},
		{[]string{"incident", "new", "--title", "x", "--aware-at", "2026-03-01T21:30:00"}, exitInvalid, "with an offset"},
		{[]string{"incident", "new", "--title", "x", "--regime", "hipaa"}, exitInvalid, "unknown regime"},
		{[]string{"incident", "new", "--aware-at", "now"}, exitInvalid, "needs --title"},
		{[]string{"incident", "new", "--title", "x", "--role", "owner"}, exitInvalid, "invalid role"},
		{[]string{"incident", "note", "1", "  "}, exitInvalid, "empty"},
		{[]string{"evidence", "add", "1", "/nonexistent/dump.txt", "--source", "forum"}, exitNotFound, "does not exist"},
		{[]string{"evidence", "add", "1", os.TempDir(), "--source", "forum"}, exitInvalid, "is a directory"},
		{[]string{"evidence", "add", "1", "x.txt"}, exitInvalid, "needs --source"},
		{[]string{"incident", "list", "--format", "xml"}, exitInvalid, "invalid --format"},
		{[]string{"incident", "list", "--bogus"}, exitInvalid, "unknown flag"},
		{[]string{"bogus"}, exitInvalid, "unknown command"},
		{[]string{"--db", "mysql://x", "incident", "list"}, exitInvalid, "postgres://"},
		{[]string{"--db", "postgres://u:pw@127.0.0.1:1/x?connect_timeout=2", "incident", "list"}, exitUnavailable, "cannot reach PostgreSQL"},
	}
	for _, tc := range tests {
		_, errOut, code := c.run(tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("leakdesk %s: exit %d, stderr %q; want exit %d and one line with %q", strings.Join(tc.args, " "), code, errOut, tc.code, tc.want)
		}
		if strings.Contains(errOut, ":pw@") {
			t.Errorf("leakdesk %s printed a password: %s", strings.Join(tc.args, " "), errOut)
		}
	}
	// Nothing that failed was stored.
	var list []map[string]any
	c.json(&list, "incident", "list")
	if len(list) != 1 {
		t.Fatalf("failed commands stored incidents: %v", list)
	}
}

func TestTamperedTimelineIsCaught(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	c.ok("incident", "new", "--title", "x", "--aware-at", "now")
	for _, note := range []string{"first", "second", "third"} {
		c.ok("incident", "note", "1", note)
	}
	db, err := sql.Open("sqlite", filepath.Join(c.env["LEAKDESK_DATA"], "leakdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE events SET details = '{"text":"nothing to see"}' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := c.run("incident", "verify", "1")
	if code != exitIntegrity || !strings.Contains(errOut, "event 3 was altered") {
		t.Fatalf("verify after tampering: exit %d, %s", code, errOut)
	}
	var report struct {
		OK          bool  `json:"ok"`
		FirstBadSeq int64 `json:"first_bad_seq"`
	}
	out, _, code := c.run("incident", "verify", "1", "--format", "json")
	if err := json.Unmarshal([]byte(out), &report); err != nil || code != exitIntegrity || report.OK || report.FirstBadSeq != 3 {
		t.Fatalf("verify --format json: %s, exit %d", out, code)
	}
}

func TestEvidenceCommands(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		c.ok("incident", "new", "--title", "x", "--aware-at", "now")
		dump := filepath.Join(t.TempDir(), "dump.txt")
		content := []byte("Acme SAS | Jeanne Test | jeanne@example.test | +33612345678\n")
		os.WriteFile(dump, content, 0o644)

		var added struct {
			ID     int64
			SHA256 string
			Size   int64
		}
		c.json(&added, "evidence", "add", "INC-0001", dump, "--source", "https://forum.example/t/1", "--note", "first post")
		if added.ID != 1 || added.Size != int64(len(content)) || len(added.SHA256) != 64 {
			t.Fatalf("added = %+v", added)
		}
		// Adding it again is reported and changes nothing.
		out, errOut, code := c.run("evidence", "add", "1", dump, "--source", "mirror")
		if code != 0 || !strings.Contains(errOut, "already holds this file") || !strings.Contains(out, "evidence #1") {
			t.Fatalf("re-add: exit %d, %s %s", code, out, errOut)
		}

		copyPath := filepath.Join(t.TempDir(), "copy.txt")
		c.ok("evidence", "get", "1", added.SHA256[:12], "--out", copyPath, "--purpose", "matching")
		if got, _ := os.ReadFile(copyPath); !bytes.Equal(got, content) {
			t.Fatalf("copy = %q", got)
		}
		if _, errOut, code := c.run("evidence", "get", "1", "1", "--out", copyPath, "--purpose", "again"); code != exitInvalid || !strings.Contains(errOut, "exists") {
			t.Fatalf("get over an existing file: exit %d, %s", code, errOut)
		}
		var events []struct{ Kind, Actor string }
		c.json(&events, "incident", "log", "1")
		reads := 0
		for _, ev := range events {
			if ev.Kind == leakdesk.EventEvidenceRead {
				reads++
			}
		}
		// The refused copy stopped before opening the evidence: one read.
		if reads != 1 {
			t.Fatalf("%d reads logged, want 1", reads)
		}
		c.ok("evidence", "verify", "1")

		// Tamper with the blob on disk.
		blobs, _ := filepath.Glob(filepath.Join(c.env["LEAKDESK_DATA"], "evidence", "incidents", "1", "sha256", "*", "*.age"))
		if len(blobs) != 1 {
			t.Fatalf("blobs = %v", blobs)
		}
		os.Chmod(blobs[0], 0o600)
		raw, _ := os.ReadFile(blobs[0])
		raw[len(raw)-5] ^= 0xff
		os.WriteFile(blobs[0], raw, 0o400)
		if _, errOut, code := c.run("evidence", "verify", "1"); code != exitIntegrity || !strings.Contains(errOut, "1 of 1") {
			t.Fatalf("verify after tampering: exit %d, %s", code, errOut)
		}
	})
}

func TestWrongOrMissingKey(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	c.ok("incident", "new", "--title", "x", "--aware-at", "now")
	dump := filepath.Join(t.TempDir(), "dump.txt")
	os.WriteFile(dump, []byte("data"), 0o644)
	c.ok("evidence", "add", "1", dump, "--source", "forum")

	other, _ := vault.GenerateKey()
	c.env["LEAKDESK_KEY"] = other
	if _, errOut, code := c.run("evidence", "list", "1"); code != exitUnauthorized || !strings.Contains(errOut, "wrong evidence key") || strings.Contains(errOut, other) {
		t.Fatalf("wrong key: exit %d, %s", code, errOut)
	}
	delete(c.env, "LEAKDESK_KEY")
	os.Remove(filepath.Join(c.env["LEAKDESK_DATA"], "key.txt"))
	if _, errOut, code := c.run("evidence", "list", "1"); code != exitUnauthorized || !strings.Contains(errOut, "key is missing") {
		t.Fatalf("missing key: exit %d, %s", code, errOut)
	}
}

func TestDemo(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	out := c.ok("demo", "--seed", "5")
	for _, want := range []string{"INC-0001", "gdpr.art33.authority", "nis2.early-warning", "Evidence (1)", "Europe/Paris", "What the leak holds", "Data categories: contact", "Severity (ENISA 2013)", "Notification de violation de données personnelles", "registry contacts of", "Where it came from", "exported", "the leaked data was taken between"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	c.ok("incident", "verify", "1")
	c.ok("evidence", "verify", "1")
	// It finds out first: the leak dropped in a watched directory alerts
	// once and proposes an incident, the seller's claims get a verdict, a
	// decoy mailed raises an alarm, and the STIX bundle validates.
	for _, want := range []string{"15. Finding out first", "Alert mailed to dpo@example.org", "Incident INC-0002 proposed", "seen on",
		"16. The verdict on the leak", "access: secrets", "17. A decoy is mailed", "Alarm mailed: the exports that carried it are FX-", "Incident INC-0003 proposed", "On the record as alarm decoy-", "18. For CERTs"} {
		if !strings.Contains(out, want) {
			_, steps, _ := strings.Cut(out, "15. Finding out first")
			t.Errorf("demo output lacks %q:\n15. Finding out first%s", want, steps)
		}
	}
	stix, err := os.ReadFile(filepath.Join(c.env["LEAKDESK_DATA"], "demo", "seed-5", "share.stix.json"))
	if err != nil {
		t.Fatal(err)
	}
	sharetest.ValidateSTIX(t, stix)
	alerts, _ := filepath.Glob(filepath.Join(c.env["LEAKDESK_DATA"], "demo", "seed-5", "alerts", "*.eml"))
	if len(alerts) != 2 {
		t.Errorf("%d alert and alarm mails in the demo's outbox, want one of each", len(alerts))
	}
	// It ends with a bundle that checks out offline.
	if bundle := c.ok("bundle", "verify", filepath.Join(c.env["LEAKDESK_DATA"], "demo", "seed-5", "bundle.zip")); !strings.Contains(out, "20. The record, signed") || !strings.Contains(bundle, "signed: 1 checkpoints") {
		t.Errorf("the demo's bundle: %s", bundle)
	}
	// Profiling the leak read it from the vault, and the read is logged.
	var events []struct{ Kind string }
	c.json(&events, "incident", "log", "1")
	kinds := []string{}
	for _, ev := range events {
		kinds = append(kinds, ev.Kind)
	}
	want := "incident.opened,evidence.added,evidence.read,findings.recorded,trace.ranked,evidence.read,assessment.confirmed"
	if got := strings.Join(kinds, ","); !strings.HasPrefix(got, want) || kinds[len(kinds)-1] != "evidence.verified" {
		t.Errorf("timeline starts %.300s", got)
	}
	count := map[string]int{}
	for _, k := range kinds {
		count[k]++
	}
	// The first notice and one update, each to every affected contact.
	if count["notify.notice"] != 2 || count["notify.delivery"] == 0 || count["notify.delivery"]%2 != 0 || count["fact"] == 0 {
		t.Errorf("notices in the timeline: %v", count)
	}
	// Notices written to the outbox are sent, not known to be read.
	if !strings.Contains(out, "12. Coverage") || !strings.Contains(out, "with no evidence yet that it arrived") || strings.Contains(out, "Everyone is reached") {
		t.Errorf("demo output lacks the coverage, or says everyone is reached without evidence")
	}
	if !strings.Contains(out, "marketing agency (export FX-") || !strings.Contains(out, "is accused") {
		t.Errorf("demo output does not name the fingerprinted export that leaked")
	}
	if !strings.Contains(out, "Why C-") || !strings.Contains(out, "(+18)") && !strings.Contains(out, "(+7)") {
		t.Errorf("demo output does not explain a link")
	}
	// One account per role, and how to log in.
	if !strings.Contains(out, "demo-lead, demo-analyst, demo-legal, demo-communications, demo-viewer, demo-admin, demo-intake, all with the password") || !strings.Contains(out, "leakdesk serve --data") {
		t.Errorf("demo output does not say how to log in")
	}
	if accounts := c.ok("user", "list"); strings.Count(accounts, "demo-") != 7 || !strings.Contains(accounts, "viewer on INC-0001") || !strings.Contains(accounts, "intake on all incidents") {
		t.Errorf("demo accounts:\n%s", accounts)
	}
	if !strings.Contains(out, "14. Person records") || strings.Count(out, "precision 1.0000") != 2 {
		t.Errorf("demo output lacks the person records, linked without a false link both ways")
	}
	// It ends with the status page: the source traced, the notices sent,
	// Art. 34 asking to be recorded as filed, and what to run next.
	_, status, found := strings.Cut(out, "19. Where the incident stands")
	if !found {
		t.Fatalf("the demo does not end with the status page:\n%s", out)
	}
	for _, want := range []string{"Clocks, next first", "former contacts", "dating: the leaked data was taken between", "confirmed by",
		"sent, with no evidence yet", "record it as filed: leakdesk filed INC-0001 gdpr.art34.subjects --at "} {
		if !strings.Contains(status, want) {
			t.Errorf("the demo's status page lacks %q:\n%s", want, status)
		}
	}
	status, _, _ = strings.Cut(status, "\n20. The record") // the bundle comes after the status page
	if lines := strings.Split(strings.TrimSpace(status), "\n"); !strings.HasPrefix(lines[len(lines)-1], "next: leakdesk ") {
		t.Errorf("the demo does not end with next: commands:\n%s", status)
	}
	if files, _ := filepath.Glob(filepath.Join(c.env["LEAKDESK_DATA"], "outbox", "*.eml")); len(files) != count["notify.delivery"] {
		t.Errorf("%d messages in the outbox for %d deliveries", len(files), count["notify.delivery"])
	}
}

// openStore opens the store the command line under test uses.
func (c *cli) openStore(t *testing.T) *store.DB {
	t.Helper()
	dsn := c.env["LEAKDESK_DB"]
	if dsn == "" {
		dsn = filepath.Join(c.env["LEAKDESK_DATA"], "leakdesk.db")
	}
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
