#!/usr/bin/env bash
# Renders the console's pages for an incident with 50,000 affected contacts
# and 200,000 deliveries (BenchmarkConsolePages in http), and prints the
# 95th percentile of the time per page, against the target of 200 ms, and
# the peak memory of the process that served them, against 300 MB. The
# peak includes building the incident, so it bounds what serve needs. It
# also prints the CPU time per page, which says what a page costs when
# other work shares the machine and wall time includes waiting; and the
# load average, to read the wall times by.
#
# The coverage board is timed three ways: unchanged between renders
# (coverage), after a call is recorded before each render, as during a
# campaign (coverage-changed), and after an event that names no recipient
# before each render, so that every render counts everyone again, as the
# first one after serve starts does (coverage-cold).
#
#   bench/console.sh
#   RUNS=50 bench/console.sh      # renders of each page (default 20)
#   DB=postgres bench/console.sh  # the incident in the PostgreSQL server of
#                                 # LEAKDESK_TEST_POSTGRES, not a SQLite file;
#                                 # the peak memory is then leakdesk's alone
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-20}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench-console}
rm -rf "$DIR" && mkdir -p "$DIR"
go test -c -o "$DIR/http.test" ./http
if [ "${DB:-sqlite}" = postgres ]; then
	export LEAKDESK_BENCH_POSTGRES=1
fi
(cd http && /usr/bin/time -v -o "$DIR/time.txt" "$DIR/http.test" -test.run '^$' -test.bench 'ConsolePages' \
	-test.benchtime "${RUNS}x" -test.v >"$DIR/bench.txt" 2>&1) || { cat "$DIR/bench.txt" >&2; exit 1; }

grep -o 'built the incident in .*' "$DIR/bench.txt" || true
printf '%-18s %10s %10s %10s %8s\n' page mean-ms p95-ms cpu-ms target
awk '/^BenchmarkConsolePages\/.*ns\/op/ {
	name = $1; sub(/^BenchmarkConsolePages\//, "", name); sub(/-[0-9]+$/, "", name)
	mean = $3 / 1e6; p95 = ""; cpu = ""
	for (i = 4; i <= NF; i++) { if ($i == "p95-ms") p95 = $(i-1); if ($i == "cpu-ms/op") cpu = $(i-1) }
	printf "%-18s %10.1f %10s %10s %8s\n", name, mean, p95, cpu, (p95 + 0 <= 200 ? "met" : "MISSED")
}' "$DIR/bench.txt"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
peak_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$DIR/time.txt")
echo "peak memory: $((peak_kb / 1024)) MB (target 300 MB)"
