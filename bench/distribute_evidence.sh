#!/usr/bin/env bash
# Times "leakdesk match --distribute --incident" on a large piece of
# evidence in the vault, cut into pieces read by range, against the same
# run with one piece per file (what evidence was before: --piece-size
# larger than the file), and one process reading it ("match --incident"),
# on the same machine and the same evidence in one run. Two workers of
# one goroutine each (--workers 1), so that one piece per file leaves one
# worker idle. Wall time runs from the start of match to the merged
# findings; CPU is match's plus the workers' (user+sys), since the
# machine may be shared; the load average is shown before each run. The
# cut run's start checks the evidence in full (its hash), once; that is
# in its CPU. Each distributed run's findings must equal the one
# process's, byte for byte, but for the record's number, who and when.
#
#   bench/distribute_evidence.sh
#   LINES=3000000 PIECE=16777216 bench/distribute_evidence.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${LINES:-1000000}
PIECE=${PIECE:-8388608}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench-distribute-evidence}
mkdir -p "$DIR"
go build -o "$DIR/leakdesk" ./cmd/leakdesk
L="$DIR/leakdesk"
DUMP="$DIR/mixed-$LINES.txt"
[ -s "$DUMP" ] || "$L" sample --seed 1 --orgs 260 --mixed-dump "$DUMP" --lines "$LINES"
REG="$DUMP.registry.csv"
BYTES=$(stat -c %s "$DUMP")
export LEAKDESK_DATA="$DIR/data"
rm -rf "$LEAKDESK_DATA"
"$L" incident new --title bench --aware-at now >/dev/null
"$L" evidence add 1 "$DUMP" --source bench >/dev/null

cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$1/stat"; }
add() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a + b}'; }
row() { printf '%-44s %8s %8s %6s  %s\n' "$@"; }
# findings: the findings JSON without what differs between recordings.
findings() { jq -cS 'del(.id, .actor, .created_at)' "$1"; }

printf '1 piece of evidence, %s bytes, pieces of %s; %s cores\n\n' "$BYTES" "$PIECE" "$(nproc)"
row run wall_s cpu_s load notes
avg=$(cut -d' ' -f1 /proc/loadavg)
/usr/bin/time -o "$DIR/time.out" -f '%e %U %S' "$L" match --incident INC-0001 --format json --registry "$REG" >"$DIR/single.json" 2>/dev/null
read -r wall user sys <"$DIR/time.out"
row "match --incident, one process" "$wall" "$(add "$user" "$sys")" "$avg" "-"
findings "$DIR/single.json" >"$DIR/single.norm"

pids=()
for _ in 1 2; do
	"$L" worker -v --workers 1 2>>"$DIR/workers.log" &
	pids+=($!)
	sleep 0.3
done
sleep 1
trap 'kill -INT "${pids[@]}" 2>/dev/null; wait' EXIT

# distributed LABEL PIECE_SIZE: one distributed run of the evidence.
distributed() {
	local before after avg
	before=0
	for p in "${pids[@]}"; do before=$(add "$before" "$(cpu "$p")"); done
	avg=$(cut -d' ' -f1 /proc/loadavg)
	/usr/bin/time -o "$DIR/time.out" -f '%e %U %S' "$L" match --distribute --incident INC-0001 --piece-size "$2" \
		--format json --registry "$REG" >"$DIR/dist.json" 2>"$DIR/dist.err"
	after=0
	for p in "${pids[@]}"; do after=$(add "$after" "$(cpu "$p")"); done
	read -r wall user sys <"$DIR/time.out"
	findings "$DIR/dist.json" | cmp -s - "$DIR/single.norm" && same=identical || same=DIFFERENT
	row "$1" "$wall" "$(add "$(add "$user" "$sys")" "$(add "$after" "-$before")")" "$avg" \
		"$(grep -o '[0-9]* pieces' "$DIR/dist.err" | head -1), findings $same"
}

distributed "--distribute, one piece per file" $((BYTES + 1))
distributed "--distribute, cut by range" "$PIECE"
distributed "--distribute, one piece per file (again)" $((BYTES + 1))
distributed "--distribute, cut by range (again)" "$PIECE"
