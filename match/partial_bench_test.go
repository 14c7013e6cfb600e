package match_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// BenchmarkMergePieces measures what the merge of a distributed run costs:
// decoding the pieces' partial findings from JSON and merging them, for
// runs of more and more pieces (the same leak read again and again), on
// leaks of three kinds: rows of registry contacts (every row a link), a
// mixed forum dump, and rows of unknown people (up to 100,000). It
// reports the stored partial's size per piece and the merge's time per
// piece, the figures the projection of docs/distributed.md starts from.
func BenchmarkMergePieces(b *testing.B) {
	ctx := context.Background()
	registry, leaks := bigLeaks(b)
	strangers := writeStrangers(b, 100_000)
	svc := match.NewService(nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, leak := range []string{leaks[0], leaks[1], strangers} {
		scanner, _, err := svc.ScannerFor(ctx, match.Request{Registry: registry, Leaks: match.Files(leak)})
		if err != nil {
			b.Fatal(err)
		}
		pieces, err := match.Split(reader, []string{leak}, dump.MinSplit)
		if err != nil {
			b.Fatal(err)
		}
		var raw [][]byte
		var size int
		for _, p := range pieces {
			partial, err := scanner.ScanPiece(ctx, p)
			if err != nil {
				b.Fatal(err)
			}
			j, err := json.Marshal(partial)
			if err != nil {
				b.Fatal(err)
			}
			raw, size = append(raw, j), size+len(j)
		}
		info, err := os.Stat(leak)
		if err != nil {
			b.Fatal(err)
		}
		for _, times := range []int{1, 16} {
			n := times * len(raw)
			b.Run(fmt.Sprintf("%s/pieces=%d", filepath.Base(leak), n), func(b *testing.B) {
				files := make([]string, 0, times)
				for range times {
					files = append(files, leak)
				}
				cpu := cpuTime(b)
				for b.Loop() {
					partials := make([]*match.Partial, 0, n)
					for range times {
						for _, j := range raw {
							p := new(match.Partial)
							if err := json.Unmarshal(j, p); err != nil {
								b.Fatal(err)
							}
							partials = append(partials, p)
						}
					}
					if _, err := scanner.Merge(partials, files); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(size)/float64(len(raw)), "partial-B/piece")
				b.ReportMetric(float64(size)/float64(info.Size()), "partial-B/leak-B")
				// On a shared machine wall time says little: CPU time is
				// the process's user+sys, the merge's decoding and GC included.
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n)/1e6, "ms/piece")
				b.ReportMetric(float64((cpuTime(b)-cpu).Nanoseconds())/float64(b.N)/float64(n)/1e6, "cpu-ms/piece")
			})
		}
	}
}

// writeStrangers writes a leak of n unknown people, each met twice.
func writeStrangers(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), fmt.Sprintf("strangers-%d.csv", n))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "email;first_name;last_name;phone")
	for i := range 2 * n {
		k := i % n
		fmt.Fprintf(w, "stranger%d@example.invalid;Zoltan%d;Quaxley;+33 7 %02d %02d %02d 00\n", k, k, k/10000%100, k/100%100, k%100)
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		b.Fatal(err)
	}
	return path
}

// cpuTime is the user+sys time this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
