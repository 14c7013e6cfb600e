#!/usr/bin/env bash
# Links two files of person records shaped like the public FEBRL 4
# benchmark (PERSONS records each, default 5,000; every record of b.csv a
# damaged copy of one of a.csv), made by "leakdesk sample --person-linkage",
# with leakdesk match and its default weights, and prints precision, recall
# and time for each seed. The best published probabilistic linker reaches
# precision 1.000 and recall 0.998 on FEBRL 4 itself.
#
#   bench/linkage.sh
#   PERSONS=20000 SEEDS="1 2 3" bench/linkage.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PERSONS=${PERSONS:-5000}
SEEDS=${SEEDS:-1 2 3}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench}/linkage
mkdir -p "$DIR"
go build -o "$DIR/leakdesk" ./cmd/leakdesk

printf '%6s %8s %8s %8s %10s %8s %8s %8s\n' seed records links correct precision recall wall_s peak_MB
for seed in $SEEDS; do
	d="$DIR/seed-$seed"
	"$DIR/leakdesk" sample --seed "$seed" --person-linkage "$d" --persons "$PERSONS"
	/usr/bin/time -o "$d/time.out" -f '%e %M' "$DIR/leakdesk" match --format json --registry "$d/a.csv" "$d/b.csv" >"$d/out.json"
	read -r wall rss <"$d/time.out"
	python3 - "$d" "$seed" "$wall" "$rss" <<'PY'
import csv, json, sys
d, seed, wall, rss = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
res = json.load(open(d + "/out.json"))
truth = json.load(open(d + "/truth.json"))
rows = [r["rec_id"] for r in csv.DictReader(open(d + "/b.csv", encoding="utf-8"))]
links = {row: c["id"] for c in res["contacts"] for row in c["rows"]}
correct = sum(1 for row, id in links.items() if truth[rows[row - 1]] == id)
print("%6s %8d %8d %8d %10.4f %8.4f %8.2f %8.0f" % (seed, len(rows), len(links), correct,
      correct / max(len(links), 1), correct / len(rows), wall, rss / 1024))
PY
done
