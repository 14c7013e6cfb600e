#!/usr/bin/env bash
# Times the triage of one large dropped file by "leakdesk watch" in its
# own process against "watch --distribute" with "leakdesk worker"
# processes on the same machine (one worker reading with a goroutine per
# core, then two workers of one goroutine each), and "leakdesk match" on
# the same file, in one run. Each triage is timed from the drop until the
# store says the file is done; CPU time (user+sys) adds up the watch's
# and the workers', since the machine may be shared. Each distributed
# triage must give the in-process result: rows, contacts and row set.
#
#   bench/watch_distribute.sh
#   LINES=5000000 PIECE=33554432 bench/watch_distribute.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${LINES:-1000000}
PIECE=${PIECE:-8388608}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench-watch-distribute}
mkdir -p "$DIR"
go build -o "$DIR/leakdesk" ./cmd/leakdesk
DUMP="$DIR/mixed-$LINES.txt"
[ -s "$DUMP" ] || "$DIR/leakdesk" sample --seed 1 --orgs 260 --mixed-dump "$DUMP" --lines "$LINES"
REG="$DUMP.registry.csv"
BYTES=$(wc -c < "$DUMP")
printf '1 file, %s bytes, pieces of %s; %s cores\n' "$BYTES" "$PIECE" "$(nproc)"
printf 'load average before: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

tick=$(getconf CLK_TCK)
cpu() { awk -v t="$tick" '{ print ($14 + $15) / t }' "/proc/$1/stat"; }
cpus() { local sum=0; for p in "$@"; do sum=$(echo "$sum + $(cpu "$p")" | bc); done; echo "$sum"; }

start=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$DIR/match.time" "$DIR/leakdesk" match --registry "$REG" "$DUMP" --format json > "$DIR/match.json"
match_s=$(echo "$(date +%s.%N) - $start" | bc)
match_cpu=$(awk '{ print $1 + $2 }' "$DIR/match.time")

# result prints the triaged file's state, rows, contacts and a hash of its
# row set, and when it was done (seconds since the epoch).
result() {
	python3 - "$DIR/data/leakdesk.db" <<'PY'
import datetime, hashlib, sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute("SELECT state, n_rows, contacts, row_set, done_at FROM triage_files").fetchone()
if not row or row[0] == "queued":
    print("queued"); sys.exit()
done = datetime.datetime.fromisoformat(row[4].replace("Z", "+00:00")).timestamp()
print(row[0], row[1], row[2], hashlib.sha256(row[3].encode()).hexdigest()[:12], f"{done:.6f}")
PY
}

# triage NAME WORKERS WORKER_ARGS... times a triage; WORKERS=0 triages in
# the watch's own process.
triage() {
	local name=$1 workers=$2; shift 2
	rm -rf "$DIR/data" "$DIR/drop" "$DIR/stage"
	mkdir -p "$DIR/drop" "$DIR/stage"
	cp "$DUMP" "$DIR/stage/leak.txt"
	export LEAKDESK_DATA="$DIR/data"
	local dist=()
	[ "$workers" -gt 0 ] && dist=(--distribute --distribute-min 1 --piece-size "$PIECE")
	"$DIR/leakdesk" watch "$DIR/drop" --registry "$REG" --settle 100ms --alert-min 1000000000 --webhook http://127.0.0.1:9/ "${dist[@]}" > "$DIR/watch.out" 2>"$DIR/watch.err" &
	local pids=($!)
	until [ -d "$DIR/drop/.taken" ]; do sleep 0.1; done
	for _ in $(seq "$workers"); do
		"$DIR/leakdesk" worker "$@" 2>>"$DIR/worker.err" &
		pids+=($!)
	done
	sleep 2 # the workers' River clients are up before the drop
	local cpu0; cpu0=$(cpus "${pids[@]}")
	local t0; t0=$(date +%s.%N)
	mv "$DIR/stage/leak.txt" "$DIR/drop/"
	until [ "$(result)" != queued ]; do sleep 0.5; done
	local r; r=$(result)
	local cpu1; cpu1=$(cpus "${pids[@]}")
	kill -INT "${pids[@]}"; wait "${pids[@]}" || true
	local s; s=$(echo "${r##* } - $t0" | bc)
	printf '%-36s %8.2f %8.2f %10.1f   %s\n' "$name" "$s" "$(echo "$cpu1 - $cpu0" | bc)" "$(echo "$BYTES / 1000000 / $s" | bc -l)" "${r% *}"
}

printf '%-36s %8s %8s %10s   %s\n' step wall_s cpu_s MB/s 'state rows contacts row_set'
printf '%-36s %8.2f %8.2f %10.1f\n' "leakdesk match" "$match_s" "$match_cpu" "$(echo "$BYTES / 1000000 / $match_s" | bc -l)"
triage "watch, in process" 0
triage "watch --distribute, 1 worker" 1
triage "watch --distribute, 2 workers x 1" 2 --workers 1
printf 'load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
