#!/usr/bin/env bash
# Times triage by "leakdesk watch" against "leakdesk match" on the same
# files: a mixed dump of LINES lines cut into PARTS files. watch keeps
# each file in the vault, matches it, sketches it for recycling and
# records it; match only matches. The files are copied beside the drop
# directory first and renamed into it at once, as a feed delivers them,
# so that watch's time is its own, from the drop until every file is
# triaged. Then one file is dropped again under another name, and the
# time until watch says "seen on" is measured (it includes --settle,
# 100 ms here). The machine may be shared, so CPU time (user+sys) of each
# process is reported beside wall time, with the load average.
#
# BASE=<git revision> also times the watch of that revision in the same
# run, beside the current one, to compare a change on the same load.
# Each is run ROUNDS times (3), one after the other in each round, and
# the best wall time and the best CPU time of each are reported.
#
#   bench/watch.sh
#   LINES=5000000 PARTS=20 bench/watch.sh
#   BASE=main bench/watch.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${LINES:-1000000}
PARTS=${PARTS:-10}
ROUNDS=${ROUNDS:-3}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench-watch}
rm -rf "$DIR/data" "$DIR/drop" "$DIR/parts" "$DIR/stage"
mkdir -p "$DIR/parts"
go build -o "$DIR/leakdesk" ./cmd/leakdesk
if [ -n "${BASE:-}" ]; then
	rm -rf "$DIR/base-src" && mkdir -p "$DIR/base-src"
	git archive "$BASE" | tar -x -C "$DIR/base-src"
	(cd "$DIR/base-src" && go build -o "$DIR/leakdesk-base" ./cmd/leakdesk)
fi
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

# match_round sets match_s, match_cpu and match_mb.
match_round() {
	local start
	start=$(date +%s.%N)
	/usr/bin/time -f '%U %S %M' -o "$DIR/match.time" "$DIR/leakdesk" match --registry "$REG" "$DIR"/parts/*.txt --format json > "$DIR/match.json"
	match_s=$(echo "$(date +%s.%N) - $start" | bc)
	match_cpu=$(awk '{ print $1 + $2 }' "$DIR/match.time")
	match_mb=$(awk '{ print int($3 / 1024) }' "$DIR/match.time")
}

# triage BINARY times its watch from the drop of the files until all are
# triaged, then a re-post; it sets watch_s, watch_cpu, watch_mb (the
# process's peak resident memory) and seen_s.
triage() {
	rm -rf "$DIR/data" "$DIR/drop" "$DIR/stage"
	mkdir -p "$DIR/drop" "$DIR/stage"
	cp "$DIR"/parts/*.txt "$DIR/stage/"
	export LEAKDESK_DATA="$DIR/data"
	"$1" watch "$DIR/drop" --registry "$REG" --settle 100ms --alert-min 1000000000 --webhook http://127.0.0.1:9/ > "$DIR/watch.out" 2>"$DIR/watch.err" &
	pid=$!
	trap 'kill $pid 2>/dev/null || true' EXIT
	# The drop directory's .taken is made once the registry is loaded.
	until [ -d "$DIR/drop/.taken" ]; do sleep 0.1; done
	sleep 1
	cpu0=$(cpu $pid)
	start=$(date +%s.%N)
	mv "$DIR"/stage/*.txt "$DIR/drop/"
	# Polled slowly, since each poll is a process that takes a core from
	# the watch; the time is the store's, when the last file was done.
	until [ "$(triaged | cut -d' ' -f1)" -ge "$PARTS" ]; do sleep 0.5; done
	watch_s=$(echo "$(triaged | cut -d' ' -f2) - $start" | bc)
	watch_cpu=$(echo "$(cpu $pid) - $cpu0" | bc)

	cp "$DIR/drop/.taken/"*"-part00.txt" "$DIR/drop/.again"
	start=$(date +%s.%N)
	mv "$DIR/drop/.again" "$DIR/drop/again.txt"
	until grep -q "seen on" "$DIR/watch.out"; do sleep 0.01; done
	seen_s=$(echo "$(date +%s.%N) - $start" | bc)
	watch_mb=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$pid/status")
	kill -INT $pid; wait $pid || true
}
# triaged prints how many files are triaged, and when the last was done
# (seconds since the epoch).
triaged() {
	python3 - "$DIR/data/leakdesk.db" <<'PY'
import datetime, sqlite3, sys
done = sqlite3.connect(sys.argv[1]).execute("SELECT done_at FROM triage_files WHERE state <> 'queued'").fetchall()
last = max((datetime.datetime.fromisoformat(d.replace("Z", "+00:00")).timestamp() for (d,) in done if d), default=0)
print(len(done), f"{last:.6f}")
PY
}
row() { printf '%-28s %8.2f %8.2f %10.1f %8s\n' "$1" "$2" "$3" "$(echo "$BYTES / 1000000 / $2" | bc -l)" "$4"; }

# best NAME WALL CPU MB SEEN keeps the least wall time and the least CPU
# time seen for NAME, and the most memory.
declare -A best_s best_cpu best_mb best_seen
best() {
	printf '  %-10s wall %6.2f s  cpu %6.2f s  peak %4s MB\n' "$1" "$2" "$3" "$4"
	best_s[$1]=$(printf '%s\n%s\n' "${best_s[$1]:-$2}" "$2" | sort -g | head -1)
	best_cpu[$1]=$(printf '%s\n%s\n' "${best_cpu[$1]:-$3}" "$3" | sort -g | head -1)
	best_mb[$1]=$(printf '%s\n%s\n' "${best_mb[$1]:-$4}" "$4" | sort -g | tail -1)
	best_seen[$1]=$(printf '%s\n%s\n' "${best_seen[$1]:-$5}" "$5" | sort -g | head -1)
}
for round in $(seq "$ROUNDS"); do
	printf 'round %s, load average: %s\n' "$round" "$(cut -d' ' -f1-3 /proc/loadavg)"
	match_round
	best match "$match_s" "$match_cpu" "$match_mb" 0
	# The two watches take turns at going first, so that neither always
	# meets the cache or the load that the other leaves.
	order="current base"
	[ $((round % 2)) -eq 0 ] && order="base current"
	for which in $order; do
		if [ "$which" = current ]; then
			triage "$DIR/leakdesk"
			best watch "$watch_s" "$watch_cpu" "$watch_mb" "$seen_s"
		elif [ -n "${BASE:-}" ]; then
			triage "$DIR/leakdesk-base"
			best base "$watch_s" "$watch_cpu" "$watch_mb" "$seen_s"
		fi
	done
done

printf 'load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'best of %s\n%-28s %8s %8s %10s %8s\n' "$ROUNDS" step wall_s cpu_s MB/s peak_MB
row "leakdesk match" "${best_s[match]}" "${best_cpu[match]}" "${best_mb[match]}"
row "leakdesk watch (triage)" "${best_s[watch]}" "${best_cpu[watch]}" "${best_mb[watch]}"
printf '%-28s %8.2f\n' "re-posted file recognised" "${best_seen[watch]}"
if [ -n "${BASE:-}" ]; then
	row "watch at $BASE (triage)" "${best_s[base]}" "${best_cpu[base]}" "${best_mb[base]}"
	printf '%-28s %8.2f\n' "re-posted, at $BASE" "${best_seen[base]}"
fi
