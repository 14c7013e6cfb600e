package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
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
		rows := readCSVFile(t, files["team-4"])
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

// TestExportNeutralisesFormulas: registry cells that a spreadsheet would
// run are written with a quote before them in CSV and XLSX exports, phones
// stay phones, and the fingerprint of such an export, leaked as written,
// still names its recipient.
func TestExportNeutralisesFormulas(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		dir, reg, rows := sampleRegistry(t, c, "7")
		col := func(name string) int {
			for i, h := range rows[0] {
				if h == name {
					return i
				}
			}
			t.Fatalf("no column %s in %v", name, rows[0])
			return -1
		}
		org, first, last, city := col("organisation"), col("first_name"), col("last_name"), col("city")
		for k, r := range rows[1:] {
			switch k % 4 {
			case 0:
				r[org] = "=" + r[org] // keeps its legal form, which carries the code
			case 1:
				r[first] = "@SUM(1+1)"
			case 2:
				r[last] = "-2+3+cmd|' /C calc'!A0"
			case 3:
				r[city] = "\t=1+1"
			}
		}
		writeCSVFile(t, reg, rows)
		decoys := []string{"--decoy-domain", "vernier-conseil.fr", "--decoy-phone-range", "+3342299"}
		files := map[string]string{"csv": filepath.Join(dir, "team-csv.csv"), "xlsx": filepath.Join(dir, "team-xlsx.xlsx"), "json": filepath.Join(dir, "team-json.json")}
		for _, format := range []string{"csv", "xlsx", "json"} {
			c.ok(append([]string{"export", "--registry", reg, "--recipient", "team-" + format, "--out", files[format], "--format", format}, decoys...)...)
		}
		x, err := excelize.OpenFile(files["xlsx"])
		if err != nil {
			t.Fatal(err)
		}
		xrows, err := x.GetRows("Sheet1")
		x.Close()
		if err != nil {
			t.Fatal(err)
		}
		phoneLike := regexp.MustCompile(`^\+[0-9 ]+$`)
		for format, written := range map[string][][]string{"csv": readCSVFile(t, files["csv"]), "xlsx": xrows} {
			formulas, phones := 0, 0
			for _, r := range written[1:] {
				for _, cell := range r {
					switch {
					case phoneLike.MatchString(cell):
						phones++
					case cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])):
						t.Errorf("%s: a cell a spreadsheet would run: %q", format, cell)
					case phoneLike.MatchString(strings.TrimPrefix(cell, "'")):
						t.Errorf("%s: a phone was quoted: %q", format, cell)
					case strings.HasPrefix(cell, "'"):
						formulas++
					}
				}
			}
			if formulas < 600 || phones < 900 { // decoys, shaped by real rows, may add some
				t.Errorf("%s: %d cells neutralised (want 600 or more), %d phones written as phones", format, formulas, phones)
			}
		}
		// Each neutralised export, leaked as written, names its recipient.
		for _, format := range []string{"csv", "xlsx"} {
			var res struct {
				Verdict string
				Accused []struct{ Recipient string }
			}
			c.json(&res, "trace", "--leak", files[format])
			if res.Verdict != "accused" || len(res.Accused) != 1 || res.Accused[0].Recipient != "team-"+format {
				t.Errorf("trace of the %s export: %+v", format, res)
			}
		}
	})
}

// sampleRegistry writes a sample registry of 600 contacts, to be edited
// and written back, and returns its directory, path and rows.
func sampleRegistry(t *testing.T, c *cli, seed string) (dir, reg string, rows [][]string) {
	t.Helper()
	dir = t.TempDir()
	reg = filepath.Join(dir, "registry.csv")
	c.ok("sample", "--contacts-csv", reg, "--rows", "600", "--seed", seed)
	return dir, reg, readCSVFile(t, reg)
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func writeCSVFile(t *testing.T, path string, rows [][]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	if err := f.Close(); err != nil || w.Error() != nil {
		t.Fatal(err, w.Error())
	}
}

// TestExportRecordsItsPhoneRegion: a German registry, its numbers written
// nationally, is exported in DE; trace decodes in DE whatever --region
// says, both a leak and a decoy number written nationally.
func TestExportRecordsItsPhoneRegion(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		dir, reg, rows := sampleRegistry(t, c, "5")
		for k, r := range rows[1:] {
			for i, h := range rows[0] {
				switch {
				case h == "country":
					r[i] = "DE"
				case h == "phone" && r[i] != "":
					r[i] = fmt.Sprintf("030 2%07d", k)
				case h == "mobile" && r[i] != "":
					r[i] = fmt.Sprintf("0151 2%07d", k)
				}
			}
		}
		writeCSVFile(t, reg, rows)
		decoys := []string{"--decoy-domain", "hartmann-technik.de", "--decoy-domain", "vogel-bau.de", "--decoy-phone-range", "+4930901", "--decoy-phone-range", "+49151999"}
		files := map[string]string{}
		for _, who := range []string{"team-1", "team-2", "team-3"} {
			files[who] = filepath.Join(dir, who+".json")
			var e struct{ Region string }
			c.json(&e, append([]string{"export", "--registry", reg, "--recipient", who, "--out", files[who], "--format", "json", "--region", "de"}, decoys...)...)
			if e.Region != "DE" {
				t.Fatalf("export %s records region %q, want DE", who, e.Region)
			}
		}
		files["team-2"] = filepath.Join(dir, "team-2b.csv")
		c.ok(append([]string{"export", "--registry", reg, "--recipient", "team-2b", "--out", files["team-2"], "--region", "DE"}, decoys...)...)
		written := readCSVFile(t, files["team-2"])
		german := 0
		for _, r := range written[1:] {
			for _, cell := range r {
				if strings.HasPrefix(cell, "+49") {
					german++
				}
			}
		}
		if german < 800 {
			t.Fatalf("%d numbers written in E.164: the export did not read the registry's numbers in DE", german)
		}
		leakPath := filepath.Join(dir, "leak.csv")
		writeCSVFile(t, leakPath, written[:len(written)*3/10])
		var res struct {
			Verdict     string
			Accused     []struct{ Recipient string }
			Observation struct{ Seen map[string]int }
		}
		c.json(&res, "trace", "--leak", leakPath, "--region", "FR")
		if res.Verdict != "accused" || len(res.Accused) != 1 || res.Accused[0].Recipient != "team-2b" || res.Observation.Seen["phone"] < 100 {
			t.Fatalf("trace of a German export with --region FR: %+v", res)
		}
		// A decoy number of team-2b's copy, dialled nationally.
		var national string
		for _, r := range written[1:] {
			for _, cell := range r {
				if n := strings.ReplaceAll(cell, " ", ""); strings.HasPrefix(n, "+4930901") || strings.HasPrefix(n, "+49151999") {
					national = "0" + n[len("+49"):]
				}
			}
		}
		if national == "" {
			t.Fatal("no decoy number in the export")
		}
		var alarm struct {
			Suspects []struct {
				Recipient string
				Decoys    int
			}
		}
		c.json(&alarm, "trace", "--decoy", national, "--region", "FR")
		held := false
		for _, s := range alarm.Suspects {
			held = held || (s.Recipient == "team-2b" && s.Decoys == 1)
		}
		if !held {
			t.Fatalf("decoy %s: %+v", national, alarm.Suspects)
		}
	})
}
