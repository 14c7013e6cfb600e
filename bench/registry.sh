#!/usr/bin/env bash
# The registry index before and after, side by side in one run: BASE (a
# commit before the change measured, built from "git archive") against
# the working tree.
#
#  1. heap held per contact once a registry is loaded from its CSV, at
#     each of SIZES contacts (the sample generator's bulk registry CSV),
#     and, after, once mapped from its index file with the scanner made;
#  2. ns per lookup at LOOKUP contacts: a row's candidates from all its
#     keys, from its e-mail and phone alone, and a phone number read in
#     its national layout;
#  3. "leakdesk match" of the mixed dump of bench/match.sh (LINES lines)
#     against a registry of CONTACTS contacts: wall and CPU (user+sys)
#     seconds, peak RSS, and the largest heap the collector met
#     (GODEBUG=gctrace=1), with the registry as CSV and as an index built
#     by "leakdesk registry index"; and whether the findings are byte for
#     byte those of BASE. RSS counts the index file's pages the process
#     touched (opening reads them all, for the checksum); the heap does
#     not;
#  4. "leakdesk registry index" of a registry of BIG contacts, after (and
#     before when BIG_BEFORE=1: it held the whole registry, several GB):
#     the same figures and the file's size, beside those at CONTACTS.
#
#   bench/registry.sh
#   SIZES="10000 100000 1000000" bench/registry.sh
#   LINES=1000000 CONTACTS=200000 BIG=2000000 bench/registry.sh
#   BASE=7419206 bench/registry.sh   # against the maps of strings
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${BASE:-49b9e14}
SIZES=${SIZES-10000 100000}
LOOKUP=${LOOKUP:-100000}
LINES=${LINES:-5000000}
CONTACTS=${CONTACTS:-200000}
BIG=${BIG:-2000000}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench}/registry
rm -rf "$DIR/base"
mkdir -p "$DIR/base"
git archive "$BASE" | tar -x -C "$DIR/base"
# The same benchmarks, run on the older tree, if it has none of its own.
[ -e "$DIR/base/match/index_bench_test.go" ] || cp match/index_bench_test.go "$DIR/base/match/"
(cd "$DIR/base" && go build -o "$DIR/leakdesk-base" ./cmd/leakdesk && go test -c -o "$DIR/match-base.test" ./match)
go build -o "$DIR/leakdesk" ./cmd/leakdesk
go test -c -o "$DIR/match.test" ./match

# metric BINARY BENCH CONTACTS UNIT prints the benchmark's figure in UNIT.
metric() {
	BENCH_CONTACTS=$3 "$1" -test.run '^$' -test.bench "$2" -test.benchtime "${4#*:}" |
		awk -v unit="${4%%:*}" '{for (i = 2; i <= NF; i++) if ($i == unit) print $(i-1)}'
}
printf 'heap held per loaded contact (bytes), %s cores\n' "$(nproc)"
printf '%10s %12s %12s %16s\n' contacts before after 'after, mapped'
for n in $SIZES; do
	printf '%10s %12s %12s %16s\n' "$n" "$(metric "$DIR/match-base.test" RegistryMemory "$n" bytes/contact:1x)" "$(metric "$DIR/match.test" RegistryMemory "$n" bytes/contact:1x)" "$(metric "$DIR/match.test" IndexMemory "$n" bytes/contact:1x)"
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
printf '\n%s (%s bytes) against %s contacts; load average %s\n' "$DUMP" "$(stat -L -c %s "$DUMP")" "$CONTACTS" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-42s %8s %8s %8s %8s  %s\n' run wall_s cpu_s rss_MB heap_MB result
# timed NAME OUT COMMAND... runs the command, its output to OUT, and
# prints its times, peak RSS, largest heap and what it gave.
timed() {
	local name=$1 out=$2
	shift 2
	GODEBUG=gctrace=1 /usr/bin/time -o "$DIR/time.out" -f '%e %U %S %M' "$@" >"$out" 2>"$DIR/gc.out"
	awk -v n="$name" -v f="$(summary "$out")" -v h="$(heap "$DIR/gc.out")" '{printf "%-42s %8.2f %8.2f %8.0f %8s  %s\n", n, $1, $2+$3, $4/1024, h, f}' "$DIR/time.out"
}
# heap prints the largest heap a collection began at, in MB.
heap() { grep -o '[0-9]*->[0-9]*->[0-9]* MB' "$1" | awk -F'->' '$1 > m {m = $1} END {print m + 0}'; }
summary() {
	case $1 in
	*.json) python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%d rows, %d matched, %d contacts" % (r["rows"], r["matched_rows"], len(r["contacts"])))' "$1" ;;
	*) echo "$(stat -c %s "${1%.out}.idx") bytes" ;;
	esac
}
timed "before: match, registry CSV" "$DIR/before.json" "$DIR/leakdesk-base" match --format json --registry "$REG" "$DUMP"
timed "after: match, registry CSV" "$DIR/after.json" "$DIR/leakdesk" match --format json --registry "$REG" "$DUMP"
timed "before: registry index" "$DIR/before-$CONTACTS.out" "$DIR/leakdesk-base" registry index "$REG" --out "$DIR/before-$CONTACTS.idx"
timed "after: registry index" "$DIR/after-$CONTACTS.out" "$DIR/leakdesk" registry index "$REG" --out "$DIR/after-$CONTACTS.idx"
timed "before: match, registry index (mapped)" "$DIR/before-indexed.json" "$DIR/leakdesk-base" match --format json --registry "$DIR/before-$CONTACTS.idx" "$DUMP"
timed "after: match, registry index (mapped)" "$DIR/indexed.json" "$DIR/leakdesk" match --format json --registry "$DIR/after-$CONTACTS.idx" "$DUMP"
same() { python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); [d.pop("registry",None) for d in (a,b)]; print("identical" if a==b else "DIFFERENT")' "$@"; }
printf '\nfindings after, registry CSV, against before: %s\n' "$(same "$DIR/before.json" "$DIR/after.json")"
printf 'findings after, registry index, against before: %s\n' "$(same "$DIR/before.json" "$DIR/indexed.json")"
printf 'findings before, registry index, against before: %s\n' "$(same "$DIR/before.json" "$DIR/before-indexed.json")"

BIGREG="$DIR/registry-$BIG.csv"
[ -s "$BIGREG" ] || "$DIR/leakdesk" sample --seed 1 --orgs 260 --contacts-csv "$BIGREG" --rows "$BIG"
printf '\nregistry index of %s contacts (%s bytes) beside %s; load average %s\n' "$BIG" "$(stat -c %s "$BIGREG")" "$CONTACTS" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-42s %8s %8s %8s %8s  %s\n' run wall_s cpu_s rss_MB heap_MB result
[ -z "${BIG_BEFORE:-}" ] || timed "before: registry index, $BIG" "$DIR/before-$BIG.out" "$DIR/leakdesk-base" registry index "$BIGREG" --out "$DIR/before-$BIG.idx"
timed "after: registry index, $CONTACTS" "$DIR/after-$CONTACTS.out" "$DIR/leakdesk" registry index "$REG" --out "$DIR/after-$CONTACTS.idx"
timed "after: registry index, $BIG" "$DIR/after-$BIG.out" "$DIR/leakdesk" registry index "$BIGREG" --out "$DIR/after-$BIG.idx"
