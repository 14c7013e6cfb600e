#!/usr/bin/env bash
# Times triage by "leakdesk watch" against "leakdesk match" on the same
# files: a mixed dump of LINES lines cut into PARTS files. watch keeps
# each file in the vault, matches it, sketches it for recycling and
# records it; match only matches. Then one file is dropped again under
# another name, and the time until watch says "seen on" is measured
# (it includes --settle, 100 ms here). The machine may be shared, so CPU
# time (user+sys) of each process is reported beside wall time, with the
# load average.
#
#   bench/watch.sh
#   LINES=5000000 PARTS=20 bench/watch.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${LINES:-1000000}
PARTS=${PARTS:-10}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench-watch}
rm -rf "$DIR/data" "$DIR/drop" "$DIR/parts"
mkdir -p "$DIR/parts" "$DIR/drop"
go build -o "$DIR/leakdesk" ./cmd/leakdesk
DUMP="$DIR/mixed-$LINES.txt"
[ -s "$DUMP" ] || "$DIR/leakdesk" sample --seed 1 --orgs 260 --mixed-dump "$DUMP" --lines "$LINES"
REG="$DUMP.registry.csv"
split -n "l/$PARTS" -d --additional-suffix=.txt "$DUMP" "$DIR/parts/part"
BYTES=$(cat "$DIR"/parts/*.txt | wc -c)
printf '%s files, %s bytes; %s cores\n' "$PARTS" "$BYTES" "$(nproc)"

# cpu PID prints the user+sys seconds a running process has used.
tick=$(getconf CLK_TCK)
cpu() { awk -v t="$tick" '{ print ($14 + $15) / t }' "/proc/$1/stat"; }
printf 'load average before: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

start=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$DIR/match.time" "$DIR/leakdesk" match --registry "$REG" "$DIR"/parts/*.txt --format json > "$DIR/match.json"
match_s=$(echo "$(date +%s.%N) - $start" | bc)
match_cpu=$(awk '{ print $1 + $2 }' "$DIR/match.time")

export LEAKDESK_DATA="$DIR/data"
"$DIR/leakdesk" watch "$DIR/drop" --registry "$REG" --settle 100ms --alert-min 1000000000 --webhook http://127.0.0.1:9/ > "$DIR/watch.out" 2>"$DIR/watch.err" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
sleep 3 # the registry is loaded before the first file is triaged
cpu0=$(cpu $pid)
start=$(date +%s.%N)
for f in "$DIR"/parts/*.txt; do cp "$f" "$DIR/drop/.$(basename "$f")"; mv "$DIR/drop/.$(basename "$f")" "$DIR/drop/$(basename "$f")"; done
triaged() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM triage_files WHERE state <> 'queued'\").fetchone()[0])" "$DIR/data/leakdesk.db"; }
until [ "$(triaged)" -ge "$PARTS" ]; do sleep 0.1; done
watch_s=$(echo "$(date +%s.%N) - $start" | bc)
watch_cpu=$(echo "$(cpu $pid) - $cpu0" | bc)

cp "$DIR/parts/part00.txt" "$DIR/drop/.again"
start=$(date +%s.%N)
mv "$DIR/drop/.again" "$DIR/drop/again.txt"
until grep -q "seen on" "$DIR/watch.out"; do sleep 0.01; done
seen_s=$(echo "$(date +%s.%N) - $start" | bc)
kill -INT $pid; wait $pid || true

printf 'load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %8s %8s %10s\n' step wall_s cpu_s MB/s
printf '%-28s %8.2f %8.2f %10.1f\n' "leakdesk match" "$match_s" "$match_cpu" "$(echo "$BYTES / 1000000 / $match_s" | bc -l)"
printf '%-28s %8.2f %8.2f %10.1f\n' "leakdesk watch (triage)" "$watch_s" "$watch_cpu" "$(echo "$BYTES / 1000000 / $watch_s" | bc -l)"
printf '%-28s %8.2f\n' "re-posted file recognised" "$seen_s"
