#!/usr/bin/env bash
# The registry index before and after the compact index, side by side in
# one run: BASE (a commit before it, built from "git archive") against the
# working tree.
#
#  1. heap held per contact once a registry is loaded, at each of SIZES
#     contacts (the sample generator's bulk registry CSV);
#  2. ns per lookup at LOOKUP contacts: a row's candidates from all its
#     keys, from its e-mail and phone alone, and a phone number read in
#     its national layout;
#  3. "leakdesk match" of the mixed dump of bench/match.sh (LINES lines)
#     against a registry of CONTACTS contacts: wall and CPU (user+sys)
#     seconds and peak RSS, with the registry as CSV and, after, as an
#     index built by "leakdesk registry index"; and whether the findings
#     are byte for byte those of BASE.
#
#   bench/registry.sh
#   SIZES="10000 100000 1000000" bench/registry.sh
#   LINES=1000000 CONTACTS=200000 bench/registry.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${BASE:-7419206}
SIZES=${SIZES-10000 100000}
LOOKUP=${LOOKUP:-100000}
LINES=${LINES:-5000000}
CONTACTS=${CONTACTS:-200000}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench}/registry
rm -rf "$DIR/base"
mkdir -p "$DIR/base"
git archive "$BASE" | tar -x -C "$DIR/base"
# The same benchmarks, run on the older tree.
cp match/index_bench_test.go "$DIR/base/match/"
(cd "$DIR/base" && go build -o "$DIR/leakdesk-base" ./cmd/leakdesk && go test -c -o "$DIR/match-base.test" ./match)
go build -o "$DIR/leakdesk" ./cmd/leakdesk
go test -c -o "$DIR/match.test" ./match

# metric BINARY BENCH CONTACTS UNIT prints the benchmark's figure in UNIT.
metric() {
	BENCH_CONTACTS=$3 "$1" -test.run '^$' -test.bench "$2" -test.benchtime "${4#*:}" |
		awk -v unit="${4%%:*}" '{for (i = 2; i <= NF; i++) if ($i == unit) print $(i-1)}'
}
printf 'heap held per loaded contact (bytes), %s cores\n' "$(nproc)"
printf '%10s %12s %12s\n' contacts before after
for n in $SIZES; do
	printf '%10s %12s %12s\n' "$n" "$(metric "$DIR/match-base.test" RegistryMemory "$n" bytes/contact:1x)" "$(metric "$DIR/match.test" RegistryMemory "$n" bytes/contact:1x)"
done
printf '\nlookup (ns/op) at %s contacts\n' "$LOOKUP"
lookups() {
	BENCH_CONTACTS=$LOOKUP "$1" -test.run '^$' -test.bench RegistryLookup -test.benchtime 2s >"$2"
}
lookups "$DIR/match-base.test" "$DIR/lookup-before.txt"
lookups "$DIR/match.test" "$DIR/lookup-after.txt"
printf '%-14s %12s %12s\n' lookup before after
runs() { awk -v k="/$1-" 'index($1, k) {for (i = 2; i <= NF; i++) if ($i == "ns/op") printf "%s ", $(i-1)}' "$2"; }
for k in row contact-keys phone; do
	printf '%-14s %12s %12s\n' "$k" "$(runs "$k" "$DIR/lookup-before.txt")" "$(runs "$k" "$DIR/lookup-after.txt")"
done

DUMP="$DIR/../mixed-$LINES.txt"
[ -s "$DUMP" ] || "$DIR/leakdesk" sample --seed 1 --orgs 260 --mixed-dump "$DUMP" --lines "$LINES"
REG="$DIR/registry-$CONTACTS.csv"
[ -s "$REG" ] || "$DIR/leakdesk" sample --seed 1 --orgs 260 --contacts-csv "$REG" --rows "$CONTACTS"
cat "$DUMP" >/dev/null # warm the page cache
printf '\n%s (%s bytes) against %s contacts\n' "$DUMP" "$(stat -c %s "$DUMP")" "$CONTACTS"
printf '%-40s %8s %8s %10s  %s\n' run wall_s cpu_s peak_MB findings
timed() {
	local name=$1 out=$2
	shift 2
	/usr/bin/time -o "$DIR/time.out" -f '%e %U %S %M' "$@" >"$out"
	awk -v n="$name" -v f="$(summary "$out")" '{printf "%-40s %8.2f %8.2f %10.0f  %s\n", n, $1, $2+$3, $4/1024, f}' "$DIR/time.out"
}
summary() {
	case $1 in
	*.json) python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%d rows, %d matched, %d contacts" % (r["rows"], r["matched_rows"], len(r["contacts"])))' "$1" ;;
	*) echo "$(stat -c %s "$DIR/registry.idx") bytes written" ;;
	esac
}
timed "before: match, registry CSV" "$DIR/before.json" "$DIR/leakdesk-base" match --format json --registry "$REG" "$DUMP"
timed "after: match, registry CSV" "$DIR/after.json" "$DIR/leakdesk" match --format json --registry "$REG" "$DUMP"
timed "after: registry index" "$DIR/index.out" "$DIR/leakdesk" registry index "$REG" --out "$DIR/registry.idx"
timed "after: match, registry index (mapped)" "$DIR/indexed.json" "$DIR/leakdesk" match --format json --registry "$DIR/registry.idx" "$DUMP"
same() { python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); [d.pop("registry",None) for d in (a,b)]; print("identical" if a==b else "DIFFERENT")' "$@"; }
printf '\nfindings after, registry CSV, against before: %s\n' "$(same "$DIR/before.json" "$DIR/after.json")"
printf 'findings after, registry index, against before: %s\n' "$(same "$DIR/before.json" "$DIR/indexed.json")"
