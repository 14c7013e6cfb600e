package dump_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/sample"
)

func benchCSV(b *testing.B, rows int) string {
	b.Helper()
	s, err := sample.Generate(sample.Config{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "contacts.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.WriteContactsCSV(f, rows); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path
}

// benchRows is the size of the benchmark file: LEAKDESK_BENCH_ROWS, or
// 200,000 rows (about 32 MB).
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("LEAKDESK_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

// BenchmarkProfileCSV measures inspect's work on a registry-shaped CSV.
func BenchmarkProfileCSV(b *testing.B) {
	path := benchCSV(b, benchRows())
	info, _ := os.Stat(path)
	secrets, err := dump.LoadSecrets()
	if err != nil {
		b.Fatal(err)
	}
	r := newReader(b, dump.Options{})
	p := dump.NewProfiler(r, secrets, false)
	b.SetBytes(info.Size())
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Profile(context.Background(), path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadCSV measures reading alone, on every core.
func BenchmarkReadCSV(b *testing.B) {
	path := benchCSV(b, benchRows())
	info, _ := os.Stat(path)
	r := newReader(b, dump.Options{})
	b.SetBytes(info.Size())
	b.ResetTimer()
	for b.Loop() {
		err := r.Read(context.Background(), path, func(t *dump.Table) error {
			return t.ParallelRows(context.Background(), 2, func(int, dump.Row) error { return nil })
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// benchSheet reads one workbook of testdata/sheets/bench.*: the same 1,020
// contacts written by LibreOffice in each format, so that the readers
// compare per row (ns/op) as well as per byte of file (MB/s).
func benchSheet(b *testing.B, name string) {
	benchmarkRead(b, filepath.Join("testdata", "sheets", name), 1020)
}

// benchmarkRead reads every row of the file at path, in a loop.
func benchmarkRead(b *testing.B, path string, rows int) {
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	r := newReader(b, dump.Options{})
	b.SetBytes(info.Size())
	b.ResetTimer()
	for b.Loop() {
		var n int
		err := r.Read(context.Background(), path, func(t *dump.Table) error {
			return t.Rows(context.Background(), func(dump.Row) error { n++; return nil })
		})
		if err != nil || n != rows {
			b.Fatal(err, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}

func BenchmarkReadXLS(b *testing.B)  { benchSheet(b, "bench.xls") }
func BenchmarkReadODS(b *testing.B)  { benchSheet(b, "bench.ods") }
func BenchmarkReadXLSX(b *testing.B) { benchSheet(b, "bench.xlsx") }

// BenchmarkReadMixedText measures reading free text, the lines of a
// combolist and the tokens found in them, on every core: the reading part
// of the unstructured scan of bench/match.sh.
func BenchmarkReadMixedText(b *testing.B) {
	s, err := sample.Generate(sample.Config{Seed: 1, Organisations: 260})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "mixed.txt")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	lines := benchRows() * 2 // about 24 MB, as the contact CSV is 32
	_, err = s.WriteMixedDump(f, lines, 347, 153)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	info, _ := os.Stat(path)
	r := newReader(b, dump.Options{})
	b.SetBytes(info.Size())
	b.ResetTimer()
	for b.Loop() {
		var rows, tokens [2]int
		err := r.Read(context.Background(), path, func(t *dump.Table) error {
			return t.ParallelRows(context.Background(), 2, func(w int, row dump.Row) error {
				rows[w]++
				tokens[w] += len(row.Tokens)
				return nil
			})
		})
		if err != nil {
			b.Fatal(err)
		}
		// Every line holds an address: a reader that lost lines or
		// tokens would measure less work.
		if rows[0]+rows[1] != lines || tokens[0]+tokens[1] < lines {
			b.Fatalf("%d rows and %d tokens read of %d lines", rows[0]+rows[1], tokens[0]+tokens[1], lines)
		}
	}
}
