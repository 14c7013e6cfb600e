#!/usr/bin/env bash
# Writes the contacts as vCard 2.1, 3.0 and 4.0 with three independent
# writers:
#   abook-vcard21.vcf    abook --convert --outformat vcard  (Debian: abook)
#   vobject-vcard30.vcf  python3-vobject's serializer        (Debian: python3-vobject)
#   khard-vcard40.vcf    khard new, vCard 4.0                (Debian: khard)
#   gammu-vcard21.vcf    gammu convertbackup, vCard 2.1 as phones write it,
#                        quoted-printable with CHARSET=UTF-8 (Debian: gammu)
# Every seventh contact has a home address first and the registry's second,
# every fourth a mobile number too, and some a note on several lines, so
# that several EMAIL and TEL per card, escapes and folded lines all occur.
set -euo pipefail
: "${SRC:?path of contacts.csv}" "${OUT:?output directory}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 - "$SRC" "$tmp/contacts.abook" "$OUT/vobject-vcard30.vcf" "$tmp/gammu-in.vcf" <<'PY'
import csv, sys
import vobject

src, abook_out, vobject_out, gammu_in = sys.argv[1:]
rows = list(csv.DictReader(open(src, encoding="utf-8")))

def extras(i, r):
    home = r["email"].split("@")[0] + "@example.net" if i % 7 == 0 else None
    mobile = "+33 6 %02d %02d %02d %02d" % (i, i * 3 % 100, i * 7 % 100, i * 11 % 100) if i % 4 == 0 else None
    note = "Met at the fair, stand %d;\nfollow up with \"%s\" in June" % (i, r["organisation"]) if i % 5 == 0 else None
    street = "%d rue de la Paix" % (i + 1)
    return home, mobile, note, street

# abook's native format is what abook converts from.
with open(abook_out, "w", encoding="utf-8") as f:
    f.write("[format]\nprogram=abook\nversion=0.6.1\n\n")
    for i, r in enumerate(rows):
        home, mobile, note, street = extras(i, r)
        emails = ([home] if home else []) + [r["email"]]
        f.write("[%d]\nname=%s %s\nemail=%s\n" % (i, r["first_name"], r["last_name"], ",".join(emails)))
        f.write("address=%s\ncity=%s\ncountry=%s\nworkphone=%s\n" % (street, r["city"], r["country"], r["phone"]))
        if mobile:
            f.write("mobile=%s\n" % mobile)
        if note:
            f.write("notes=%s\n" % note.replace("\n", " "))
        f.write("\n")

with open(vobject_out, "w", encoding="utf-8", newline="") as f:
    for i, r in enumerate(rows):
        home, mobile, note, street = extras(i, r)
        card = vobject.vCard()
        card.add("n").value = vobject.vcard.Name(family=r["last_name"], given=r["first_name"])
        card.add("fn").value = "%s %s" % (r["first_name"], r["last_name"])
        card.add("org").value = [r["organisation"]]
        if home:
            e = card.add("email")
            e.value, e.type_param = home, "HOME"
        e = card.add("email")
        e.value, e.type_param = r["email"], "WORK"
        t = card.add("tel")
        t.value, t.type_param = r["phone"], "WORK"
        if mobile:
            t = card.add("tel")
            t.value, t.type_param = mobile, "CELL"
        a = card.add("adr")
        a.value = vobject.vcard.Address(street=street, city=r["city"], country=r["country"])
        a.type_param = "WORK"
        if note:
            card.add("note").value = note
        f.write(card.serialize())

# gammu converts a phone backup, here a plain vCard 2.1 that says its
# charset, to the vCard 2.1 it writes for phones.
with open(gammu_in, "w", encoding="utf-8", newline="") as f:
    for i, r in enumerate(rows):
        home, mobile, note, street = extras(i, r)
        f.write("BEGIN:VCARD\r\nVERSION:2.1\r\n")
        f.write("N;CHARSET=UTF-8:%s;%s\r\n" % (r["last_name"], r["first_name"]))
        f.write("FN;CHARSET=UTF-8:%s %s\r\n" % (r["first_name"], r["last_name"]))
        f.write("ORG;CHARSET=UTF-8:%s\r\n" % r["organisation"])
        f.write("TEL;WORK:%s\r\n" % r["phone"])
        if mobile:
            f.write("TEL;CELL:%s\r\n" % mobile)
        if home:
            f.write("EMAIL;HOME:%s\r\n" % home)
        f.write("EMAIL:%s\r\n" % r["email"])
        f.write("ADR;WORK;CHARSET=UTF-8:;;%s;%s;;;%s\r\n" % (street, r["city"], r["country"]))
        if note:
            qp = "".join(c if 32 < ord(c) < 127 and c != "=" else "".join("=%02X" % b for b in c.encode()) for c in note)
            f.write("NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:%s\r\n" % qp.replace("=20", " "))
        f.write("END:VCARD\r\n")
PY
gammu convertbackup "$tmp/gammu-in.vcf" "$OUT/gammu-vcard21.vcf" >/dev/null 2>&1
rm -f "$OUT/abook-vcard21.vcf" # abook will not overwrite
abook --convert --informat abook --infile "$tmp/contacts.abook" --outformat vcard --outfile "$OUT/abook-vcard21.vcf"

# khard writes one file per contact into its address book directory.
mkdir -p "$tmp/khard/khard" "$tmp/book"
cat > "$tmp/khard/khard/khard.conf" <<CONF
[addressbooks]
[[contacts]]
path = $tmp/book
[general]
editor = /bin/true
merge_editor = /bin/true
[vcard]
preferred_version = 4.0
CONF
/usr/bin/python3 - "$SRC" "$tmp/yaml" <<'PY'
import csv, json, os, sys
src, out = sys.argv[1:]
os.makedirs(out)
q = json.dumps  # YAML reads JSON strings
for i, r in enumerate(csv.DictReader(open(src, encoding="utf-8"))):
    with open(os.path.join(out, "%02d.yaml" % i), "w", encoding="utf-8") as f:
        f.write("First name : %s\nLast name : %s\nOrganisation : %s\n" % (q(r["first_name"]), q(r["last_name"]), q(r["organisation"])))
        f.write("Phone :\n    work : %s\n" % q(r["phone"]))
        if i % 4 == 0:
            f.write("    cell : %s\n" % q("+33 6 %02d %02d %02d %02d" % (i, i * 3 % 100, i * 7 % 100, i * 11 % 100)))
        f.write("Email :\n    work : %s\n" % q(r["email"]))
        if i % 7 == 0:
            f.write("    home : %s\n" % q(r["email"].split("@")[0] + "@example.net"))
        f.write("Address :\n    work :\n        Street : %s\n        City : %s\n        Country : %s\n" % (q("%d rue de la Paix" % (i + 1)), q(r["city"]), q(r["country"])))
        if i % 5 == 0:
            f.write("Note : %s\n" % q("Met at the fair, stand %d;\nfollow up with \"%s\" in June" % (i, r["organisation"])))
PY
for y in "$tmp"/yaml/*.yaml; do
	XDG_CONFIG_HOME="$tmp/khard" khard new -a contacts -i "$y" >/dev/null 2>&1
	f=$(ls -t "$tmp"/book/*.vcf | head -1)
	{ cat "$f"; echo; } >>"$tmp/all.vcf"
	mv "$f" "$f.done"
done
mv "$tmp/all.vcf" "$OUT/khard-vcard40.vcf"
