#!/usr/bin/env bash
# Writes the contacts with LibreOffice Calc, as a French public body would:
# Excel 97-2003 (.xls, BIFF8), OpenDocument (.ods and flat .fods), .xlsx,
# and CSV with the default filter and with ';' in UTF-8. It also converts
# ../sheets/workbook.fods (two sheets, dates, numbers, multi-line cells)
# to .xls, .ods and .xlsx, and writes there a password-protected .xls and
# the larger workbooks the benchmarks read.
# Debian packages: libreoffice-calc-nogui (soffice), python3-uno (the
# password-protected workbook, written through LibreOffice's UNO API).
set -euo pipefail
: "${SRC:?path of contacts.csv}" "${OUT:?output directory}"
sheets="$(cd "$(dirname "$SRC")/.." && pwd)/sheets"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A profile of its own, so that it runs beside another soffice.
profile="file://$work/profile"
calc() { soffice -env:UserInstallation="$profile" --headless "$@" >/dev/null 2>&1; }

# The input is read as UTF-8 with ',' and '"' (44,34,76), so that the
# accents survive whatever the locale.
cp "$SRC" "$work/libreoffice.csv"
for fmt in xls ods fods xlsx; do
	calc --infilter='CSV:44,34,76,1' --convert-to "$fmt" --outdir "$OUT" "$work/libreoffice.csv"
done
mkdir "$work/default" "$work/semicolon"
calc --infilter='CSV:44,34,76,1' --convert-to csv --outdir "$work/default" "$work/libreoffice.csv"
mv "$work/default/libreoffice.csv" "$OUT/libreoffice.csv"
calc --infilter='CSV:44,34,76,1' --convert-to 'csv:Text - txt - csv (StarCalc):59,34,76,1' --outdir "$work/semicolon" "$work/libreoffice.csv"
mv "$work/semicolon/libreoffice.csv" "$OUT/libreoffice-semicolon-utf8.csv"

for fmt in xls ods xlsx; do
	calc --convert-to "$fmt" --outdir "$sheets" "$sheets/workbook.fods"
done

# The benchmark workbooks: the contacts 17 times over (1,020 rows), the
# same content in each format, each file under 200 KB.
awk 'NR == 1 { print; next } { rows[NR] = $0 } END { for (i = 1; i <= 17; i++) for (j = 2; j <= NR; j++) print "R" i "-" rows[j] }' "$SRC" >"$work/bench.csv"
for fmt in xls ods xlsx; do
	calc --infilter='CSV:44,34,76,1' --convert-to "$fmt" --outdir "$sheets" "$work/bench.csv"
done

# The password-protected workbook: soffice --convert-to takes no password,
# so a UNO client asks the office it starts to store one.
cat >"$work/encrypt.py" <<'PY'
import sys, time, uno
from com.sun.star.beans import PropertyValue
def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p
src, dst, port = sys.argv[1], sys.argv[2], sys.argv[3]
resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
for _ in range(100):
    try:
        ctx = resolver.resolve("uno:socket,host=127.0.0.1,port=%s;urp;StarOffice.ComponentContext" % port)
        break
    except Exception:
        time.sleep(0.2)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "MS Excel 97"), prop("Password", "secret")))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass  # the office quits before it answers
PY
port=$((20000 + RANDOM % 20000))
soffice -env:UserInstallation="$profile" --headless --accept="socket,host=127.0.0.1,port=$port;urp;" >/dev/null 2>&1 &
office=$!
/usr/bin/python3 "$work/encrypt.py" "$sheets/workbook.fods" "$sheets/encrypted.xls" "$port"
wait "$office" || true
