package watch

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// leakRows makes n synthetic people, numbered from first.
func leakRows(first, n int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		id := first + i
		rows[i] = []string{fmt.Sprintf("Person%d", id), fmt.Sprintf("person%d@example.org", id), fmt.Sprintf("+33 6 %02d %02d %02d %02d", id/1000000%100, id/10000%100, id/100%100, id%100), "Paris"}
	}
	return rows
}

func writeCSV(t *testing.T, name string, header []string, rows [][]string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// recut shuffles rows, reorders columns (phone, name, e-mail) and drops a
// fifth of the rows, as a reseller re-cutting an old leak would.
func recut(rows [][]string, rng *rand.Rand) [][]string {
	out := make([][]string, 0, len(rows))
	for _, i := range rng.Perm(len(rows)) {
		if rng.IntN(5) == 0 {
			continue
		}
		r := rows[i]
		out = append(out, []string{r[2], r[0], r[1]})
	}
	return out
}

func TestRecutLeakIsContainedInTheOriginal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	original := leakRows(1, 5000)
	origPath := writeCSV(t, "original.csv", []string{"name", "email", "phone", "city"}, original)
	recutPath := writeCSV(t, "recut.csv", []string{"tel", "nom", "courriel"}, recut(original, rng))
	otherPath := writeCSV(t, "other.csv", []string{"name", "email", "phone", "city"}, leakRows(900000, 3000))

	r, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := match.NewNormaliser("FR")
	sets := map[string]RowSet{}
	for name, path := range map[string]string{"original": origPath, "recut": recutPath, "other": otherPath} {
		if sets[name], err = ReadRowSet(ctx, r, n, match.Files(path)[0]); err != nil {
			t.Fatal(err)
		}
	}
	if d := sets["original"].Distinct; d < 9000 || d > 11000 {
		t.Errorf("original holds about 10,000 distinct e-mails and phones, estimated %d", d)
	}
	tests := []struct {
		a, b     string
		min, max float64
	}{
		{"recut", "original", 0.9, 1},
		{"original", "recut", 0.7, 0.9}, // a fifth was dropped
		{"other", "original", 0, 0.05},
	}
	for _, tt := range tests {
		if c := Containment(sets[tt.a], sets[tt.b]); c < tt.min || c > tt.max {
			t.Errorf("containment of %s in %s = %.3f, want in [%.2f, %.2f]", tt.a, tt.b, c, tt.min, tt.max)
		}
	}
}

// TestResoldCombolistIsRecycled: a mixed dump sold again with new
// passwords, reordered and cut by a fifth, is recycled from the first:
// a line of free text is sketched by its addresses and numbers, not as
// one value.
func TestResoldCombolistIsRecycled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	var first, resold strings.Builder
	// A mixed dump, as forums sell them: mostly combolist lines, some
	// person rows and JSON lines, read as free text.
	line := func(b *strings.Builder, i int, password string) {
		switch i % 10 {
		case 0:
			fmt.Fprintf(b, "Name%d;Surname%d;;+33 6 12 %02d %02d %02d;Lyon\n", i, i, i/10000%100, i/100%100, i%100)
		case 1:
			fmt.Fprintf(b, "{\"login\": \"user%d@mail.example\", \"hash\": \"%s\"}\n", i, password)
		default:
			fmt.Fprintf(b, "user%d@mail.example:%s\n", i, password)
		}
	}
	for i := range 4000 {
		line(&first, i, fmt.Sprintf("secret%d", i))
	}
	for _, i := range rng.Perm(4000) {
		if rng.IntN(5) != 0 {
			line(&resold, i, fmt.Sprintf("Summer2026!%d", rng.IntN(1000)))
		}
	}
	r, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := match.NewNormaliser("FR")
	sets := map[string]RowSet{}
	for name, text := range map[string]string{"first": first.String(), "resold": resold.String()} {
		path := filepath.Join(t.TempDir(), name+".txt")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if sets[name], err = ReadRowSet(ctx, r, n, match.Files(path)[0]); err != nil {
			t.Fatal(err)
		}
	}
	if d := sets["first"].Distinct; d < 3600 || d > 4400 {
		t.Errorf("the first combolist holds about 4,000 distinct addresses, estimated %d", d)
	}
	if c := Containment(sets["resold"], sets["first"]); c < 0.9 {
		t.Errorf("containment of the resold list in the first = %.3f, want at least 0.9", c)
	}
}
