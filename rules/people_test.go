package rules_test

import (
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
)

// Every report that states the persons concerned counts former contacts
// and unknown people with the affected, and says so in its language.
func TestReportsCountEveryone(t *testing.T) {
	t.Parallel()
	r := load(t)
	in := reportInput(t, r)
	people := leakdesk.People{Total: 909, Affected: 850, Former: 23, Unknown: 36, ReviewRows: 2, Searched: []string{"exports/a.csv", "registry history"}}
	in.Persons, in.People = people.Total, &people
	want := map[string][]string{
		"en": {"909 (850 registry contact(s) found in the leak, 23 former contact(s)", "36 person(s) found nowhere else", "2 row(s) still to review"},
		"fr": {"909 (850 contact(s) du référentiel", "23 ancien(s) contact(s)", "36 personne(s) introuvable(s)", "2 ligne(s) encore à examiner"},
	}
	for _, kind := range []string{"cnil", "gdpr-art33", "nis2-notification", "register"} {
		k, err := r.ReportKind(kind)
		if err != nil {
			t.Fatal(err)
		}
		for lang, parts := range want {
			rep, err := k.Build(lang, in, in.Incident.AwareAt)
			if err != nil {
				t.Fatal(err)
			}
			value := field(rep, "persons")
			for _, p := range parts {
				if !strings.Contains(value, p) {
					t.Errorf("%s %s: persons %q lacks %q", kind, lang, value, p)
				}
			}
			if strings.Contains(value, "not searched") || strings.Contains(value, "non consultés") {
				t.Errorf("%s %s: persons %q says the past was not searched", kind, lang, value)
			}
		}
	}
	// Without a past searched, the count says so rather than call everyone
	// else unknown without a word.
	if got := rules.PeopleHow("en", leakdesk.People{Total: 5, Affected: 4, Unknown: 1}); !strings.HasSuffix(got, "; past exports and the registry's history not searched") || strings.Contains(got, "former") {
		t.Errorf("PeopleHow without a past = %q", got)
	}
}

// field returns the value of the report's field id.
func field(rep *rules.Report, id string) string {
	for _, s := range rep.Sections {
		for _, f := range s.Fields {
			if f.ID == id {
				return f.Value
			}
		}
	}
	return ""
}

// "Persons informed" counts as reached only what evidence shows, and
// names the former contacts apart.
func TestSubjectsInformedSaysWhatIsKnown(t *testing.T) {
	t.Parallel()
	s := leakdesk.CoverageSummary{ByKind: map[string]leakdesk.CoverageCounts{
		leakdesk.RecipientAffected: {Recipients: 10, Acknowledged: 2, ByPhone: 1, Delivered: 1, Sent: 5, Unreached: 1},
		leakdesk.RecipientFormer:   {Recipients: 3, Sent: 3},
	}}
	since := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	en := rules.SubjectsInformed("en", s, 2, since, 1)
	for _, want := range []string{"Since 2026-03-04 (first notice, then 1 update(s)), of 12 affected person(s): 4 reached on evidence", "5 sent with no evidence yet that it arrived, 3 not reached",
		"Of 3 former contact(s): 0 reached on evidence (acknowledgement, call, delivery report), 3 sent"} {
		if !strings.Contains(en, want) {
			t.Errorf("en: %q lacks %q", en, want)
		}
	}
	fr := rules.SubjectsInformed("fr", s, 2, since, 1)
	if !strings.Contains(fr, "sur 12 personne(s) concernée(s) : 4 jointe(s) de façon attestée") || !strings.Contains(fr, "Sur 3 ancien(s) contact(s)") || strings.Contains(fr, "reached") {
		t.Errorf("fr: %q", fr)
	}
}
