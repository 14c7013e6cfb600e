#!/usr/bin/env bash
# Times "leakdesk inspect" on the same contacts written by each real program
# (dump/testdata/real/make: LibreOffice, pg_dump, mysqldump, sqlite3, 7z,
# xz...), beside what a user would otherwise run to get at the rows: the
# program's own converter or decompressor (soffice --convert-to csv,
# pg_restore, sqlite3 -csv, 7z x, xz -d...). Each format's cost per
# megabyte of its own file is printed beside the CSV's, the nearest format
# every reader is held to.
#
#   bench/formats.sh                 # 60,000 contacts (the .xls limit is 65,536 rows)
#   ROWS=20000 bench/formats.sh
#   FAMILIES="archives sqlite" bench/formats.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-60000}
DIR=${BENCH_DIR:-/tmp/leakdesk-bench}/formats-$ROWS
mkdir -p "$DIR/files"
go build -o "$DIR/leakdesk" ./cmd/leakdesk

# The 60 synthetic contacts, repeated with new IDs and e-mail addresses to
# ROWS rows, in the same columns, so that every generator script applies.
SRC="$DIR/contacts.csv"
[ -s "$SRC" ] || python3 - "$ROWS" dump/testdata/real/contacts.csv "$SRC" <<'PY'
import csv, sys
rows, src, dst = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(src, newline="", encoding="utf-8") as f:
    r = csv.reader(f)
    header, base = next(r), list(r)
with open(dst, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    for i in range(rows):
        row = list(base[i % len(base)])
        row[0] = f"C{1000 + i}"
        local, domain = row[3].split("@")
        row[3] = f"{local}.{i}@{domain}"
        w.writerow(row)
PY
if [ ! -s "$DIR/files/.done" ]; then
	for family in ${FAMILIES:-$(cd dump/testdata/real/make && ls *.sh | sed 's/\.sh$//')}; do
		echo "writing the $family files" >&2
		SRC="$SRC" OUT="$DIR/files" bash "dump/testdata/real/make/$family.sh" >/dev/null 2>&1 || echo "  $family failed: its rows are missing" >&2
	done
	touch "$DIR/files/.done"
fi

# The alternative a user would run for a file, by its name; empty when
# there is none.
alternative() {
	case "$1" in
	*.xls | *.ods | *.fods | *.xlsx) echo "soffice --headless --convert-to csv --outdir $DIR/out $1" ;;
	*.dump | *-Fd | *-Fd-* | *-Ft.tar) echo "pg_restore -f /dev/null $1" ;;
	*.db | *.sqlite*) echo "sqlite3 -csv $1 .dump" ;;
	*.7z | *.zip) echo "7z x -so -pinfected $1" ;;
	*.xz) echo "xz -dc $1" ;;
	*.bz2) echo "bzip2 -dc $1" ;;
	*.zst) echo "zstd -dc $1" ;;
	*.gz) echo "gzip -dc $1" ;;
	esac
}

best() { # best wall time of three, in seconds
	local b="" t
	for _ in 1 2 3; do
		/usr/bin/time -o "$DIR/time.out" -f '%e' "$@" >/dev/null 2>&1 || true
		t=$(tail -1 "$DIR/time.out")
		if [ -z "$b" ] || awk -v a="$t" -v b="$b" 'BEGIN{exit !(a<b)}'; then b=$t; fi
	done
	echo "$b"
}

mkdir -p "$DIR/out"
printf '%d contacts; %s cores\n\n' "$ROWS" "$(nproc)"
printf '%-36s %9s %9s %9s  %-9s %s\n' file MB leakdesk_s MB/s alt_s alternative
csv_rate=""
for f in "$DIR"/files/*; do
	[ -e "$f" ] || continue
	size=$(du -sb "$f" | cut -f1)
	mb=$(awk -v s="$size" 'BEGIN{printf "%.2f", s/1e6}')
	t=$(best "$DIR/leakdesk" inspect --password infected "$f")
	rate=$(awk -v m="$mb" -v t="$t" 'BEGIN{printf "%.1f", (t>0 ? m/t : 0)}')
	alt=$(alternative "$f")
	alt_t="-"
	[ -n "$alt" ] && alt_t=$(best $alt)
	printf '%-36s %9s %9s %9s  %-9s %s\n' "$(basename "$f")" "$mb" "$t" "$rate" "$alt_t" "${alt%% *}"
	[ "$(basename "$f")" = libreoffice.csv ] && csv_rate=$rate
done
echo
echo "best of three runs each; libreoffice.csv, the nearest format of every reader, reads at ${csv_rate:-?} MB/s"
