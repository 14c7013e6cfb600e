package match

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/sample"
)

// benchRegistry writes a registry of n synthetic contacts (the sample
// generator's bulk CSV) and returns its path.
func benchRegistry(tb testing.TB, n int) string {
	tb.Helper()
	s, err := sample.Generate(sample.Config{Seed: 1})
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "registry-"+strconv.Itoa(n)+".csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := s.WriteContactsCSV(f, n); err != nil {
		tb.Fatal(err)
	}
	return path
}

// loadBench loads a registry and makes the scanner that a match run makes:
// together they are what a run holds in memory for the registry.
func loadBench(tb testing.TB, path string) (*Registry, *Scanner) {
	tb.Helper()
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	n := NewNormaliser("FR")
	reg, err := LoadRegistry(context.Background(), reader, n, path, RegistryOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return reg, NewScanner(reader, n, NewMatcher(reg, DefaultWeights()), 1)
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// benchSizes are the registry sizes measured; BENCH_CONTACTS chooses one.
func benchSizes() []int {
	if v, err := strconv.Atoi(os.Getenv("BENCH_CONTACTS")); err == nil && v > 0 {
		return []int{v}
	}
	return []int{10_000, 100_000}
}

// BenchmarkRegistryMemory reports the heap a loaded registry holds, per
// contact, once the load's garbage is collected.
//
//	go test ./match -run '^$' -bench RegistryMemory -benchtime 1x
//	BENCH_CONTACTS=1000000 go test ./match -run '^$' -bench RegistryMemory -benchtime 1x -timeout 30m
func BenchmarkRegistryMemory(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			path := benchRegistry(b, n)
			b.ResetTimer()
			for range b.N {
				before := heapInUse()
				reg, s := loadBench(b, path)
				after := heapInUse()
				b.ReportMetric(float64(after-before)/float64(reg.Len()), "bytes/contact")
				runtime.KeepAlive(s)
			}
		})
	}
}

// BenchmarkIndexMemory reports the heap a registry mapped from its index
// file holds, per contact, with the scanner made for it, once the garbage
// of opening is collected: the mapping itself is not heap.
//
//	go test ./match -run '^$' -bench IndexMemory -benchtime 1x
func BenchmarkIndexMemory(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			reader, err := dump.NewReader(dump.Options{})
			if err != nil {
				b.Fatal(err)
			}
			nz := NewNormaliser("FR")
			path := filepath.Join(b.TempDir(), "registry.idx")
			if _, err := IndexRegistry(context.Background(), reader, nz, benchRegistry(b, n), RegistryOptions{}, path); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				before := heapInUse()
				reg, err := OpenIndex(path, nz)
				if err != nil {
					b.Fatal(err)
				}
				s := NewScanner(reader, nz, NewMatcher(reg, DefaultWeights()), 1)
				after := heapInUse()
				b.ReportMetric(float64(after-before)/float64(reg.Len()), "bytes/contact")
				runtime.KeepAlive(s)
			}
		})
	}
}

// BenchmarkRegistryLookup times what a leaked row asks of the registry:
// its candidates from every key (row), from its e-mail address and phone
// number alone (contact-keys), and reading one phone number written in
// its national layout (phone). The rows are the registry's own contacts,
// so that every lookup finds some. The row figure is mostly the
// gathering of candidates that names and organisations share, which the
// index does not change; the other two are mostly the index.
//
//	go test ./match -run '^$' -bench RegistryLookup
func BenchmarkRegistryLookup(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			reg, s := loadBench(b, benchRegistry(b, n))
			var recs []Record
			var raw []string
			for i := 0; i < reg.Len(); i += max(reg.Len()/1000, 1) {
				c := reg.Contact(i)
				recs = append(recs, Record{Emails: c.Emails, Phones: c.Phones, First: c.first, Last: c.last, Org: c.org})
				for _, p := range c.Phones {
					raw = append(raw, "0"+p[3:]) // national layout
				}
			}
			for _, lookup := range []struct {
				name string
				find func(i int) int
			}{
				{"row", func(i int) int { return len(s.m.candidates(recs[i%len(recs)])) }},
				{"contact-keys", func(i int) int { return len(s.m.contactCandidates(recs[i%len(recs)], nil)) }},
				{"phone", func(i int) int {
					if _, ok := s.phone(raw[i%len(raw)]); ok {
						return 1
					}
					return 0
				}},
			} {
				b.Run(lookup.name, func(b *testing.B) {
					found := 0
					for i := range b.N {
						found += lookup.find(i)
					}
					if found == 0 {
						b.Fatal("no lookup found anything")
					}
				})
			}
		})
	}
}
