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
#   BASE=v1.2 bench/console.sh    # also the console of that git revision,
#                                 # built from git archive, in the same run:
#                                 # both are printed side by side
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-20}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench-console}
rm -rf "$DIR" && mkdir -p "$DIR"
go test -c -o "$DIR/http.test" ./http
if [ -n "${BASE:-}" ]; then
	mkdir -p "$DIR/base"
	git archive "$BASE" | tar -x -C "$DIR/base"
	(cd "$DIR/base" && go test -c -o "$DIR/base.test" ./http)
fi
if [ "${DB:-sqlite}" = postgres ]; then
	export LEAKDESK_BENCH_POSTGRES=1
fi

# bench NAME BINARY runs the benchmark, its output in $DIR/NAME.txt and
# its resources in $DIR/NAME.time.
bench() {
	(cd http && /usr/bin/time -v -o "$DIR/$1.time" "$2" -test.run '^$' -test.bench 'ConsolePages' \
		-test.benchtime "${RUNS}x" -test.v >"$DIR/$1.txt" 2>&1) || { cat "$DIR/$1.txt" >&2; exit 1; }
}
# figures NAME prints, per page: p95-ms and cpu-ms.
figures() {
	awk '/^BenchmarkConsolePages\/.*ns\/op/ {
		name = $1; sub(/^BenchmarkConsolePages\//, "", name); sub(/-[0-9]+$/, "", name)
		p95 = ""; cpu = ""
		for (i = 4; i <= NF; i++) { if ($i == "p95-ms") p95 = $(i-1); if ($i == "cpu-ms/op") cpu = $(i-1) }
		print name, p95, cpu
	}' "$DIR/$1.txt"
}
peak() { echo "$(($(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$DIR/$1.time") / 1024)) MB"; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
bench this "$DIR/http.test"
[ -z "${BASE:-}" ] || bench base "$DIR/base.test"

grep -o 'built the incident in .*' "$DIR/this.txt" || true
if [ -z "${BASE:-}" ]; then
	printf '%-18s %10s %10s %8s\n' page p95-ms cpu-ms target
	figures this | awk '{ printf "%-18s %10s %10s %8s\n", $1, $2, $3, ($2 + 0 <= 200 ? "met" : "MISSED") }'
else
	printf '%-18s %10s %10s %14s %14s %8s\n' page p95-ms cpu-ms "$BASE p95" "$BASE cpu" target
	figures base >"$DIR/base.figures"
	figures this | awk -v base="$DIR/base.figures" 'BEGIN { while ((getline line < base) > 0) { split(line, f, " "); p[f[1]] = f[2]; c[f[1]] = f[3] } }
		{ printf "%-18s %10s %10s %14s %14s %8s\n", $1, $2, $3, p[$1], c[$1], ($2 + 0 <= 200 ? "met" : "MISSED") }'
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "peak memory: $(peak this) (target 300 MB)${BASE:+; $BASE: $(peak base)}"
