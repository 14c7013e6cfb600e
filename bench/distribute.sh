#!/usr/bin/env bash
# Times "leakdesk match --distribute" with 1 and with 2 "leakdesk worker"
# processes beside a plain "leakdesk match", on one machine and the same
# files in one run: the registry-shaped contact CSV of bench/match.sh
# (ROWS rows) and its mixed forum dump (LINES lines), against the mixed
# dump's registry. Workers share the embedded SQLite store, or
# PostgreSQL when LEAKDESK_DB is set. Wall time runs from the start of
# match to the merged findings, the workers' registry loading included;
# CPU is match's plus every worker's (user+sys). Each distributed run's
# findings are compared with the plain match's, byte for byte.
#
#   bench/distribute.sh
#   ROWS=200000 LINES=1000000 PIECE=8388608 bench/distribute.sh
#   THREADS=1 bench/distribute.sh   # each worker reads with one goroutine
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-200000}
LINES=${LINES:-1000000}
PIECE=${PIECE:-8388608}
THREADS=${THREADS:-0} # goroutines per worker; 0: one per core
DIR=${BENCH_DIR:-/tmp/leakdesk-bench-distribute}
mkdir -p "$DIR"
go build -o "$DIR/leakdesk" ./cmd/leakdesk
L="$DIR/leakdesk"
DUMP="$DIR/mixed-$LINES.txt"
[ -s "$DUMP" ] || "$L" sample --seed 1 --orgs 260 --mixed-dump "$DUMP" --lines "$LINES"
REG="$DUMP.registry.csv"
CSV="$DIR/contacts-$ROWS.csv"
[ -s "$CSV" ] || "$L" sample --seed 1 --contacts-csv "$CSV" --rows "$ROWS"

# cpu PID: the user+sys seconds a live process has used.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$1/stat"; }

# distributed N FILE: match FILE with N workers; prints wall and CPU seconds.
distributed() {
	local n=$1 file=$2 data="$DIR/data-$1"
	rm -rf "$data"
	local pids=()
	for _ in $(seq "$n"); do
		LEAKDESK_DATA="$data" "$L" worker --workers "$THREADS" --rescue-after 1h 2>>"$DIR/workers.log" &
		pids+=($!)
		sleep 0.3 # the first worker creates the store and River's tables
	done
	sleep 1
	local before=0 after=0 p
	for p in "${pids[@]}"; do before=$(echo "$before + $(cpu "$p")" | bc); done
	/usr/bin/time -o "$DIR/time.out" -f '%e %U %S' env LEAKDESK_DATA="$data" "$L" match --distribute --piece-size "$PIECE" --progress-every 100ms \
		--format json --registry "$REG" "$file" >"$DIR/dist.json" 2>"$DIR/dist.err"
	for p in "${pids[@]}"; do after=$(echo "$after + $(cpu "$p")" | bc); done
	kill -INT "${pids[@]}"
	wait "${pids[@]}" 2>/dev/null || true
	cmp -s "$DIR/plain.json" "$DIR/dist.json" && same=identical || same=DIFFERENT
	read -r wall user sys <"$DIR/time.out"
	awk -v n="$n worker(s)" -v w="$wall" -v c="$(echo "$user + $sys + $after - $before" | bc)" -v s="$same" -v p="$(grep -o '[0-9]* pieces' "$DIR/dist.err" | head -1)" \
		'BEGIN{printf "%-36s %8.2f %8.2f  %s, findings %s\n", "match --distribute, " n, w, c, p, s}'
}

for file in "$CSV" "$DUMP"; do
	cat "$file" >/dev/null # warm the page cache
	printf '\n%s: %s bytes; registry %s contacts; pieces of %s bytes; %s cores\n\n' "$file" "$(stat -c %s "$file")" "$(($(wc -l <"$REG") - 1))" "$PIECE" "$(nproc)"
	printf '%-36s %8s %8s  %s\n' run wall_s cpu_s notes
	/usr/bin/time -o "$DIR/time.out" -f '%e %U %S' "$L" match --format json --registry "$REG" "$file" >"$DIR/plain.json" 2>/dev/null || true
	read -r wall user sys <"$DIR/time.out"
	awk -v w="$wall" -v c="$(echo "$user + $sys" | bc)" 'BEGIN{printf "%-36s %8.2f %8.2f  %s\n", "leakdesk match (one process)", w, c, "-"}'
	distributed 1 "$file"
	distributed 2 "$file"
done
