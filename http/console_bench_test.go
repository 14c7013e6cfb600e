package http

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// benchSize is the incident of the console's speed target: 50,000
// affected contacts and 200,000 deliveries (four notices to each).
func benchSize() deskSize {
	return deskSize{contacts: 50_000, organisations: 2_000, notices: 4, acknowledged: 2_000}
}

// BenchmarkConsolePages renders each page of a large incident through the
// console's handlers, and reports the 95th percentile of the time per
// page (target: 200 ms) and the heap the Go runtime held from the system
// at the end (target for serve: 300 MB). The incident is built once, for
// every page.
func BenchmarkConsolePages(b *testing.B) {
	start := time.Now()
	desk := newConsoleDesk(b, b.TempDir(), benchSize())
	b.Logf("built the incident in %s", time.Since(start).Round(time.Millisecond))
	h := desk.handler(account("lea", leakdesk.RoleLead))
	id := desk.incident.PublicID()
	for _, page := range []struct {
		name, path string
		changed    bool // coverage changes before each render, as in a campaign
		cold       bool // an event naming no recipient comes before each render: coverage is read in full
	}{
		{"incidents", "/console/", false, false},
		{"incident", "/console/incidents/" + id, false, false},
		{"findings", "/console/incidents/" + id + "/findings?page=7", false, false},
		{"findings-search", "/console/incidents/" + id + "/findings?q=organisation+0042", false, false},
		{"coverage", "/console/incidents/" + id + "/coverage?page=3", false, false},
		{"coverage-changed", "/console/incidents/" + id + "/coverage?page=3", true, false},
		{"coverage-cold", "/console/incidents/" + id + "/coverage?page=3", false, true},
		{"review", "/console/incidents/" + id + "/review", false, false},
		{"facts", "/console/incidents/" + id + "/facts", false, false},
		{"reports", "/console/incidents/" + id + "/reports?kind=cnil", false, false},
		{"notifications", "/console/incidents/" + id + "/notifications", false, false},
		{"progress", "/console/incidents/" + id + "/notifications/progress", false, false},
		{"source", "/console/incidents/" + id + "/source", false, false},
	} {
		b.Run(page.name, func(b *testing.B) {
			var took []time.Duration
			cpu0 := cpuTime(b)
			for b.Loop() {
				if page.changed {
					if err := desk.call(len(took)); err != nil {
						b.Fatal(err)
					}
				}
				if page.cold {
					if err := desk.note(len(took)); err != nil {
						b.Fatal(err)
					}
				}
				w := &countingWriter{header: http.Header{}}
				t0 := time.Now()
				h.ServeHTTP(w, httptest.NewRequest("GET", page.path, nil))
				took = append(took, time.Since(t0))
				if w.status != http.StatusOK || w.bytes == 0 {
					b.Fatalf("GET %s: status %d, %d bytes", page.path, w.status, w.bytes)
				}
				b.SetBytes(int64(w.bytes))
			}
			// The CPU the process spent per page says what the page costs
			// on a machine that other work shares, where wall time waits.
			b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/1000/float64(len(took)), "cpu-ms/op")
			slices.Sort(took)
			b.ReportMetric(float64(took[(len(took)*95+99)/100-1].Microseconds())/1000, "p95-ms")
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			b.ReportMetric(float64(m.Sys)/(1<<20), "sys-MB")
		})
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// countingWriter counts what a page writes without keeping it, so that
// the benchmark measures the server, not a buffer.
type countingWriter struct {
	header http.Header
	status int
	bytes  int
}

func (w *countingWriter) Header() http.Header { return w.header }
func (w *countingWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}
func (w *countingWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.bytes += len(p)
	return len(p), nil
}
