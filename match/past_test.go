package match_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// scanWithPast matches leak against registry and the values its contacts
// held, as the history says, and looks for the rows that link to no
// current contact in the past exports and the history.
func scanWithPast(t *testing.T, registry, history string, exports []string, leak ...string) *leakdesk.Findings {
	t.Helper()
	ctx := context.Background()
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := match.NewNormaliser("FR")
	reg, err := match.LoadRegistry(ctx, reader, n, registry, match.RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var changes []match.Change
	if history != "" {
		if changes, err = match.ReadHistory(history); err != nil {
			t.Fatal(err)
		}
		reg.AddHistory(changes)
	}
	past, unread, err := match.LoadPast(ctx, reader, n, exports, changes)
	if err != nil || len(unread) > 0 {
		t.Fatal(err, unread)
	}
	res, err := match.NewScanner(reader, n, match.NewMatcher(reg, match.DefaultWeights()), 2).WithPast(past).Scan(ctx, match.Files(leak...))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// accounted checks that every row of the findings is counted exactly once.
func accounted(t *testing.T, f *leakdesk.Findings) {
	t.Helper()
	p := f.People
	if sum := f.MatchedRows + p.ReviewRows + p.FormerRows + p.UnknownRows + p.IdentifierRows + p.NoContactRows; sum != f.Rows {
		t.Errorf("rows: %d linked + %d review + %d former + %d unknown + %d identifier only + %d without contact = %d, want %d",
			f.MatchedRows, p.ReviewRows, p.FormerRows, p.UnknownRows, p.IdentifierRows, p.NoContactRows, sum, f.Rows)
	}
	if p.Total != p.Affected+p.Former+p.Unknown || p.Affected != int64(len(f.Contacts)) || p.Former != int64(len(f.Former)) {
		t.Errorf("people do not add up: %+v with %d contacts and %d former listed", p, len(f.Contacts), len(f.Former))
	}
}

// acmeRegistry holds two colleagues.
const acmeRegistry = `contact_id,organisation,first_name,last_name,email,phone
C-001,Acme SAS,Alice,Martin,alice.martin@acme.fr,+33612345678
C-002,Acme SAS,Bruno,Petit,bruno.petit@acme.fr,+33698765432
`

func TestUnlinkedRowsAreSorted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	registry := writeFile(t, dir, "registry.csv", acmeRegistry)
	export := writeFile(t, dir, "clients_2026-02-01.csv", `organisation,first_name,last_name,email,phone
Acme SAS,Alice,Martin,alice.martin@acme.fr,+33612345678
Acme SAS,Claire,Durand,claire.durand@acme.fr,+33611112222
Acme SAS,Denis,Moreau,denis.moreau@acme.fr,+33633334444
`)
	// Élise left after her address changed: only the history holds her.
	history := writeFile(t, dir, "history.csv", `at,contact_id,field,old,new
2026-01-10T09:00:00+01:00,C-004,email,e.roux@acme.fr,elise.roux@acme.fr
2026-04-02T09:00:00+02:00,C-004,email,elise.roux@acme.fr,eroux@acme.fr
2026-05-01T09:00:00+02:00,C-004,left,,
2026-03-01T09:00:00+01:00,C-002,phone,+33600000000,+33698765432
`)
	leak := writeFile(t, dir, "leak.csv", `Société;Prénom;Nom;Email;Tél
Acme SAS;Alice;Martin;alice.martin@acme.fr;06 12 34 56 78
Acme SAS;Claire;Durand;claire.durand@acme.fr;06 11 11 22 22
Acme SAS;Élise;Roux;elise.roux@acme.fr;
Acme SAS;Zoé;Inconnue;zoe@example.org;06 99 99 99 99
;;;dave@example.net;
Acme SAS;Jean;Sans;;
Acme SAS;Claire;Durand;claire.durand@acme.fr;
Acme SAS;Zoé;Inconnue;zoe@example.org;
`)
	f := scanWithPast(t, registry, history, []string{export}, leak)
	accounted(t, f)
	want := leakdesk.People{Total: 4, Affected: 1, Former: 2, Unknown: 1, FormerRows: 3, UnknownRows: 2, IdentifierRows: 1, NoContactRows: 1,
		Searched: []string{export, "registry history"}}
	if !equalPeople(f.People, want) {
		t.Fatalf("people = %+v, want %+v", f.People, want)
	}
	claire, elise := f.Former[0], f.Former[1]
	if claire.Name != "Claire Durand" || !slices.Equal(claire.Rows, []int64{2, 7}) || claire.Phone != "+33611112222" || !slices.Equal(claire.Sources, []string{"export"}) {
		t.Errorf("Claire = %+v", claire)
	}
	if len(claire.Ties) != 1 || !strings.HasPrefix(claire.Ties[0], "row 2 of export clients_2026-02-01.csv: same email, phone, name, organisation") {
		t.Errorf("Claire's ties = %q", claire.Ties)
	}
	wantTies := []string{"e-mail held by C-004 from 2026-01-10 until 2026-04-02", "C-004 left the registry on 2026-05-01"}
	if elise.ContactID != "C-004" || !slices.Equal(elise.Ties, wantTies) || !slices.Equal(elise.Sources, []string{"history"}) || elise.Name != "Élise Roux" || elise.Organisation != "Acme SAS" {
		t.Errorf("Élise = %+v, want ties %q", elise, wantTies)
	}
	zoe := f.Unknown[0]
	if zoe.Name != "Zoé Inconnue" || !slices.Equal(zoe.Rows, []int64{4, 8}) || zoe.Email != "zoe@example.org" || zoe.Sources != nil || len(zoe.Ties) != 0 {
		t.Errorf("unknown = %+v", zoe)
	}
	if len(f.Review) != 0 {
		t.Errorf("review = %+v", f.Review)
	}
}

func equalPeople(a, b leakdesk.People) bool {
	return slices.Equal(a.Searched, b.Searched) && fmt.Sprint(a.Total, a.Affected, a.Former, a.Unknown, a.FormerRows, a.UnknownRows, a.IdentifierRows, a.NoContactRows, a.ReviewRows) ==
		fmt.Sprint(b.Total, b.Affected, b.Former, b.Unknown, b.FormerRows, b.UnknownRows, b.IdentifierRows, b.NoContactRows, b.ReviewRows)
}

// A row that the history ties to a contact still in the registry, whose
// values changed since, links to them through the value they held.
func TestHistoryLinksCurrentContactThroughHeldValue(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	registry := writeFile(t, dir, "registry.csv", `contact_id,organisation,first_name,last_name,email,phone
C-001,Acme SAS,Alice,Martin,alice.martin@acme.fr,+33612345678
C-002,Beta SARL,Bruno,Petit,bruno@beta.fr,+33698765432
`)
	history := writeFile(t, dir, "history.csv", `at,contact_id,field,old,new
2026-03-01T09:00:00+01:00,C-002,email,bp@old-beta.fr,bruno@beta.fr
`)
	leak := writeFile(t, dir, "leak.csv", "name,email\nB. P.,bp@old-beta.fr\nAlice Martin,alice.martin@acme.fr\n")
	f := scanWithPast(t, registry, history, nil, leak)
	accounted(t, f)
	if len(f.Former) != 0 || len(f.Review) != 0 || len(f.Contacts) != 2 || f.Contacts[1].ID != "C-002" ||
		!slices.ContainsFunc(f.Contacts[1].Evidence, func(e leakdesk.Agreement) bool { return e.How == "held until 2026-03-01: bp@old-beta.fr" }) {
		t.Fatalf("contacts %+v, former %+v, review %+v", f.Contacts, f.Former, f.Review)
	}
}

// A number that passed from one contact to another links each to the rows
// that name them, and a row with the number alone to neither for certain.
func TestHeldNumberGivenToSomeoneElse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	registry := writeFile(t, dir, "registry.csv", acmeRegistry)
	history := writeFile(t, dir, "history.csv", `at,contact_id,field,old,new
2026-02-01T09:00:00+01:00,C-002,phone,+33612345678,+33698765432
2026-03-01T09:00:00+01:00,C-001,phone,+33655555555,+33612345678
`)
	leak := writeFile(t, dir, "leak.csv", "first,last,phone\nBruno,Petit,06 12 34 56 78\nAlice,Martin,06 12 34 56 78\n,,06 12 34 56 78\n")
	f := scanWithPast(t, registry, history, nil, leak)
	accounted(t, f)
	rows := map[string][]int64{}
	for _, c := range f.Contacts {
		rows[c.ID] = c.Rows
	}
	if !slices.Equal(rows["C-001"], []int64{2}) || !slices.Equal(rows["C-002"], []int64{1}) || len(f.Review) != 1 || f.Review[0].Row != 3 {
		t.Fatalf("contacts %+v, review %+v", f.Contacts, f.Review)
	}
}

// Combolist lines of unknown people are counted, not listed; unknown
// people beyond UnknownListed are counted, not listed.
func TestUnknownPeopleAreCountedBeyondTheList(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	registry := writeFile(t, dir, "registry.csv", "contact_id,first_name,last_name,email\nC-001,Alice,Martin,alice.martin@acme.fr\n")
	var combo, people strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&combo, "user%d@mail.example:hunter%d\n", i, i)
	}
	fmt.Fprintf(&combo, "alice.martin@acme.fr:secret\n")
	people.WriteString("first_name,last_name,email\n")
	extra := leakdesk.UnknownListed + 250
	for i := range extra {
		fmt.Fprintf(&people, "Person%c,Number%c%c,p%d@stranger.example\n", 'a'+rune(i%26), 'a'+rune(i/26%26), 'a'+rune(i/676), i)
	}
	f := scanWithPast(t, registry, "", nil, writeFile(t, dir, "combo.txt", combo.String()), writeFile(t, dir, "people.csv", people.String()))
	accounted(t, f)
	p := f.People
	if p.IdentifierRows != 3000 || p.Affected != 1 || p.Unknown != int64(extra) || len(f.Unknown) != leakdesk.UnknownListed || p.UnknownNotListed != 250 || p.UnknownApprox {
		t.Fatalf("people = %+v, %d listed", p, len(f.Unknown))
	}
	for _, u := range f.Unknown {
		if u.Rows[0] <= 3001 || u.Email == "" {
			t.Fatalf("listed unknown %+v", u)
		}
	}
}

// TestLeakedPeopleAccountedFor checks, on generated incidents, that every
// leaked person is affected, a former contact, unknown or to review, and
// that former contacts and unknowns are who the truth says.
func TestLeakedPeopleAccountedFor(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 12} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			s, err := sample.Generate(sample.Config{Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := s.Write(dir); err != nil {
				t.Fatal(err)
			}
			exports, err := filepath.Glob(filepath.Join(dir, "exports", "*_*_*"))
			if err != nil {
				t.Fatal(err)
			}
			f := scanWithPast(t, filepath.Join(dir, "registry", "contacts.csv"), filepath.Join(dir, "registry", "history.csv"), exports, filepath.Join(dir, s.LeakPath()))
			truth := s.Truth()
			accounted(t, f)
			p := f.People
			t.Logf("seed %d: %d leaked people (%d contacts, %d left, %d strangers); found %d affected, %d former, %d unknown, %d to review",
				seed, truth.LeakedContacts+truth.StrangerRows, len(truth.AffectedContacts), len(truth.DepartedContacts), truth.StrangerRows, p.Affected, p.Former, p.Unknown, p.ReviewRows)
			if got, want := p.Total+p.ReviewRows, int64(truth.LeakedContacts+truth.StrangerRows); got != want {
				t.Errorf("%d people and rows to review, want the %d leaked people", got, want)
			}
			for _, lp := range f.Former {
				for _, row := range lp.Rows {
					if id := truth.RowContacts[row-1]; !slices.Contains(truth.DepartedContacts, id) {
						t.Errorf("row %d: former contact %q is %q, not one who left", row, lp.Name, id)
					}
				}
			}
			for _, lp := range f.Unknown {
				if id := truth.RowContacts[lp.Rows[0]-1]; id != "" {
					t.Errorf("row %d: unknown %q is contact %s", lp.Rows[0], lp.Name, id)
				}
			}
			if p.Former < int64(len(truth.DepartedContacts))*9/10 || p.Unknown < int64(truth.StrangerRows)*9/10 {
				t.Errorf("found %d former and %d unknown, of %d who left and %d strangers", p.Former, p.Unknown, len(truth.DepartedContacts), truth.StrangerRows)
			}
		})
	}
}
