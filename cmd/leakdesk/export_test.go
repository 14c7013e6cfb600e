package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFingerprintedExportNamesItsRecipient(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		dir := t.TempDir()
		reg := filepath.Join(dir, "registry.csv")
		c.ok("sample", "--contacts-csv", reg, "--rows", "600", "--seed", "4")
		decoys := []string{"--decoy-domain", "vernier-conseil.fr", "--decoy-domain", "atelier-moreau.fr", "--decoy-domain", "hartmann-technik.de",
			"--decoy-phone-range", "+3342299", "--decoy-phone-range", "+3376490", "--decoy-phone", "+4930901"}
		if _, errOut, code := c.run("export", "--registry", reg, "--recipient", "x", "--out", filepath.Join(dir, "x.csv")); code != exitInvalid || !strings.Contains(errOut, "--decoy-domain") {
			t.Fatalf("export without decoy settings: exit %d, %s", code, errOut)
		}
		formats := []string{"csv", "xlsx", "json", "csv", "json"}
		files := map[string]string{}
		for i, format := range formats {
			who := fmt.Sprintf("team-%d", i+1)
			files[who] = filepath.Join(dir, who+"."+format)
			// --format names the file's format; the summary is JSON when the file is.
			out := c.ok(append([]string{"export", "--registry", reg, "--recipient", who, "--purpose", "test", "--out", files[who], "--format", format}, decoys...)...)
			if format == "json" {
				var e struct {
					ID     string
					Rows   int
					Decoys int
				}
				if err := json.Unmarshal([]byte(out), &e); err != nil || !strings.HasPrefix(e.ID, "FX-") || e.Rows != 600 || e.Decoys == 0 {
					t.Fatalf("export %s: %s (%v)", who, out, err)
				}
			} else if !strings.HasPrefix(out, "FX-") || !strings.Contains(out, "600 rows for "+who) {
				t.Fatalf("export %s: %s", who, out)
			}
		}
		c.ok(append([]string{"export", "--registry", reg, "--recipient", "fr-only", "--where", "country=FR", "--columns", "first_name,last_name,email,phone", "--out", filepath.Join(dir, "fr.csv")}, decoys...)...)
		// --preview counts what each filter keeps, and writes nothing.
		var preview struct {
			Rows    int
			Filters []struct {
				Filter      string
				Keeps, Left int
			}
		}
		c.json(&preview, "export", "--registry", reg, "--preview", "--where", "country=FR", "--where", "email!~.example", "--out", filepath.Join(dir, "never.csv"))
		if preview.Rows != 600 || len(preview.Filters) != 2 || preview.Filters[0].Keeps == 0 || preview.Filters[1].Left > preview.Filters[0].Keeps {
			t.Fatalf("preview = %+v", preview)
		}
		if _, err := os.Stat(filepath.Join(dir, "never.csv")); err == nil {
			t.Fatal("--preview wrote the export")
		}

		// Three tenths of team-4's copy, shuffled, leak.
		f, err := os.Open(files["team-4"])
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		body := rows[1:]
		rng := rand.New(rand.NewPCG(9, 9))
		rng.Shuffle(len(body), func(i, j int) { body[i], body[j] = body[j], body[i] })
		leakPath := filepath.Join(dir, "leak.csv")
		lf, _ := os.Create(leakPath)
		w := csv.NewWriter(lf)
		w.Write(rows[0])
		w.WriteAll(body[:len(body)*3/10])
		lf.Close()

		c.ok("incident", "new", "--title", "fingerprinted leak", "--aware-at", "now")
		var res struct {
			Verdict string
			Accused []struct {
				Recipient string
				ExportID  string `json:"export_id"`
				Bound     float64
			}
			Suspects []struct{ Recipient string }
		}
		c.json(&res, "trace", "--leak", leakPath, "--incident", "1")
		if res.Verdict != "accused" || len(res.Accused) != 1 || res.Accused[0].Recipient != "team-4" || res.Accused[0].Bound > 1e-6 || len(res.Suspects) != 6 {
			t.Fatalf("trace = %+v", res)
		}
		if log := c.ok("incident", "log", "1"); !strings.Contains(log, "trace.fingerprint") {
			t.Fatalf("the accusation is not on the timeline:\n%s", log)
		}

		// A decoy contacted names the exports that carried it. One decoy is
		// too little to accuse anyone, so the verdict is inconclusive, but
		// the copies that held it come first.
		decoyFile := files["team-1"]
		dr, _ := os.ReadFile(decoyFile)
		var hit string
		for _, line := range strings.Split(string(dr), "\n") {
			if i := strings.Index(strings.ToLower(line), "@vernier-conseil.fr"); i > 0 {
				start := strings.LastIndexAny(line[:i], ",\"") + 1
				hit = line[start : i+len("@vernier-conseil.fr")]
				break
			}
		}
		if hit == "" {
			t.Fatalf("no decoy in %s", decoyFile)
		}
		var alarm struct {
			Verdict  string
			Suspects []struct {
				Recipient string
				Score     float64
				Decoys    int
			}
		}
		c.json(&alarm, "trace", "--decoy", hit)
		if alarm.Verdict != "inconclusive" || alarm.Suspects[0].Score <= 0 || alarm.Suspects[0].Decoys != 1 {
			t.Fatalf("decoy %s: %+v", hit, alarm)
		}
		holders := 0
		for _, s := range alarm.Suspects {
			if s.Score > 0 {
				holders++
				if s.Recipient == "team-1" {
					holders += 100
				}
			}
		}
		if holders < 100 {
			t.Fatalf("team-1 held decoy %s but is not among the exports that carried it: %+v", hit, alarm.Suspects)
		}
		if _, errOut, code := c.run("trace", "--decoy", "someone@else.example"); code != exitInvalid || !strings.Contains(errOut, "not a decoy") {
			t.Fatalf("not a decoy: exit %d, %s", code, errOut)
		}

		// A leak of strangers carries nothing of any export.
		strangers := filepath.Join(dir, "strangers.json")
		data, _ := json.Marshal([]map[string]string{{"name": "Zed Nobody", "email": "zed@nowhere.example", "phone": "+4915112345678"}})
		os.WriteFile(strangers, data, 0o644)
		c.json(&res, "trace", "--leak", strangers)
		if res.Verdict != "inconclusive" || len(res.Accused) != 0 {
			t.Fatalf("strangers: %+v", res)
		}

		// Without the key, no export can be decoded, and trace says so.
		os.Rename(filepath.Join(c.env["LEAKDESK_DATA"], "fingerprint.key"), filepath.Join(dir, "key.bak"))
		if _, errOut, code := c.run("trace", "--leak", leakPath); code != exitUnauthorized || !strings.Contains(errOut, "fingerprint key") {
			t.Fatalf("trace without the key: exit %d, %s", code, errOut)
		}
	})
}
