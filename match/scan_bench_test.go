package match_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
)

// mixedBenchLines is the size of the benchmark dump: LEAKDESK_BENCH_LINES,
// or 500,000 lines (about 24 MB), a tenth of bench/match.sh's.
func mixedBenchLines() int { return benchSize("LEAKDESK_BENCH_LINES", 500_000) }

// benchSize is the positive number the environment variable name holds,
// or otherwise.
func benchSize(name string, otherwise int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return otherwise
}

// BenchmarkScanMixedDump measures the unstructured scan of bench/match.sh:
// a dump of email:password lines, person rows and JSON lines, against a
// registry of which it hides a few contacts by e-mail and by phone.
func BenchmarkScanMixedDump(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run("workers="+strconv.Itoa(workers), func(b *testing.B) { benchScanMixed(b, workers) })
	}
}

// mixedBenchDump writes the mixed dump of bench/match.sh in a temporary
// folder, and returns the scenario whose contacts it hides, its path and
// which contacts it hides.
func mixedBenchDump(b *testing.B) (*sample.Scenario, string, sample.MixedDumpTruth) {
	s, err := sample.Generate(sample.Config{Seed: 1, Organisations: 260})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "mixed.txt")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	truth, err := s.WriteMixedDump(f, mixedBenchLines(), 347, 153)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	return s, path, truth
}

func benchScanMixed(b *testing.B, workers int) {
	s, path, truth := mixedBenchDump(b)
	dir := b.TempDir()
	registry, err := s.RegistryCSV()
	if err != nil {
		b.Fatal(err)
	}
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		b.Fatal(err)
	}
	n := match.NewNormaliser("FR")
	regPath := filepath.Join(dir, "registry.csv")
	if err := os.WriteFile(regPath, registry, 0o644); err != nil {
		b.Fatal(err)
	}
	reg, err := match.LoadRegistry(context.Background(), reader, n, regPath, match.RegistryOptions{})
	if err != nil {
		b.Fatal(err)
	}
	scanner := match.NewScanner(reader, n, match.NewMatcher(reg, match.DefaultWeights()), workers)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	b.ResetTimer()
	for b.Loop() {
		scanFindsPlanted(b, scanner, path, truth)
	}
}

// scanFindsPlanted scans the mixed dump at path and fails unless it finds
// exactly the contacts planted in it, with no row to review: a faster scan
// that misses a planted contact measures nothing.
func scanFindsPlanted(b *testing.B, scanner *match.Scanner, path string, truth sample.MixedDumpTruth) {
	res, err := scanner.Scan(context.Background(), match.Files(path))
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for _, c := range res.Contacts {
		ids = append(ids, c.ID)
	}
	if q := score(ids, append(truth.ByEmail, truth.ByPhone...)); q.fp+q.fn > 0 || len(res.Review) > 0 {
		b.Fatalf("%d planted contacts missed, %d false links, %d rows for review", q.fn, q.fp, len(res.Review))
	}
}
