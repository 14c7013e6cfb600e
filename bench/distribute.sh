#!/usr/bin/env bash
# Times "leakdesk match --distribute" against a plain "leakdesk match", on
# one machine and the same files in one run: the registry-shaped contact
# CSV of bench/match.sh (ROWS rows) and its mixed forum dump (LINES
# lines), against the mixed dump's registry. Two ways of running workers,
# side by side:
#   (a) workers reading with one goroutine each (--workers 1): one core
#       per worker, what scaling by the number of processes gives;
#   (b) workers with the default, one goroutine per core: one worker
#       already uses every core of the machine.
# Workers share the embedded SQLite store, or PostgreSQL when LEAKDESK_DB
# is set. Wall time runs from the start of match to the merged findings,
# the workers' registry loading included; CPU is match's plus every
# worker's (user+sys). Each distributed run's findings are compared with
# the plain match's, byte for byte. Each run's overhead is taken from the
# workers' log: loading the registry (per worker, once per registry), the
# pieces' matching, the merge, and the partial findings' size. Last, the
# fixed cost of a run: a small leak matched by a worker that already holds
# the registry, RUNS times.
#
#   bench/distribute.sh
#   ROWS=200000 LINES=1000000 PIECE=8388608 bench/distribute.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-200000}
LINES=${LINES:-1000000}
PIECE=${PIECE:-8388608}
RUNS=${RUNS:-5}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench-distribute}
mkdir -p "$DIR"
go build -o "$DIR/leakdesk" ./cmd/leakdesk
L="$DIR/leakdesk"
DUMP="$DIR/mixed-$LINES.txt"
[ -s "$DUMP" ] || "$L" sample --seed 1 --orgs 260 --mixed-dump "$DUMP" --lines "$LINES"
REG="$DUMP.registry.csv"
CSV="$DIR/contacts-$ROWS.csv"
[ -s "$CSV" ] || "$L" sample --seed 1 --contacts-csv "$CSV" --rows "$ROWS"
SMALL="$DIR/small.txt"
head -n 2000 "$DUMP" >"$SMALL"

# cpu PID: the user+sys seconds a live process has used.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$1/stat"; }
load() { cut -d' ' -f1 /proc/loadavg; }
row() { printf '%-40s %8s %8s %6s  %s\n' "$@"; }

# logged MSG FIELD LOG: the values of FIELD in the log's MSG lines.
logged() { grep "msg=\"$1\"" "$3" | grep -o " $2=[0-9.e+-]*" | cut -d= -f2 || true; }
sum() { awk '{s += $1} END {printf "%.2f", s}'; }
mean() { awk '{s += $1} END {if (NR) printf "%.2f", s / NR}'; }
add() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a + b}'; }

# start_workers N THREADS LOG: starts N workers; their pids in $pids.
start_workers() {
	pids=()
	for _ in $(seq "$1"); do
		"$L" worker -v --workers "$2" --rescue-after 1h 2>>"$3" &
		pids+=($!)
		sleep 0.3 # the first worker creates the store and River's tables
	done
	sleep 1
}

stop_workers() {
	kill -INT "${pids[@]}"
	wait "${pids[@]}" 2>/dev/null || true
}

workers_cpu() {
	local total=0 p
	for p in "${pids[@]}"; do total=$(add "$total" "$(cpu "$p")"); done
	echo "$total"
}

# distributed LABEL N THREADS FILE: matches FILE with N workers reading
# with THREADS goroutines each; prints wall and CPU seconds, and the run's
# overhead from the workers' log. Sets $wall.
distributed() {
	local label=$1 n=$2 threads=$3 file=$4 log="$DIR/workers-$2-$3.log"
	export LEAKDESK_DATA="$DIR/data-$n-$threads"
	rm -rf "$LEAKDESK_DATA" "$log"
	start_workers "$n" "$threads" "$log"
	local before after avg
	before=$(workers_cpu)
	avg=$(load)
	/usr/bin/time -o "$DIR/time.out" -f '%e %U %S' "$L" match --distribute --piece-size "$PIECE" --progress-every 1s \
		--format json --registry "$REG" "$file" >"$DIR/dist.json" 2>"$DIR/dist.err"
	after=$(workers_cpu)
	stop_workers
	unset LEAKDESK_DATA
	cmp -s "$DIR/plain.json" "$DIR/dist.json" && same=identical || same=DIFFERENT
	read -r wall user sys <"$DIR/time.out"
	row "$label" "$wall" "$(add "$(add "$user" "$sys")" "$(add "$after" "-$before")")" "$avg" \
		"$(grep -o '[0-9]* pieces' "$DIR/dist.err" | head -1), findings $same"
	printf '%-40s registry %ss per worker; pieces %ss in all; merge %ss; partials %s bytes per piece\n' "" \
		"$(logged 'scanner ready' seconds "$log" | mean)" "$(logged 'piece matched' seconds "$log" | sum)" \
		"$(logged 'match run merged' seconds "$log" | sum)" "$(logged 'piece matched' partial_bytes "$log" | awk '{s += $1} END {printf "%d", s / NR}')"
}

# plain LABEL THREADS FILE: a plain match of FILE. Sets $wall.
plain() {
	local avg
	avg=$(load)
	/usr/bin/time -o "$DIR/time.out" -f '%e %U %S' "$L" match --workers "$2" --format json --registry "$REG" "$3" >"$DIR/plain.json" 2>/dev/null || true
	read -r wall user sys <"$DIR/time.out"
	row "$1" "$wall" "$(add "$user" "$sys")" "$avg" "-"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

for file in "$CSV" "$DUMP"; do
	cat "$file" >/dev/null # warm the page cache
	printf '\n%s: %s bytes; registry %s contacts; pieces of %s bytes; %s cores\n\n' "$file" "$(stat -c %s "$file")" "$(($(wc -l <"$REG") - 1))" "$PIECE" "$(nproc)"
	row run wall_s cpu_s load notes
	plain "match, one process, --workers 1" 1 "$file"
	plain "match, one process (default)" 0 "$file"
	distributed "(a) 1 worker, --workers 1" 1 1 "$file"
	a1=$wall
	distributed "(a) 2 workers, --workers 1 each" 2 1 "$file"
	a2=$wall
	distributed "(b) 1 worker (default)" 1 0 "$file"
	b1=$wall
	distributed "(b) 2 workers (default)" 2 0 "$file"
	b2=$wall
	printf '\n2 workers against 1, wall time: (a) one goroutine each %sx; (b) default %sx\n' "$(ratio "$a1" "$a2")" "$(ratio "$b1" "$b2")"
done

# The fixed cost of a run, apart from matching: a leak of 2,000 lines,
# matched by one worker that already holds the registry (a first run
# loads it), beside a plain match of it, which loads the registry each time.
printf '\nFixed cost of a run: %s (%s bytes, one piece), %s runs each\n\n' "$SMALL" "$(stat -c %s "$SMALL")" "$RUNS"
row run wall_s cpu_s load notes
export LEAKDESK_DATA="$DIR/data-small"
rm -rf "$LEAKDESK_DATA" "$DIR/workers-small.log"
start_workers 1 0 "$DIR/workers-small.log"
"$L" match --distribute --format json --registry "$REG" "$SMALL" >/dev/null 2>&1 # the worker loads the registry
for i in $(seq "$RUNS"); do
	plain "match, one process #$i" 0 "$SMALL"
	before=$(workers_cpu)
	avg=$(load)
	/usr/bin/time -o "$DIR/time.out" -f '%e %U %S' "$L" match --distribute --format json --registry "$REG" "$SMALL" >"$DIR/dist.json" 2>/dev/null
	after=$(workers_cpu)
	read -r wall user sys <"$DIR/time.out"
	cmp -s "$DIR/plain.json" "$DIR/dist.json" && same=identical || same=DIFFERENT
	row "match --distribute, warm worker #$i" "$wall" "$(add "$(add "$user" "$sys")" "$(add "$after" "-$before")")" "$avg" "findings $same"
done
stop_workers
printf '\nmerge of one piece: %ss on average\n' "$(logged 'match run merged' seconds "$DIR/workers-small.log" | mean)"
