package watch

import (
	"context"
	"io"
	"log/slog"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/store"
)

// BenchmarkTriageOneFile triages a mixed dump kept in the vault, beside
// what a user would otherwise run on it: the match alone, with as many
// workers, from the same vault. The vault's own costs, which triage
// cannot go below, are measured apart: keeping the file (hash, encrypt,
// sync) at intake, and reading it back (decrypt, check its hash).
//
// LEAKDESK_BENCH_DUMP and LEAKDESK_BENCH_REGISTRY name another dump and its
// registry, such as bench/watch.sh's, to measure on a drop's size.
func BenchmarkTriageOneFile(b *testing.B) {
	ctx := context.Background()
	mixed, registry := os.Getenv("LEAKDESK_BENCH_DUMP"), os.Getenv("LEAKDESK_BENCH_REGISTRY")
	if mixed == "" || registry == "" {
		mixed, registry = mixedDump(b, 200000)
	}
	d := testbackends.Open(b, "sqlite", nil)
	content, err := os.Open(mixed)
	if err != nil {
		b.Fatal(err)
	}
	defer content.Close()
	blob, err := d.Vault.Put(ctx, content)
	if err != nil {
		b.Fatal(err)
	}
	w, err := NewTriageWorker(ctx, store.NewTriageService(d.DB), d.Vault, TriageConfig{Registry: registry}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	src := match.Source{Name: "mixed.txt", Open: func() (io.ReadCloser, error) { return d.Vault.Open(ctx, blob.SHA256) }}

	b.Run("match", func(b *testing.B) {
		b.SetBytes(blob.Size)
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := w.scanner.Scan(ctx, []match.Source{src}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("vault-put", func(b *testing.B) {
		b.SetBytes(blob.Size)
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := content.Seek(0, io.SeekStart); err != nil {
				b.Fatal(err)
			}
			if _, err := d.Vault.Put(ctx, content); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("vault-read", func(b *testing.B) {
		b.SetBytes(blob.Size)
		defer reportCPU(b)()
		for b.Loop() {
			r, err := src.Open()
			if err != nil {
				b.Fatal(err)
			}
			n, err := io.Copy(io.Discard, r)
			r.Close()
			if err != nil || n != blob.Size {
				b.Fatalf("read %d of %d bytes: %v", n, blob.Size, err)
			}
		}
	})
	b.Run("triage", func(b *testing.B) {
		b.SetBytes(blob.Size)
		defer reportCPU(b)()
		for b.Loop() {
			f := &leakdesk.TriageFile{ID: 1, SHA256: blob.SHA256, Name: "mixed.txt"}
			if _, err := w.Triage(ctx, f); err != nil {
				b.Fatal(err)
			}
			if f.Rows == 0 || f.RowSet == nil {
				b.Fatalf("triage read %d rows and no sketch", f.Rows)
			}
		}
	})
}

// reportCPU reports the process's CPU time (user+sys) per operation when
// the function it returns is called: on a shared machine wall time says
// more about the neighbours than about the code.
func reportCPU(b *testing.B) func() {
	before := cpuTime(b)
	return func() { b.ReportMetric(float64(cpuTime(b)-before)/float64(b.N), "cpu-ns/op") }
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSketchRows sketches the rows of a mixed dump held in memory, so
// that the sketch's own cost per row is measured without the reading.
func BenchmarkSketchRows(b *testing.B) {
	ctx := context.Background()
	mixed, _ := mixedDump(b, 200000)
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		b.Fatal(err)
	}
	n := match.NewNormaliser("FR")
	var rows []dump.Row
	var size int64
	src := match.Source{Name: "mixed.txt", Open: func() (io.ReadCloser, error) { return os.Open(mixed) }}
	err = match.ReadSource(ctx, reader, src, func(t *dump.Table) error {
		return t.Rows(ctx, func(r dump.Row) error {
			rows = append(rows, dump.Row{Cells: slices.Clone(r.Cells), Tokens: slices.Clone(r.Tokens)})
			for _, c := range r.Cells {
				size += int64(len(c))
			}
			return nil
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	defer reportCPU(b)()
	for b.Loop() {
		s := newSketcher(n)
		for _, r := range rows {
			s.addRow(r)
		}
		if s.rowSet().Distinct == 0 {
			b.Fatal("no value sketched")
		}
	}
}
