#!/usr/bin/env bash
# Times "leakdesk match" on a large unstructured dump beside what an analyst
# would run by hand, on the same file in one run: grep -F -i -f with the
# registry's e-mail addresses, ripgrep likewise; wc -l, and bench/scanfloor
# as the floor of a scan that finds contacts by e-mail and by phone: it
# finds the candidate tokens of every line and looks them up, on every
# core, and links nothing.
# The dump (5,000,000 lines: 70% email:password, 25% semicolon rows, 5%
# JSON) hides 347 registry contacts by e-mail and 153 only by phone number,
# and the script checks what each tool found against that truth.
#
# With REGISTRY_CONTACTS (default 200,000; 0 leaves it out), the first
# table has rows for the same match against a registry of that many
# contacts: the dump's registry followed by the sample generator's bulk
# contacts past its first round (namesakes of the registry's people at
# other addresses and numbers), read from an index built by "leakdesk
# registry index" (timed once, in its own row). The planted contacts are
# the same, so the found and false counts must be those of the small
# registry.
#
# A second table times matching a structured leak, the 1,500,000-row
# contact CSV of bench/inspect.sh, against the same registry, beside Go's
# encoding/csv reading that file (the issue's bar) and wc -l.
#
#   bench/match.sh
#   LINES=1000000 bench/match.sh
#   ROWS=200000 bench/match.sh     # a smaller structured leak
#   BASELINE=/tmp/leakdesk-old bench/match.sh   # adds rows for another build
#   REGISTRY_CONTACTS=0 bench/match.sh   # without the large registry
#   FLOORS=0 bench/match.sh   # leakdesk's rows only, to compare builds
#
# On a shared machine, read the CPU column (user+sys) as well as the wall
# one, and compare rows of the same run only.
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${LINES:-5000000}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench}
mkdir -p "$DIR"
command -v rg >/dev/null || apt-get install -y -qq ripgrep >/dev/null 2>&1 || echo "ripgrep unavailable: its row is skipped" >&2

go build -o "$DIR/leakdesk" ./cmd/leakdesk
go build -o "$DIR/scanfloor" ./bench/scanfloor
DUMP="$DIR/mixed-$LINES.txt"
[ -s "$DUMP" ] || "$DIR/leakdesk" sample --seed 1 --orgs 260 --mixed-dump "$DUMP" --lines "$LINES"
REG="$DUMP.registry.csv"
python3 - "$REG" > "$DIR/emails.txt" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    if row["email"]:
        print(row["email"].lower())
PY
cat "$DUMP" >/dev/null # warm the page cache

printf '%s: %s lines, %s bytes; registry %s contacts; %s cores; load average %s\n\n' "$DUMP" "$LINES" "$(stat -L -c %s "$DUMP")" "$(($(wc -l < "$REG") - 1))" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-36s %8s %8s %10s  %s\n' tool wall_s cpu_s peak_MB found
run() {
	local name=$1 found=$2
	shift 2
	local best="" line
	for _ in 1 2 3; do
		/usr/bin/time -o "$DIR/time.out" -f '%e %U %S %M' "$@" >"$DIR/out" 2>/dev/null || true
		line=$(tail -1 "$DIR/time.out")
		if [ -z "$best" ] || awk -v a="$line" -v b="$best" 'BEGIN{split(a,x," ");split(b,y," ");exit !(x[1]<y[1])}'; then
			best=$line
		fi
	done
	awk -v n="$name" -v l="$best" -v f="$(eval "$found")" 'BEGIN{split(l,x," "); printf "%-36s %8.2f %8.2f %10.0f  %s\n", n, x[1], x[2]+x[3], x[4]/1024, f}'
}
FLOORS=${FLOORS:-1}
if [ "$FLOORS" = 1 ]; then
	run "wc -l (floor)" 'echo -' wc -l "$DUMP"
	run "scanfloor (floor, e-mail and phone)" 'cut -d";" -f1 "$DIR/out"' "$DIR/scanfloor" "$REG" "$DUMP"
	# LC_ALL=C: case folding in a UTF-8 locale makes grep many times slower.
	run "grep -F -i -f emails -c (LC_ALL=C)" 'echo "$(cat $DIR/out) lines (e-mails only)"' env LC_ALL=C grep -F -i -f "$DIR/emails.txt" -c "$DUMP"
	command -v rg >/dev/null && run "rg -F -i -f emails -c" 'echo "$(cat $DIR/out) lines (e-mails only)"' env LC_ALL=C rg -F -i -f "$DIR/emails.txt" -c "$DUMP"
fi
cat > "$DIR/score.py" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))
got = {c["id"] for c in r["contacts"]}
want = set(t["by_email"]) | set(t["by_phone"])
phone = set(t["by_phone"])
print("%d of %d contacts, %d false, %d of %d by phone" % (len(got & want), len(want), len(got - want), len(phone & got), len(phone)))
PY
run "leakdesk match" 'python3 "$DIR/score.py" "$DIR/out" "$DUMP.truth.json"' \
	"$DIR/leakdesk" match --format json --registry "$REG" "$DUMP"
[ -n "${BASELINE:-}" ] && run "leakdesk match, baseline" 'python3 "$DIR/score.py" "$DIR/out" "$DUMP.truth.json"' \
	"$BASELINE" match --format json --registry "$REG" "$DUMP"
CONTACTS=${REGISTRY_CONTACTS:-200000}
if [ "$CONTACTS" -gt 0 ]; then
	BIG="$DIR/registry-grown-$CONTACTS"
	if [ ! -s "$BIG.csv" ]; then
		"$DIR/leakdesk" sample --seed 1 --orgs 260 --contacts-csv "$BIG.bulk.csv" --rows "$((CONTACTS * 2))"
		python3 - "$REG" "$BIG.bulk.csv" "$CONTACTS" >"$BIG.csv" <<'PY'
import csv, sys
own = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
bulk = list(csv.reader(open(sys.argv[2], encoding="utf-8")))
n = int(sys.argv[3])
email = bulk[0].index("email")
# The bulk generator goes round the sample's people, adding ".ROUND" to
# their addresses after the first round: the second round starts where
# the first row's address comes back so.
local, domain = bulk[1][email].split("@")
second = next(i for i, r in enumerate(bulk) if r[email] == local + ".1@" + domain)
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerows((own + bulk[second:])[: max(n + 1, len(own))])
PY
		rm "$BIG.bulk.csv"
	fi
	/usr/bin/time -o "$DIR/time.out" -f '%e %U %S %M' "$DIR/leakdesk" registry index "$BIG.csv" --out "$BIG.idx" >/dev/null
	awk -v n="registry index, $CONTACTS (once)" '{printf "%-36s %8.2f %8.2f %10.0f  -\n", n, $1, $2+$3, $4/1024}' "$DIR/time.out"
	run "leakdesk match, $CONTACTS contacts" 'python3 "$DIR/score.py" "$DIR/out" "$DUMP.truth.json"' \
		"$DIR/leakdesk" match --format json --registry "$BIG.idx" "$DUMP"
	[ -n "${BASELINE:-}" ] && run "leakdesk match, $CONTACTS, baseline" 'python3 "$DIR/score.py" "$DIR/out" "$DUMP.truth.json"' \
		"$BASELINE" match --format json --registry "$BIG.idx" "$DUMP"
fi
echo
echo "best of three runs each; load average now $(cut -d' ' -f1-3 /proc/loadavg)"

ROWS=${ROWS:-1500000}
CSV="$DIR/contacts-$ROWS.csv"
[ -s "$CSV" ] || "$DIR/leakdesk" sample --seed 1 --contacts-csv "$CSV" --rows "$ROWS"
go build -o "$DIR/csvread" ./bench/csvread
cat "$CSV" >/dev/null
printf '\n%s: %s rows, %s bytes, against the same registry\n\n' "$CSV" "$ROWS" "$(stat -L -c %s "$CSV")"
printf '%-36s %8s %8s %10s  %s\n' tool wall_s cpu_s peak_MB found
if [ "$FLOORS" = 1 ]; then
	run "wc -l (floor)" 'echo -' wc -l "$CSV"
	run "encoding/csv, ReuseRecord" 'echo "$(cat $DIR/out) records read"' "$DIR/csvread" "$CSV"
fi
SUMMARY='python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(\"%d rows, %d matched, %d contacts\" % (r[\"rows\"], r[\"matched_rows\"], len(r[\"contacts\"])))" "$DIR/out"'
run "leakdesk match" "$SUMMARY" "$DIR/leakdesk" match --format json --registry "$REG" "$CSV"
[ -n "${BASELINE:-}" ] && run "leakdesk match, baseline" "$SUMMARY" "$BASELINE" match --format json --registry "$REG" "$CSV"
# The least that match does per row: with a registry of one contact whom
# the file does not hold, every row is read and normalised and its keys
# looked up, but no row has a candidate to compare.
OUTSIDER="$DIR/registry-outsider.csv"
printf '%s\n' contact_id,organisation,first_name,last_name,email,phone \
	'X-1,Outsider Holdings,Zebulon,Quaxley,zebulon.quaxley@outsider.invalid,+33 9 99 99 99 99' >"$OUTSIDER"
run "leakdesk match, outsider registry" "$SUMMARY" "$DIR/leakdesk" match --format json --registry "$OUTSIDER" "$CSV"
[ -n "${BASELINE:-}" ] && run "leakdesk match, outsider, baseline" "$SUMMARY" "$BASELINE" match --format json --registry "$OUTSIDER" "$CSV"
echo
echo "best of three runs each; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
