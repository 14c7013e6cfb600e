package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/proof/prooftest"
)

// TestEraseSubject is issue 17's erasure test: a person's values are
// erased, verify still passes and says so, and the values are gone from
// the store (the SQLite files' bytes, every PostgreSQL table) and from
// the bundle, which still verifies.
func TestEraseSubject(t *testing.T) {
	tsa := prooftest.NewTSA(t, "leakdesk test TSA")
	eachBackend(t, func(t *testing.T, backend string) {
		c := signedCLI(t, backend, tsa, t.TempDir())
		notifyIncident(t, c, 4, true)
		for _, kv := range [][2]string{{"controller", "Acme SA"}, {"consequences.fr", "Hameçonnage."}, {"consequences.en", "Phishing."},
			{"measures.fr", "Accès fermé."}, {"measures.en", "The access was closed."}, {"dpo.fr", "dpo@acme.example"}, {"dpo.en", "dpo@acme.example"},
			{"circumstances.en", "A list of customer contacts was posted on a forum."}} {
			c.ok("incident", "fact", "1", kv[0], kv[1])
		}
		var plan struct {
			Recipients []struct {
				Recipient struct{ Key, Email, Name string }
			}
		}
		c.json(&plan, "notify", "plan", "1", "--from", from, "--base-url", "https://desk.acme.example")
		if len(plan.Recipients) < 2 {
			t.Fatalf("plan: %+v", plan)
		}
		erased, kept := plan.Recipients[0].Recipient, plan.Recipients[1].Recipient
		c.ok("notify", "send", "1", "--campaign", "first", "--from", from, "--base-url", "https://desk.acme.example")
		note := "called back on 0611 erasure-marker, confirmed " + erased.Email
		c.ok("notify", "log-contact", "1", erased.Key, "--channel", "phone", "--outcome", "reached", "--note", note)
		keptNote := "kept-marker: reached " + kept.Email
		c.ok("notify", "log-contact", "1", kept.Key, "--channel", "phone", "--outcome", "reached", "--note", keptNote)
		if log := c.ok("incident", "log", "1", "--all"); !strings.Contains(log, "erasure-marker") {
			t.Fatalf("the log does not show the stored note before erasure:\n%s", log)
		}

		if _, errOut, code := c.run("incident", "erase", "1", "--subject", "nobody"); code != exitNotFound || !strings.Contains(errOut, `no recipient "nobody"`) {
			t.Fatalf("erase an unknown subject: exit %d, %s", code, errOut)
		}
		c.ok("incident", "note", "1", "Spoke with "+strings.ToUpper(erased.Email)+" about the leak")
		c.osUser = "dpo-officer"
		eraseOut := c.ok("incident", "erase", "1", "--subject", erased.Key)
		if !strings.Contains(eraseOut, "1 event(s) mention an erased value") || !strings.Contains(eraseOut, "(note)") {
			t.Fatalf("erase does not report the note that names the subject:\n%s", eraseOut)
		}
		out := c.ok("incident", "verify", "1")
		if !strings.Contains(out, "timeline intact") || !strings.Contains(out, "by local:dpo-officer (subject,") || !strings.Contains(out, " 1 erased") {
			t.Fatalf("verify after erasure:\n%s", out)
		}
		log := c.ok("incident", "log", "1", "--all")
		if strings.Contains(log, "erasure-marker") || !strings.Contains(log, `"note":"erased"`) || !strings.Contains(log, "kept-marker") {
			t.Fatalf("the log after erasure:\n%s", log)
		}

		secrets := []string{"erasure-marker", erased.Email, erased.Name}
		for _, s := range secrets {
			if where := storeHolds(t, c, backend, s); where != "" {
				t.Errorf("%q is still in the store: %s", s, where)
			}
		}
		if where := storeHolds(t, c, backend, "kept-marker"); where == "" {
			t.Errorf("the search finds nothing, not even a value that was kept: it proves nothing")
		}

		zipPath := filepath.Join(t.TempDir(), "bundle.zip")
		c.ok("incident", "bundle", "1", "--out", zipPath)
		if out := c.ok("bundle", "verify", zipPath); !strings.Contains(out, "intact") || !strings.Contains(out, "not in this copy, 1 erased") ||
			!strings.Contains(out, "by local:dpo-officer (subject,") {
			t.Fatalf("bundle verify does not summarise the erasure:\n%s", out)
		}
		for _, s := range secrets {
			if name := zipHolds(t, zipPath, s); name != "" {
				t.Errorf("%q is in the bundle's %s", s, name)
			}
		}
	})
}

// storeHolds says where the store still holds s: a SQLite file, or a
// PostgreSQL table; "" when nowhere.
func storeHolds(t *testing.T, c *cli, backend, s string) string {
	t.Helper()
	tp := newTamperer(t, c)
	if backend == "sqlite" {
		files, _ := filepath.Glob(filepath.Join(c.env["LEAKDESK_DATA"], "leakdesk.db*"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if i := bytes.Index(data, []byte(s)); i >= 0 {
				return fmt.Sprintf("%s at %d: %q", f, i, data[max(0, i-300):min(len(data), i+100)])
			}
		}
		return ""
	}
	rows, err := tp.db.SQL().Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) == 0 {
		t.Fatal("no table found in the PostgreSQL schema")
	}
	for _, table := range tables {
		var n int
		if err := tp.db.SQL().QueryRow(`SELECT count(*) FROM "`+table+`" t WHERE strpos(t::text, $1) > 0`, s).Scan(&n); err != nil {
			t.Fatalf("search %s: %v", table, err)
		}
		if n > 0 {
			return table
		}
	}
	return ""
}

// zipHolds names the file of the zip at path that holds s, "" if none.
func zipHolds(t *testing.T, path, s string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(s)) {
			return f.Name
		}
	}
	return ""
}

// TestRetainErasesEveryValueOfAClosedIncident: retention erases only once
// it has ended and the incident is closed, and verify then counts every
// value as erased.
func TestRetainErasesEveryValueOfAClosedIncident(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		c.ok("incident", "new", "--title", "x", "--aware-at", "now", "--regime", "gdpr", "--country", "FR")
		path := filepath.Join(t.TempDir(), "recipients.csv")
		os.WriteFile(path, []byte("email,name,organisation,role,language\njo@client.example,Jo Client,Client SA,security,fr\n"), 0o644)
		c.ok("notify", "recipients", "1", "--add", path)
		c.ok("notify", "log-contact", "1", "other:jo@client.example", "--channel", "phone", "--outcome", "reached", "--note", "retained-marker")
		if _, errOut, code := c.run("incident", "retain", "1", "--until", "2000-01-01"); code != exitConflict || !strings.Contains(errOut, "until it is closed") {
			t.Fatalf("retain on an open incident: exit %d, %s", code, errOut)
		}
		if _, errOut, code := c.run("incident", "retain", "1", "--until", "2999-01-01"); code != exitInvalid || !strings.Contains(errOut, "still to come") {
			t.Fatalf("retain before the period ends: exit %d, %s", code, errOut)
		}
		if _, errOut, code := c.run("incident", "retain", "1"); code != exitInvalid || !strings.Contains(errOut, "--until is required") {
			t.Fatalf("retain without --until: exit %d, %s", code, errOut)
		}
		var report leakdesk.ChainReport
		c.json(&report, "incident", "verify", "1")
		if report.Personal == nil || report.Personal.Held != 1 || report.Personal.Erased != 0 {
			t.Fatalf("verify before retention: %+v", report.Personal)
		}
		c.ok("incident", "close", "1", "--reason", "done", "--waive", "gdpr.art33.authority=no risk", "--waive", "gdpr.art34.subjects=no risk", "--waive", "gdpr.art33-5.register=kept elsewhere")
		c.ok("incident", "retain", "1", "--until", "2000-01-01")
		c.json(&report, "incident", "verify", "1")
		if !report.OK || report.Personal.Held != 0 || report.Personal.Erased != 1 || len(report.Personal.Erasures) != 1 ||
			report.Personal.Erasures[0].Reason != leakdesk.ErasedForRetention {
			t.Fatalf("verify after retention: %+v %+v", report, report.Personal)
		}
		if where := storeHolds(t, c, backendOf(c), "retained-marker"); where != "" {
			t.Errorf("the note is still in the store: %s", where)
		}
	})
}

func backendOf(c *cli) string {
	if c.env["LEAKDESK_DB"] != "" {
		return "postgres"
	}
	return "sqlite"
}

// TestVerifyCatchesAValueDeletedOrChangedOutsideLeakdesk: the values
// table is not chained, but each row must match the hash its event
// commits to, and may only go with a recorded erasure.
func TestVerifyCatchesAValueDeletedOrChangedOutsideLeakdesk(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		c.ok("incident", "new", "--title", "x", "--aware-at", "now")
		path := filepath.Join(t.TempDir(), "recipients.csv")
		os.WriteFile(path, []byte("email,name,organisation,role,language\njo@client.example,Jo Client,Client SA,security,fr\n"), 0o644)
		c.ok("notify", "recipients", "1", "--add", path)
		c.ok("notify", "log-contact", "1", "other:jo@client.example", "--channel", "phone", "--outcome", "reached", "--note", "first")
		c.ok("incident", "verify", "1")
		tp := newTamperer(t, c)
		tp.exec(`UPDATE personal_values SET value = 'second'`)
		if _, errOut, code := c.run("incident", "verify", "1"); code != exitIntegrity || !strings.Contains(errOut, "no longer match the hash") {
			t.Fatalf("verify after a value was changed: exit %d, %s", code, errOut)
		}
		tp.exec(`DELETE FROM personal_values`)
		if _, errOut, code := c.run("incident", "verify", "1"); code != exitIntegrity || !strings.Contains(errOut, "without a recorded erasure") {
			t.Fatalf("verify after a value was deleted: exit %d, %s", code, errOut)
		}
	})
}
