package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk/share/sharetest"
)

// TestVerifyAndShare verifies a leak inside an incident and shares the
// incident: both bundles hold the leak's hash, where it was seen, the
// decoys, the seller and the verdict, and no affected person's name,
// e-mail address or phone number, even where a responder wrote them.
func TestVerifyAndShare(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		dir, s := writeSample(t, 71, 60)
		leak := filepath.Join(dir, s.LeakPath())
		reg := filepath.Join(dir, "registry", "contacts.csv")
		truth := s.Truth()
		byID := map[string]int{}
		for i, p := range s.Registry {
			byID[p.ID] = i
		}
		first := s.Registry[byID[truth.AffectedContacts[0]]]
		firstEmail := first.Value("email", s.Config.Incident)

		c.ok("incident", "new", "--title", "List posted, sample row "+first.FirstName+" "+first.LastName, "--aware-at", "now")
		c.ok("evidence", "add", "1", leak, "--source", "https://forum.example/t/4471")
		c.ok("match", "--registry", reg, "--incident", "1", leak)
		c.ok("incident", "fact", "1", "seller", "d4rkv3ndor")
		c.ok("incident", "fact", "1", "seen_at", "market.example listing 17, sample: "+first.FirstName+" "+first.LastName+" <"+firstEmail+">")
		c.ok("export", "--registry", reg, "--recipient", "partner", "--purpose", "test", "--out", filepath.Join(dir, "partner.csv"),
			"--decoy-domain", "vernier-conseil.fr", "--decoy-phone-range", "+3342299")

		var rep struct {
			Authentic struct{ Verdict string }
			Current   struct{ Verdict string }
			Recycled  struct{ Verdict string }
			Access    []struct{ Kind, Verdict string }
		}
		c.json(&rep, "verify-leak", leak, "--registry", reg, "--history", filepath.Join(dir, "registry", "history.csv"), "--incident", "1")
		if rep.Authentic.Verdict != "authentic" || rep.Current.Verdict == "unknown" || rep.Recycled.Verdict != "unknown" || len(rep.Access) != 5 {
			t.Errorf("verdict: %+v", rep)
		}
		if log := c.ok("incident", "log", "1"); !strings.Contains(log, "leak.verified") {
			t.Errorf("the verdict is not on the timeline:\n%s", log)
		}
		if report := c.ok("report", "1", "--kind", "gdpr-art33", "--lang", "en"); !strings.Contains(report, "authentic: authentic. ") ||
			!strings.Contains(report, "checked by leakdesk verify-leak") {
			t.Errorf("the authority report does not give the verdict:\n%s", report)
		}

		stix, misp := filepath.Join(dir, "bundle.json"), filepath.Join(dir, "event.json")
		c.ok("share", "1", "--format", "stix", "--out", stix)
		c.ok("share", "1", "--format", "misp", "--out", misp)
		for _, path := range []string{stix, misp} {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if path == stix {
				sharetest.ValidateSTIX(t, data)
			} else {
				sharetest.ValidateMISP(t, data)
			}
			for _, want := range []string{"d4rkv3ndor", "https://forum.example/t/4471", "vernier-conseil.fr", "market.example listing 17", "hmac-sha256:"} {
				if !bytes.Contains(data, []byte(want)) {
					t.Errorf("%s lacks %q", filepath.Base(path), want)
				}
			}
			lower := strings.ToLower(string(data))
			for _, id := range truth.AffectedContacts {
				p := s.Registry[byID[id]]
				values := []string{p.FirstName + " " + p.LastName, p.Value("email", s.Config.Incident)}
				for _, field := range []string{"phone", "mobile"} {
					if v := p.Value(field, s.Config.Incident); v != "" {
						values = append(values, v, strings.TrimPrefix(v, "+"))
					}
				}
				for _, v := range slices.DeleteFunc(values, func(v string) bool { return v == "" }) {
					if strings.Contains(lower, strings.ToLower(v)) {
						t.Errorf("%s holds %s's %q", filepath.Base(path), id, v)
					}
				}
			}
		}
	})
}
