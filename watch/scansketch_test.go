package watch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
)

// mixedDump writes a mixed dump of lines lines and the registry it hides
// contacts of, and returns their paths.
func mixedDump(t testing.TB, lines int) (dumpPath, registryPath string) {
	t.Helper()
	s, err := sample.Generate(sample.Config{Seed: 5, Organisations: 40})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	dumpPath, registryPath = filepath.Join(dir, "mixed.txt"), filepath.Join(dir, "registry.csv")
	f, err := os.Create(dumpPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := s.WriteMixedDump(f, lines, 30, 20); err != nil {
		t.Fatal(err)
	}
	reg, err := s.RegistryCSV()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(registryPath, reg, 0o600); err != nil {
		t.Fatal(err)
	}
	return dumpPath, registryPath
}

// scanSketch matches src with a scanner of workers workers and sketches it
// in the same pass, as triage does.
func scanSketch(ctx context.Context, t testing.TB, scanner *match.Scanner, n *match.Normaliser, src match.Source) RowSet {
	t.Helper()
	var sketches []*sketcher
	_, err := scanner.ScanVisiting(ctx, []match.Source{src}, func(int) match.RowVisitor {
		s := newSketcher(n)
		sketches = append(sketches, s)
		return s.addRow
	})
	if err != nil {
		t.Fatal(err)
	}
	return mergeSketches(sketches)
}

func TestScanSketchIsTheSketchOfASeparateRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mixed, registry := mixedDump(t, 40000)
	real := filepath.Join("..", "dump", "testdata", "real", "files")
	files := map[string]string{
		"mixed dump, many values, read in parallel": mixed,
		"CSV, few values":           writeCSV(t, "few.csv", []string{"name", "email", "phone", "city"}, leakRows(1, 300)),
		"CSV, past the exact count": writeCSV(t, "many.csv", []string{"name", "email", "phone", "city"}, leakRows(1, 9000)),
		"LibreOffice XLSX":          filepath.Join(real, "libreoffice.xlsx"),
		"mysqldump":                 filepath.Join(real, "mysqldump.sql"),
		"LDIF":                      filepath.Join(real, "ldapsearch.ldif"),
	}
	r, n, scannerOf := testScanners(ctx, t, registry)
	for _, workers := range []int{1, 4} {
		scanner := scannerOf(workers)
		for name, path := range files {
			src := match.Files(path)[0]
			want, err := ReadRowSet(ctx, r, n, src)
			if err != nil {
				t.Fatal(err)
			}
			if want.Distinct == 0 {
				t.Fatalf("%s: the separate read found no e-mail or phone", name)
			}
			got := scanSketch(ctx, t, scanner, n, src)
			if got.Distinct != want.Distinct || !slices.Equal(got.Hashes, want.Hashes) {
				t.Errorf("%s, %d workers: scan sketch holds %d hashes of %d values, separate read %d of %d, or they differ",
					name, workers, len(got.Hashes), got.Distinct, len(want.Hashes), want.Distinct)
			}
		}
	}
}
