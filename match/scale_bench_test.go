package match_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
)

// scaleBenchContacts is the size of the large registry:
// LEAKDESK_BENCH_CONTACTS, or 200,000 contacts.
func scaleBenchContacts() int { return benchSize("LEAKDESK_BENCH_CONTACTS", 200_000) }

// BenchmarkScanRegistrySize is the scan of BenchmarkScanMixedDump against
// the sample's registry (about 1,400 contacts) and against that registry
// grown to scaleBenchContacts by the bulk generator's namesakes, each
// mapped from an index file as a large registry is. Both registries hold
// the planted contacts, so both scans must find exactly them: the two
// figures differ only by the registry's size.
//
//	go test ./match -run '^$' -bench ScanRegistrySize -benchtime 3x
//	LEAKDESK_BENCH_LINES=5000000 go test ./match -run '^$' -bench ScanRegistrySize -benchtime 1x -cpuprofile cpu.out
func BenchmarkScanRegistrySize(b *testing.B) {
	s, path, truth := mixedBenchDump(b)
	registry, err := s.RegistryCSV()
	if err != nil {
		b.Fatal(err)
	}
	grown := grownRegistry(b, s, registry, scaleBenchContacts())
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for _, reg := range []struct {
		name string
		csv  []byte
	}{{"contacts=sample", registry}, {"contacts=" + strconv.Itoa(scaleBenchContacts()), grown}} {
		b.Run(reg.name, func(b *testing.B) {
			scanner := indexedScanner(b, reg.csv)
			b.SetBytes(info.Size())
			b.ResetTimer()
			for b.Loop() {
				scanFindsPlanted(b, scanner, path, truth)
			}
		})
	}
}

// grownRegistry returns registry (a CSV) followed by the bulk
// generator's contacts beyond its first round, up to n contacts in all:
// namesakes of the registry's people at other addresses and numbers.
func grownRegistry(tb testing.TB, s *sample.Scenario, registry []byte, n int) []byte {
	tb.Helper()
	var bulk bytes.Buffer
	if err := s.WriteContactsCSV(&bulk, n+len(s.Registry)); err != nil {
		tb.Fatal(err)
	}
	rows, err := csv.NewReader(&bulk).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	own, err := csv.NewReader(bytes.NewReader(registry)).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	out := append(own, rows[1+len(s.Registry):]...)[:max(n+1, len(own))]
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(out); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// indexedScanner indexes a registry CSV, maps the index, and returns a
// scanner over it with two workers.
func indexedScanner(tb testing.TB, registry []byte) *match.Scanner {
	tb.Helper()
	dir := tb.TempDir()
	csvPath, idxPath := filepath.Join(dir, "registry.csv"), filepath.Join(dir, "registry.idx")
	if err := os.WriteFile(csvPath, registry, 0o644); err != nil {
		tb.Fatal(err)
	}
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	n := match.NewNormaliser("FR")
	if _, err := match.IndexRegistry(context.Background(), reader, n, csvPath, match.RegistryOptions{}, idxPath); err != nil {
		tb.Fatal(err)
	}
	reg, err := match.LoadRegistry(context.Background(), reader, n, idxPath, match.RegistryOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return match.NewScanner(reader, n, match.NewMatcher(reg, match.DefaultWeights()), 2)
}
