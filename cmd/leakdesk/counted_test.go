package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
)

// TestEveryoneCounted is a golden incident, generated with a fixed seed:
// the leak holds contacts still in the registry, contacts who left it,
// strangers, and a row that links to a current contact through the values
// the history says they held before. Every row is accounted for; the reports count the leak's people
// with the breakdown; former contacts are told on request, as such; and
// coverage says only what is known.
func TestEveryoneCounted(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		dir := t.TempDir()
		c.ok("sample", "--seed", "2", "--out", dir)
		var truth struct {
			LeakFile  string   `json:"leak_file"`
			Strangers int      `json:"stranger_rows"`
			Departed  []string `json:"departed_contacts"`
			Affected  []string `json:"affected_contacts"`
		}
		b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
		if err != nil || json.Unmarshal(b, &truth) != nil {
			t.Fatal(err)
		}
		c.ok("incident", "new", "--title", "contact list on a forum", "--aware-at", "now", "--country", "FR", "--regime", "gdpr")
		c.ok("evidence", "add", "1", filepath.Join(dir, truth.LeakFile), "--source", "criminal forum")
		var f struct {
			Rows        int64
			MatchedRows int64 `json:"matched_rows"`
			Former      []struct {
				Email string
				Ties  []string
			}
			Review   []struct{ Past string }
			Contacts []leakdesk.AffectedContact
			People   struct {
				Total, Affected, Former, Unknown int64
				ReviewRows                       int64 `json:"review_rows"`
				FormerRows                       int64 `json:"former_rows"`
				UnknownRows                      int64 `json:"unknown_rows"`
				IdentifierRows                   int64 `json:"identifier_rows"`
				NoContactRows                    int64 `json:"no_contact_rows"`
			}
		}
		c.json(&f, "match", "--incident", "1", "--registry", filepath.Join(dir, "registry", "contacts.csv"),
			"--export", filepath.Join(dir, "exports"), "--history", filepath.Join(dir, "registry", "history.csv"))
		p := f.People
		// The golden numbers of seed 2: 760 leaked people (679 still in the
		// registry, 67 who left, 14 strangers). One who left is linked to a
		// current namesake; one current contact, whose e-mail and phone
		// changed, is linked through the values the history says they held.
		if p.Affected != 679 || p.Former != 66 || p.Unknown != 14 || p.ReviewRows != 0 || p.Total != 759 || f.Rows != 760 ||
			len(truth.Affected) != 679 || len(truth.Departed) != 67 || truth.Strangers != 14 {
			t.Fatalf("people = %+v of %d rows; truth: %d affected, %d departed, %d strangers", p, f.Rows, len(truth.Affected), len(truth.Departed), truth.Strangers)
		}
		if sum := f.MatchedRows + p.ReviewRows + p.FormerRows + p.UnknownRows + p.IdentifierRows + p.NoContactRows; sum != f.Rows {
			t.Fatalf("%d rows accounted for, of %d", sum, f.Rows)
		}
		held := slices.ContainsFunc(f.Contacts, func(c leakdesk.AffectedContact) bool {
			return c.ID == "C-00361" && slices.ContainsFunc(c.Evidence, func(e leakdesk.Agreement) bool { return strings.HasPrefix(e.How, "held until ") })
		})
		if !held || len(f.Review) != 0 || !strings.Contains(f.Former[0].Ties[0], "of export ") {
			t.Fatalf("C-00361 linked through a held value: %v; review %+v; first former %+v", held, f.Review, f.Former[0])
		}

		// The reports count the leak's people, with the breakdown.
		c.ok("assess", "1", "--confirm")
		var rep struct {
			Sections []struct{ Fields []struct{ ID, Value string } }
		}
		c.json(&rep, "report", "1", "--kind", "cnil", "--lang", "fr")
		var persons string
		for _, s := range rep.Sections {
			for _, fl := range s.Fields {
				if fl.ID == "persons" {
					persons = fl.Value
				}
			}
		}
		for _, want := range []string{"759 (679 contact(s) du référentiel", "66 ancien(s) contact(s)", "14 personne(s) introuvable(s)"} {
			if !strings.Contains(persons, want) {
				t.Errorf("CNIL persons %q lacks %q", persons, want)
			}
		}
		if strings.Contains(persons, "encore à examiner") {
			t.Errorf("CNIL persons %q speaks of rows to review, and there are none", persons)
		}

		// Former contacts are told on request, as former contacts.
		noticeFacts(c, "1")
		outbox := filepath.Join(t.TempDir(), "outbox")
		var sent struct{ States map[string]int }
		c.json(&sent, "notify", "send", "1", "--campaign", "first", "--former", "--outbox", outbox, "--from", from)
		if sent.States["sent"] != 679+66 {
			t.Fatalf("sent = %+v, want %d", sent.States, 679+66)
		}
		// The log sums up the campaign's delivery changes in one line; --all
		// and the JSON keep every one.
		log := c.ok("incident", "log", "1")
		if n := strings.Count(log, "notify.delivery"); n != 1 || !strings.Contains(log, "campaign first: 745 deliveries (sent 745)") {
			t.Fatalf("incident log shows %d delivery lines:\n%s", n, log)
		}
		if n := strings.Count(c.ok("incident", "log", "1", "--all"), "notify.delivery"); n < 745 {
			t.Fatalf("incident log --all shows %d delivery changes, want one per change", n)
		}
		var formerMail string
		for _, path := range emlFiles(t, outbox) {
			m, body := readEML(t, path)
			if strings.Contains(m.Header.Get("To"), f.Former[0].Email) {
				formerMail = body
			}
		}
		if !strings.Contains(formerMail, "former contact of") && !strings.Contains(formerMail, "ancien contact de") {
			t.Fatalf("the notice to former contact %s does not say so:\n%.1500s", f.Former[0].Email, formerMail)
		}
		var cov struct {
			FormerNotInList int `json:"former_not_in_audience"`
			Summary         struct {
				ByKind map[string]struct {
					Recipients int
					Sent       int `json:"sent_no_evidence"`
					Unreached  int
				} `json:"by_kind"`
			}
		}
		c.json(&cov, "notify", "coverage", "1")
		if fc, ac := cov.Summary.ByKind["former"], cov.Summary.ByKind["affected"]; fc.Recipients != 66 || fc.Sent != 66 || ac.Recipients != 679 || cov.FormerNotInList != 0 {
			t.Fatalf("coverage = %+v", cov)
		}
		text := c.ok("notify", "coverage", "1")
		if !strings.Contains(text, "Former contacts (66): 66 sent, with no evidence yet that it arrived.") || strings.Contains(text, "Everyone is reached") {
			t.Fatalf("coverage:\n%s", text[strings.LastIndex(text, "recipients:")-10:])
		}
	})
}
