#!/usr/bin/env bash
# Times leakdesk inspect beside the tools a user would otherwise reach for,
# on the same registry-shaped CSV built by the sample generator, in one run:
# Go's encoding/csv (ReuseRecord), Miller, Python's csv module, and wc -l as
# the floor. bench/cellfloor shows the least a profile must do: validate the
# text as UTF-8, split every line and hash every cell, on all cores. Prints
# wall time, CPU time and peak memory for each.
#
#   bench/inspect.sh            # 1,500,000 rows, about 230 MB
#   ROWS=200000 bench/inspect.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1500000}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench}
mkdir -p "$DIR"

if ! command -v mlr >/dev/null; then
	echo "installing Miller from Debian's packages" >&2
	apt-get install -y -qq miller >/dev/null 2>&1 || echo "Miller unavailable: its row is skipped" >&2
fi

go build -o "$DIR/leakdesk" ./cmd/leakdesk
go build -o "$DIR/csvread" ./bench/csvread
go build -o "$DIR/cellfloor" ./bench/cellfloor
CSV="$DIR/contacts-$ROWS.csv"
[ -s "$CSV" ] || "$DIR/leakdesk" sample --seed 1 --contacts-csv "$CSV" --rows "$ROWS"
cat "$CSV" >/dev/null # warm the page cache so that every tool reads from memory

printf '%s: %s rows, %s bytes, %s cores\n\n' "$CSV" "$ROWS" "$(stat -c %s "$CSV")" "$(nproc)"
printf '%-38s %8s %8s %10s\n' tool wall_s cpu_s peak_MB
run() {
	local name=$1
	shift
	local best="" line
	for _ in 1 2 3; do
		/usr/bin/time -o "$DIR/time.out" -f '%e %U %S %M' "$@" >/dev/null 2>&1
		line=$(tail -1 "$DIR/time.out")
		if [ -z "$best" ] || awk -v a="$line" -v b="$best" 'BEGIN{split(a,x," ");split(b,y," ");exit !(x[1]<y[1])}'; then
			best=$line
		fi
	done
	awk -v n="$name" -v l="$best" 'BEGIN{split(l,x," "); printf "%-38s %8.2f %8.2f %10.0f\n", n, x[1], x[2]+x[3], x[4]/1024}'
}
run "wc -l (floor)" wc -l "$CSV"
run "encoding/csv, ReuseRecord" "$DIR/csvread" "$CSV"
run "UTF-8 check, split, hash every cell" "$DIR/cellfloor" "$CSV"
run "leakdesk inspect" "$DIR/leakdesk" inspect "$CSV"
run "leakdesk inspect --format json" "$DIR/leakdesk" inspect --format json "$CSV"
command -v mlr >/dev/null && run "mlr --icsv count" mlr --icsv --ojson count "$CSV"
run "python3 csv module" python3 -c 'import csv,sys
n=0
with open(sys.argv[1], newline="") as f:
    for _ in csv.reader(f): n+=1
print(n)' "$CSV"
echo
echo "best of three runs each"
