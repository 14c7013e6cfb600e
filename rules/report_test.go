package rules_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// reportInput is a fixed incident: a processor's contact list posted on a
// forum, an early warning filed, the authority notified late.
func reportInput(t *testing.T, r *rules.Rules) rules.ReportInput {
	t.Helper()
	inc := forumIncident(7, "Customer contact list posted on a criminal forum", "threat-intelligence watch")
	aware := inc.AwareAt
	filings := []*leakdesk.Filing{
		{ID: 1, Obligation: "nis2.early-warning", FiledAt: aware.Add(20 * time.Hour), Ref: "CSIRT-2026-0042"},
		{ID: 2, Obligation: "gdpr.art33.authority", FiledAt: aware.Add(80 * time.Hour), Ref: "CNIL-2026-117", DelayReason: "the leaked file could not be read before Wednesday"},
	}
	now := aware.Add(100 * time.Hour)
	deadlines, err := r.Deadlines(inc, filings, now)
	if err != nil {
		t.Fatal(err)
	}
	in := rules.DefaultSeverityInput(map[string]int64{"identity": 909, "contact": 1818, "professional": 1818}, []string{"forum post offering the list for sale"})
	sev, err := rules.Assess(in)
	if err != nil {
		t.Fatal(err)
	}
	return rules.ReportInput{
		Incident: inc, Deadlines: deadlines, Filings: filings, Severity: &sev,
		Facts:      map[string]string{"dpo": "dpo@provider.example, +33 1 00 00 00 00", "measures": "Access of the exporting account revoked; exports now fingerprinted.\nCustomers told from Monday."},
		Categories: map[string]int64{"identity": 909, "contact": 1818, "professional": 1818},
		Persons:    909, PersonsHow: rules.PersonsByEmail, Records: 945,
		Evidence: []*leakdesk.Evidence{{ID: 1, Filename: "microsoc_customers.txt", SHA256: strings.Repeat("ab", 32), Source: "forum post"}},
		Events: []*leakdesk.Event{
			{Seq: 1, Kind: "incident.opened", Actor: "alice", OccurredAt: aware},
			{Seq: 2, Kind: "obligation.filed", Actor: "alice", OccurredAt: aware.Add(20 * time.Hour)},
			{Seq: 3, Kind: leakdesk.EventLeakVerified, Actor: "alice", OccurredAt: aware.Add(30 * time.Hour), Details: verdictDetails()},
		},
		Record: &rules.RecordState{Chain: &leakdesk.ChainReport{Events: 2, OK: true},
			Signed: &leakdesk.SignedState{Size: 2, KeyID: "0123456789abcdef", TrustedTime: aware.Add(90 * time.Hour), TrustedSize: 2}},
	}
}

// verdictDetails is a verify-leak verdict as the timeline records it.
func verdictDetails() json.RawMessage {
	data, err := json.Marshal(leakdesk.LeakVerifiedPayload{Leak: "microsoc_customers.txt", Rows: 945, Findings: []leakdesk.VerdictFinding{
		{Question: "authentic", Verdict: "authentic", Evidence: []string{"909 of 945 rows (96 %) link to the registry"}},
		{Question: "new or recycled", Verdict: "new", Evidence: []string{"no earlier leak on file shares more than 3 % of its values"}},
		{Question: "access: secrets", Verdict: "does not support", Evidence: []string{"no password, key, token or connection string recognised"}},
	}})
	if err != nil {
		panic(err)
	}
	return data
}

// forumIncident is a controller's incident under GDPR and NIS2 in France,
// known since Sunday 1 March 2026, 21:30 in Paris.
func forumIncident(id int64, title, discoveredBy string) *leakdesk.Incident {
	paris, _ := time.LoadLocation("Europe/Paris")
	return &leakdesk.Incident{ID: id, Title: title, Role: leakdesk.RoleController, Regimes: []string{"gdpr", "nis2"}, Country: "FR",
		TimeZone: "Europe/Paris", AwareAt: time.Date(2026, 3, 1, 21, 30, 0, 0, paris), DiscoveredBy: discoveredBy}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "reports", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./rules -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; run go test ./rules -update and review the diff\n--- got:\n%s", name, got)
	}
}

func TestReportsGolden(t *testing.T) {
	r := load(t)
	in := reportInput(t, r)
	generated := time.Date(2026, 3, 5, 13, 0, 0, 0, time.UTC)
	want := []string{"cnil", "data-subject-notice", "gdpr-art33", "nis2-early-warning", "nis2-final", "nis2-notification", "register"}
	if got := r.ReportKinds(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("kinds = %v", got)
	}
	for _, kind := range want {
		k, err := r.ReportKind(kind)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"en", "fr"} {
			rep, err := k.Build(lang, in, generated)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, kind+"."+lang+".md", rep.Markdown())
		}
	}
	k, _ := r.ReportKind("cnil")
	rep, _ := k.Build("fr", in, generated)
	html, err := rep.HTML()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "cnil.fr.html", html)
	js, _ := json.MarshalIndent(rep, "", "  ")
	golden(t, "cnil.fr.json", string(js)+"\n")
}

func TestReportNeverInvents(t *testing.T) {
	t.Parallel()
	r := load(t)
	k, _ := r.ReportKind("cnil")
	bare := rules.ReportInput{Incident: &leakdesk.Incident{ID: 1, Title: "x", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}}
	rep, err := k.Build("en", bare, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	known := 0
	for _, s := range rep.Sections {
		for _, f := range s.Fields {
			if f.Known {
				known++
				continue
			}
			if f.Value != "Unknown: to be completed" {
				t.Errorf("unknown field %s shows %q", f.ID, f.Value)
			}
		}
	}
	// Only what the bare incident states is known: its title, role and phase.
	if known != 3 || rep.Unknown == 0 {
		t.Errorf("%d known fields, %d unknown", known, rep.Unknown)
	}
	if _, err := k.Build("de", bare, time.Now()); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
		t.Errorf("German: %v", err)
	}
	if _, err := r.ReportKind("cert-fr"); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestDORAAndUserRegimes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "contract.json"), []byte(`{"id":"contract","sources":[{"title":"MSA s. 12"}],"obligations":[{"id":"contract.notice","title":"Tell customers","article":"MSA s. 12","starts":"awareness","within":"24h"}]}`), 0o644)
	r, err := rules.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	aware := at(t, "2026-03-02T06:00:00+01:00")
	inc := &leakdesk.Incident{Role: leakdesk.RoleController, Regimes: []string{"dora", "contract", "uk-gdpr"}, AwareAt: aware, TimeZone: "Europe/Paris"}
	list, err := r.Deadlines(inc, nil, aware)
	if err != nil {
		t.Fatal(err)
	}
	if d := deadline(t, list, "dora.initial"); !d.Due.Equal(aware.Add(24*time.Hour)) || !strings.Contains(d.Reason, "4h after dora.classification") {
		t.Errorf("DORA initial before classification: %+v", d)
	}
	if d := deadline(t, list, "contract.notice"); !d.Due.Equal(aware.Add(24 * time.Hour)) {
		t.Errorf("contract: %+v", d)
	}
	if d := deadline(t, list, "uk-gdpr.art33.ico"); !d.Due.Equal(aware.Add(72 * time.Hour)) {
		t.Errorf("UK GDPR: %+v", d)
	}
	// Classified at noon: 4 hours later is earlier than the 24-hour cap.
	list, _ = r.Deadlines(inc, filings(t, map[string]string{"dora.classification": "2026-03-02T12:00:00+01:00"}), aware)
	if d := deadline(t, list, "dora.initial"); !d.Due.Equal(at(t, "2026-03-02T16:00:00+01:00")) {
		t.Errorf("DORA initial after classification: %+v", d)
	}
	// Classified late: the 24-hour cap wins.
	list, _ = r.Deadlines(inc, filings(t, map[string]string{"dora.classification": "2026-03-03T05:00:00+01:00"}), aware)
	if d := deadline(t, list, "dora.initial"); !d.Due.Equal(aware.Add(24 * time.Hour)) {
		t.Errorf("DORA initial classified late: %+v", d)
	}
	if _, err := rules.Load(filepath.Join(dir, "missing")); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
		t.Errorf("missing rules directory: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "broken.json"), []byte(`{"id":"x","sources":[]}`), 0o644)
	if _, err := rules.Load(dir); err == nil || !strings.Contains(err.Error(), "broken.json") || !strings.Contains(err.Error(), "sources") {
		t.Errorf("broken regime file: %v", err)
	}
}

// TestCNILDelayReasons: the "delay beyond 72 hours" of the CNIL form is
// GDPR Art. 33(1)'s: the reasons of this notification, or unknown; never
// "none" invented, never a NIS2 filing's reasons.
func TestCNILDelayReasons(t *testing.T) {
	t.Parallel()
	r := load(t)
	k, err := r.ReportKind("cnil")
	if err != nil {
		t.Fatal(err)
	}
	aware := at(t, "2026-03-02T06:00:00+01:00")
	for _, tc := range []struct {
		name    string
		filings []*leakdesk.Filing
		now     time.Time
		want    string // "" for unknown
	}{
		{"GDPR 11 days late, no reason; NIS2 early warning late with one", []*leakdesk.Filing{
			{Obligation: "nis2.early-warning", FiledAt: aware.Add(30 * time.Hour), DelayReason: "the CSIRT portal was down"},
			{Obligation: "gdpr.art33.authority", FiledAt: aware.Add(14 * 24 * time.Hour)},
		}, aware.Add(15 * 24 * time.Hour), ""},
		{"GDPR not filed, 72 hours passed", nil, aware.Add(100 * time.Hour), ""},
		{"GDPR filed in time", []*leakdesk.Filing{{Obligation: "gdpr.art33.authority", FiledAt: aware.Add(30 * time.Hour)}}, aware.Add(100 * time.Hour), "none: filed within the time limit"},
		{"GDPR late with its own reason", []*leakdesk.Filing{{Obligation: "gdpr.art33.authority", FiledAt: aware.Add(80 * time.Hour), DelayReason: "the file was encrypted"}},
			aware.Add(100 * time.Hour), "the file was encrypted"},
		{"GDPR not filed, time left", nil, aware.Add(10 * time.Hour), "none: the time limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inc := &leakdesk.Incident{ID: 1, Title: "t", Role: leakdesk.RoleController, Regimes: []string{"gdpr", "nis2"}, TimeZone: "Europe/Paris", AwareAt: aware}
			deadlines, err := r.Deadlines(inc, tc.filings, tc.now)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := k.Build("en", rules.ReportInput{Incident: inc, Deadlines: deadlines, Filings: tc.filings}, tc.now)
			if err != nil {
				t.Fatal(err)
			}
			var got rules.ReportedField
			for _, s := range rep.Sections {
				for _, f := range s.Fields {
					if f.ID == "delay" {
						got = f
					}
				}
			}
			if (tc.want == "") == got.Known || !strings.HasPrefix(got.Value, tc.want) || strings.Contains(got.Value, "CSIRT") {
				t.Errorf("delay field = %+v, want %q", got, tc.want)
			}
		})
	}
}

// TestFrenchReportsHaveNoEnglish renders every kind of report in French
// from an incident whose own texts (title, facts, reasons, sources) are
// French, with the people broken down, an assessment that is both derived
// and set by hand, and no English sentence may remain. Identifiers
// (gdpr.art33.authority, incident.opened) are codes, not sentences, and are
// taken out first.
func TestFrenchReportsHaveNoEnglish(t *testing.T) {
	t.Parallel()
	r := load(t)
	inc := forumIncident(3, "Liste de clients publiée sur un forum criminel", "veille sur les forums")
	aware := inc.AwareAt
	filings := []*leakdesk.Filing{
		{ID: 1, Obligation: "nis2.early-warning", FiledAt: aware.Add(20 * time.Hour), Ref: "CSIRT-1"},
		{ID: 2, Obligation: "gdpr.art33.authority", FiledAt: aware.Add(30 * time.Hour), Ref: "CNIL-1"},
	}
	deadlines, err := r.Deadlines(inc, filings, aware.Add(40*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	categories := map[string]int64{"identity": 1, "contact": 12, "financial": 3, "special_category_hints": 1}
	in := rules.DefaultSeverityInput(categories, []string{"forum criminel, mise en vente"})
	in.CBInteg = rules.Factor{Value: 0.25, Reason: "quelques fiches modifiées, restaurées depuis la sauvegarde", Set: true}
	sev, err := rules.Assess(in)
	if err != nil {
		t.Fatal(err)
	}
	undetermined, err := rules.Assess(rules.DefaultSeverityInput(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	people := leakdesk.People{Total: 15, Affected: 11, Former: 1, Unknown: 3, ReviewRows: 1}
	facts := map[string]string{"dpo": "dpd@exemple.fr", "measures.fr": "Compte désactivé.", "measures.en": "Account disabled.", "consequences": "Hameçonnage ciblé."}
	english := regexp.MustCompile(`(?i)\b(the|and|of|with|which|was|is|are|found|unknown|none|persons?|people|fields?|entry|entries|evidence|records?|registry|filed|late|reached|yes|undetermined|to be completed|not applicable|medium|low|high|notify|notification proposed|data)\b`)
	ident := regexp.MustCompile(`\b[a-z0-9-]+(\.[a-z0-9-]+)+\b|--[a-z]+(=[a-z.]+)?|leakdesk( [a-z]+){1,2}`)
	for _, sv := range []*rules.Severity{&sev, &undetermined, nil} {
		input := rules.ReportInput{Incident: inc, Deadlines: deadlines, Filings: filings, Severity: sv, Facts: facts,
			Categories: categories, Special: []string{"santé"}, Persons: people.Total, PersonsHow: rules.PersonsByEmail, People: &people, Records: 17,
			Evidence: []*leakdesk.Evidence{{ID: 1, Filename: "clients.csv", SHA256: strings.Repeat("cd", 32), Source: "forum criminel"}},
			Events: []*leakdesk.Event{{Seq: 1, Kind: "incident.opened", Actor: "alice", OccurredAt: aware},
				{Seq: 2, Kind: leakdesk.EventNoticeCreated, Actor: "alice", OccurredAt: aware, Details: []byte(`{"notice":1,"campaign":"premier-avis"}`)},
				{Seq: 3, Kind: leakdesk.EventDeliveryChanged, Actor: "leakdesk", OccurredAt: aware, Details: []byte(`{"notice":1,"delivery":1,"state":"sent"}`)},
				{Seq: 4, Kind: leakdesk.EventDeliveryChanged, Actor: "leakdesk", OccurredAt: aware, Details: []byte(`{"notice":1,"delivery":1,"state":"bounced"}`)}}}
		for _, kind := range r.ReportKinds() {
			k, _ := r.ReportKind(kind)
			rep, err := k.Build("fr", input, aware.Add(40*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			md := rep.Markdown()
			if kind == "register" && !strings.Contains(md, "3-4. ") || strings.Contains(md, "3. ") {
				t.Errorf("register: the delivery changes are not summarised:\n%s", md)
			}
			for _, line := range strings.Split(md, "\n") {
				if w := english.FindString(ident.ReplaceAllString(line, "")); w != "" {
					t.Errorf("%s (severity %v): English %q in %q", kind, sv != nil, w, line)
				}
			}
		}
	}
}

// TestDelayReasonsOnlyWhenLate: GDPR Art. 33(1) asks for the reasons of a
// delay; the report asks for them only when the notification is late and
// gave none, and says why none is due otherwise.
func TestDelayReasonsOnlyWhenLate(t *testing.T) {
	t.Parallel()
	r := load(t)
	k, _ := r.ReportKind("gdpr-art33")
	aware := at(t, "2026-03-02T06:00:00+01:00")
	tests := []struct {
		article string
		aware   time.Time
		filed   time.Duration // after awareness; 0: not filed
		reason  string
		now     time.Duration
		want    string // "" when the field must be asked for
	}{
		{"Art. 33(1): filed within 72 hours", aware, 30 * time.Hour, "", 40 * time.Hour, "none: filed within the time limit"},
		{"Art. 33(1): 72 hours not yet run", aware, 0, "", 10 * time.Hour, "none: the time limit"},
		{"Art. 33(1): no awareness time, no clock", time.Time{}, 0, "", 10 * time.Hour, "not applicable: no time limit is running yet"},
		{"Art. 33(1): late and no reason recorded", aware, 0, "", 100 * time.Hour, ""},
		{"Art. 33(1): late with its reasons", aware, 80 * time.Hour, "the file was encrypted", 100 * time.Hour, "the file was encrypted"},
	}
	for _, tc := range tests {
		inc := &leakdesk.Incident{ID: 1, Title: "x", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}, AwareAt: tc.aware, TimeZone: "Europe/Paris"}
		var filings []*leakdesk.Filing
		if tc.filed > 0 {
			filings = append(filings, &leakdesk.Filing{Obligation: "gdpr.art33.authority", FiledAt: aware.Add(tc.filed), Ref: "r", DelayReason: tc.reason})
		}
		deadlines, err := r.Deadlines(inc, filings, aware.Add(tc.now))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := k.Build("en", rules.ReportInput{Incident: inc, Deadlines: deadlines, Filings: filings}, aware.Add(tc.now))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range rep.Sections {
			for _, f := range s.Fields {
				if f.ID == "delay" && (f.Known != (tc.want != "") || !strings.Contains(f.Value, tc.want)) {
					t.Errorf("%s: delay field %q (known %v), want %q", tc.article, f.Value, f.Known, tc.want)
				}
			}
		}
	}
	// One field, not "1 fields", in both languages.
	for lang, want := range map[string]string{"en": "1 field to complete.", "fr": "1 champ à compléter."} {
		if md := (&rules.Report{Lang: lang, Unknown: 1}).Markdown(); !strings.Contains(md, want) {
			t.Errorf("%s: %q lacks %q", lang, md, want)
		}
	}
}
