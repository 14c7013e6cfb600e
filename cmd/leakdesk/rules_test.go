package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRegulatoryCommands(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		c.ok("incident", "new", "--title", "Contact list on a forum", "--aware-at", "2026-03-01T21:30:00+01:00", "--regime", "gdpr,nis2", "--country", "FR")
		c.ok("evidence", "add", "1", filepath.Join("..", "..", "dump", "testdata", "paste_banner.txt"), "--source", "forum")

		// A proposal alone records nothing. The source, a forum, makes the
		// breach malicious and the data exposed: ENISA's low band would
		// otherwise have proposed no notification (GDPR Art. 33(1)).
		out := c.ok("assess", "1")
		if !strings.Contains(out, "SE = 2, medium") || !strings.Contains(out, "authority: notify") || !strings.Contains(out, "Not recorded") {
			t.Fatalf("assess:\n%s", out)
		}
		// Without evidence nothing is proposed: the questions are asked.
		c.ok("incident", "new", "--title", "Rumour", "--aware-at", "2026-03-01T21:30:00+01:00")
		if out := c.ok("assess", "2"); !strings.Contains(out, "authority: undetermined") || !strings.Contains(out, "answer: whether the breach was malicious") {
			t.Fatalf("assess without evidence:\n%s", out)
		}
		if out := c.ok("assess", "1", "--malicious=false", "--why", "malicious=a partner's mistake", "--confidentiality", "0.25", "--why", "confidentiality=one partner, who deleted it"); !strings.Contains(out, "authority: no-notification") || !strings.Contains(out, "only known recipients") {
			t.Fatalf("assess with every input known and low:\n%s", out)
		}
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"--dpc", "3"}, "needs a reason"},
			{[]string{"--dpc", "3", "--why", "dcp=typo"}, "unknown factor"},
			{[]string{"--why", "ei=nothing set"}, "--ei is not set"},
			{[]string{"--ei", "0.6", "--why", "ei=not a level"}, "EI = 0.6"},
		} {
			if _, errOut, code := c.run(append([]string{"assess", "1"}, tc.args...)...); code != exitInvalid || !strings.Contains(errOut, tc.want) {
				t.Fatalf("assess %v: exit %d, %s", tc.args, code, errOut)
			}
		}
		var assessed struct {
			Assessment struct {
				Severity struct {
					Score     float64
					Band      string
					Authority struct{ Notify bool }
				}
				Findings struct {
					Persons int64
				}
			}
			Confirmed bool
		}
		c.json(&assessed, "assess", "1", "--malicious", "--why", "malicious=offered for sale", "--dpc", "3", "--why", "dpc=customers' admin passwords in a second file", "--confirm")
		if s := assessed.Assessment.Severity; s.Score != 4 || s.Band != "very-high" || !s.Authority.Notify || !assessed.Confirmed || assessed.Assessment.Findings.Persons != 5 {
			t.Fatalf("confirmed assessment = %+v", assessed)
		}

		if _, errOut, code := c.run("incident", "fact", "1", "mood", "calm"); code != exitInvalid || !strings.Contains(errOut, "unknown fact") {
			t.Fatalf("unknown fact: exit %d, %s", code, errOut)
		}
		c.ok("incident", "fact", "1", "dpo", "dpo@provider.example")
		c.ok("incident", "fact", "1", "measures", "Exporting account disabled.")

		// Filing late needs the reasons for the delay.
		if _, errOut, code := c.run("filed", "1", "gdpr.art33.authority", "--at", "2026-03-05T09:00:00+01:00", "--ref", "CNIL-1"); code != exitInvalid || !strings.Contains(errOut, "reasons for the delay") {
			t.Fatalf("late filing without reason: exit %d, %s", code, errOut)
		}
		c.ok("filed", "1", "gdpr.art33.authority", "--at", "2026-03-05T09:00:00+01:00", "--ref", "CNIL-1", "--delay-reason", "the file could not be read before")
		c.ok("filed", "1", "nis2.early-warning", "--at", "2026-03-02T10:00:00+01:00", "--ref", "CSIRT-1")
		// What cannot be is refused; what is odd is warned about.
		for _, tc := range []struct{ args []string }{
			{[]string{"filed", "1", "nis2.notification", "--at", "2126-03-02T10:00:00+01:00", "--ref", "x"}},
			{[]string{"filed", "1", "nis2.notification", "--at", "2026-03-01T10:00:00+01:00", "--ref", "x"}},
			{[]string{"incident", "new", "--title", "t", "--aware-at", "2126-03-02T10:00:00+01:00"}},
		} {
			if _, errOut, code := c.run(tc.args...); code != exitInvalid || !strings.Contains(errOut, "future") && !strings.Contains(errOut, "before the organisation became aware") {
				t.Fatalf("%v: exit %d, %s", tc.args, code, errOut)
			}
		}
		if _, errOut, code := c.run("filed", "1", "nis2.notification", "--at", "2026-03-06T10:00:00+01:00", "--ref", "CSIRT-2"); code != 0 || !strings.Contains(errOut, "warning: nis2.notification was due") {
			t.Fatalf("late NIS2 notification: exit %d, %s", code, errOut)
		}
		if _, errOut, code := c.run("filed", "1", "dora.initial", "--at", "now", "--ref", "x"); code != exitInvalid || !strings.Contains(errOut, "no obligation") {
			t.Fatalf("obligation of another regime: exit %d, %s", code, errOut)
		}
		var deadlines []struct{ Obligation, Status string }
		c.json(&deadlines, "deadlines", "1")
		status := map[string]string{}
		for _, d := range deadlines {
			status[d.Obligation] = d.Status
		}
		if status["gdpr.art33.authority"] != "late" || status["nis2.early-warning"] != "met" || status["nis2.notification"] != "late" || status["nis2.final-report"] != "late" {
			t.Fatalf("statuses = %v", status)
		}

		var rep struct {
			Unknown  int
			Sections []struct {
				Fields []struct {
					ID, Value string
					Known     bool
				}
			}
		}
		c.json(&rep, "report", "1", "--kind", "cnil", "--lang", "fr")
		values := map[string]string{}
		for _, s := range rep.Sections {
			for _, f := range s.Fields {
				values[f.ID] = f.Value
			}
		}
		if values["contact"] != "dpo@provider.example" || !strings.Contains(values["severity"], "très élevée") || values["band"] != "0-5" ||
			!strings.Contains(values["delay"], "could not be read") || values["circumstances"] != "Inconnu : à compléter" || rep.Unknown == 0 {
			t.Fatalf("cnil report = %v (unknown %d)", values, rep.Unknown)
		}
		if html := c.ok("report", "1", "--kind", "data-subject-notice", "--lang", "en", "--format", "html"); !strings.Contains(html, "<!doctype html>") || !strings.Contains(html, "phishing") && !strings.Contains(html, "wary") {
			t.Fatalf("html notice:\n%s", html)
		}
		md := c.ok("report", "1", "--kind", "register", "--lang", "en")
		if !strings.Contains(md, "obligation.filed") || !strings.Contains(md, "SE = 3 x 1 + 1 = 4") {
			t.Fatalf("register:\n%s", md)
		}
		if _, errOut, code := c.run("report", "1", "--kind", "cert-fr"); code != exitInvalid || !strings.Contains(errOut, "unknown report kind") {
			t.Fatalf("unknown kind: exit %d, %s", code, errOut)
		}
		out = filepath.Join(t.TempDir(), "cnil.md")
		c.ok("report", "1", "--kind", "cnil", "--out", out)
		if b, _ := os.ReadFile(out); !strings.Contains(string(b), "# Notification de violation") {
			t.Fatalf("report file: %s", b)
		}
		c.ok("incident", "verify", "1")
	})
}

func TestUserRegimes(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "msa.json"), []byte(`{"id":"msa","name":"Customer contract","sources":[{"title":"MSA s. 12.3"}],
		"obligations":[{"id":"msa.notice","title":"Tell customers","article":"MSA s. 12.3","to":"customers","starts":"awareness","within":"24h"}]}`), 0o644)
	c.env["LEAKDESK_RULES"] = dir
	c.ok("incident", "new", "--title", "x", "--aware-at", "2026-03-01T21:30:00+01:00", "--regime", "gdpr,msa")
	var deadlines []struct {
		Obligation string
		Due        string
	}
	c.json(&deadlines, "deadlines", "1")
	found := false
	for _, d := range deadlines {
		found = found || d.Obligation == "msa.notice" && d.Due == "2026-03-02T20:30:00Z"
	}
	if !found {
		b, _ := json.Marshal(deadlines)
		t.Fatalf("deadlines = %s", b)
	}
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"id":"bad","sources":[{"title":"x"}],"obligations":[{"id":"bad.x","title":"x","article":"x","starts":"awareness","within":"soon"}]}`), 0o644)
	if _, errOut, code := c.run("deadlines", "1"); code != exitInvalid || !strings.Contains(errOut, "bad.json") || !strings.Contains(errOut, "within") {
		t.Fatalf("bad regime file: exit %d, %s", code, errOut)
	}
	// The incident keeps the regime it was created with: without the
	// directory, its clocks (GDPR's too) still show.
	delete(c.env, "LEAKDESK_RULES")
	deadlines = nil
	c.json(&deadlines, "deadlines", "1")
	var got []string
	for _, d := range deadlines {
		got = append(got, d.Obligation+" "+d.Due)
	}
	for _, want := range []string{"msa.notice 2026-03-02T20:30:00Z", "gdpr.art33.authority 2026-03-04T20:30:00Z"} {
		if !slices.Contains(got, want) {
			t.Errorf("without --rules, deadlines %q lack %q", got, want)
		}
	}
}
