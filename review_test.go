package leakdesk

import (
	"slices"
	"testing"
)

func reviewFindings() *Findings {
	ada := &AffectedContact{ID: "C-2", OrgID: "O-2", Organisation: "Beta", Name: "Ada Byron", Class: "possible", Confidence: 0.6,
		Evidence: []Agreement{{Field: "name", How: "equal", Weight: 4}}}
	return &Findings{Rows: 3, MatchedRows: 1,
		Contacts:      []AffectedContact{{ID: "C-1", OrgID: "O-1", Organisation: "Alpha", Fields: []string{"email"}, Rows: []int64{1}}},
		Organisations: []AffectedOrganisation{{ID: "O-1", Name: "Alpha", Contacts: 1}},
		Review: []ReviewItem{
			{Row: 2, Leaked: &LeakedPerson{Name: "A. Byron", Fields: []string{"name", "phone"}}, Candidates: []Candidate{{ID: "C-2", Confidence: 0.6, Contact: ada}}},
			{Row: 3, Leaked: &LeakedPerson{Fields: []string{"name"}}, Candidates: []Candidate{{ID: "C-1", Confidence: 0.5, Contact: &AffectedContact{ID: "C-1", OrgID: "O-1"}}, {ID: "C-9", Confidence: 0.4}}},
		},
		People: People{Total: 1, Affected: 1, ReviewRows: 2}}
}

func TestDecideReview(t *testing.T) {
	t.Parallel()
	t.Run("linked to a new contact", func(t *testing.T) {
		f := reviewFindings()
		got, err := f.Decide(ReviewDecision{Row: 2, Contact: "C-2", Actor: "lea"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Review) != 1 || got.Review[0].Row != 3 || got.MatchedRows != 2 || got.People.Affected != 2 || got.People.ReviewRows != 1 {
			t.Fatalf("review %v, matched %d, people %+v", got.Review, got.MatchedRows, got.People)
		}
		c := got.Contacts[1]
		if c.ID != "C-2" || c.Class != ClassReviewed || !slices.Equal(c.Rows, []int64{2}) || !slices.Equal(c.Fields, []string{"name", "phone"}) || len(c.Evidence) != 1 {
			t.Fatalf("linked contact %+v", c)
		}
		if len(got.Organisations) != 2 || got.Organisations[1] != (AffectedOrganisation{ID: "O-2", Name: "Beta", Contacts: 1}) {
			t.Fatalf("organisations %+v", got.Organisations)
		}
		if len(got.Decisions) != 1 || got.Decisions[0].Actor != "lea" || got.Actor != "lea" {
			t.Fatalf("decisions %+v, actor %q", got.Decisions, got.Actor)
		}
		if len(f.Review) != 2 || len(f.Contacts) != 1 || len(f.Decisions) != 0 || len(f.Organisations) != 1 {
			t.Fatalf("the findings decided on changed: %+v", f)
		}
	})
	t.Run("linked to a contact already affected", func(t *testing.T) {
		got, err := reviewFindings().Decide(ReviewDecision{Row: 3, Contact: "C-1", Actor: "lea"})
		if err != nil {
			t.Fatal(err)
		}
		c := got.Contacts[0]
		if len(got.Contacts) != 1 || !slices.Equal(c.Rows, []int64{1, 3}) || !slices.Equal(c.Fields, []string{"email", "name"}) || got.People.Affected != 1 || got.Organisations[0].Contacts != 1 {
			t.Fatalf("contacts %+v, people %+v", got.Contacts, got.People)
		}
	})
	t.Run("none of them", func(t *testing.T) {
		got, err := reviewFindings().Decide(ReviewDecision{Row: 2, Actor: "lea", Reason: "another person"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Review) != 1 || len(got.Contacts) != 1 || got.MatchedRows != 1 || got.People.ReviewRows != 1 {
			t.Fatalf("review %v, contacts %v", got.Review, got.Contacts)
		}
	})
	for _, tt := range []struct {
		name string
		d    ReviewDecision
		code string
	}{
		{"no actor", ReviewDecision{Row: 2, Contact: "C-2"}, EINVALID},
		{"not a candidate", ReviewDecision{Row: 2, Contact: "C-1", Actor: "lea"}, EINVALID},
		{"candidate without its record", ReviewDecision{Row: 3, Contact: "C-9", Actor: "lea"}, EINVALID},
		{"row not to review", ReviewDecision{Row: 1, Actor: "lea"}, ENOTFOUND},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := reviewFindings().Decide(tt.d); ErrorCode(err) != tt.code {
				t.Fatalf("error %v, want %s", err, tt.code)
			}
		})
	}
}
