package match_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// realFiles is the corpus of files written by real programs (LibreOffice,
// pg_dump, mysqldump, sqlite3, 7z...), each holding the same synthetic
// contacts; dump/testdata/real/make.sh writes it.
var realFiles = filepath.Join("..", "dump", "testdata", "real")

// TestRealToolFiles matches every file of the corpus against the contacts
// it was written from: each must yield every one of them, and nothing may
// be left unread. A file added to the corpus that leakdesk cannot read
// fails here.
func TestRealToolFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reader, err := dump.NewReader(dump.Options{Password: "infected"})
	if err != nil {
		t.Fatal(err)
	}
	n := match.NewNormaliser("FR")
	reg, err := match.LoadRegistry(ctx, reader, n, filepath.Join(realFiles, "contacts.csv"), match.RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range reg.Len() {
		want = append(want, reg.Contact(i).ID)
	}
	slices.Sort(want)
	entries, err := os.ReadDir(filepath.Join(realFiles, "files"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 9 {
		t.Fatalf("the corpus holds %d files: run dump/testdata/real/make.sh", len(entries))
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			t.Parallel()
			scanner := match.NewScanner(reader, n, match.NewMatcher(reg, match.DefaultWeights()), 2)
			res, err := scanner.Scan(ctx, match.Files(filepath.Join(realFiles, "files", e.Name())))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range res.Contacts {
				got = append(got, c.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				q := score(got, want)
				t.Errorf("%d of %d contacts found, %d wrong; %d rows read", q.tp, len(want), q.fp, res.Rows)
			}
			for _, u := range res.Unread {
				t.Errorf("not read: %s", u)
			}
		})
	}
}
