#!/usr/bin/env bash
# Writes the contacts as LDIF with three real writers:
#   slapcat.ldif      OpenLDAP's slapcat, after slapadd into an mdb database  (Debian: slapd)
#   ldapsearch.ldif   OpenLDAP's ldapsearch from a slapd run on the loopback   (Debian: slapd ldap-utils)
#   abook.ldif        abook --convert --outformat ldif                         (Debian: abook)
# Every seventh entry has two mail values, every fourth a mobile, and every
# fifth a description on two lines, which LDAP writers encode in base64.
set -euo pipefail
: "${SRC:?path of contacts.csv}" "${OUT:?output directory}"
tmp=$(mktemp -d)
chmod 755 "$tmp"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

/usr/bin/python3 - "$SRC" "$tmp/in.ldif" "$tmp/contacts.abook" <<'PY'
import base64, csv, sys
src, ldif, abook = sys.argv[1:]
rows = list(csv.DictReader(open(src, encoding="utf-8")))

def attr(name, value):
    # slapadd needs base64 for what is not plain ASCII; slapcat and
    # ldapsearch choose their own encoding when they write.
    if value.isascii() and "\n" not in value and not value.startswith((" ", ":", "<")):
        return "%s: %s\n" % (name, value)
    return "%s:: %s\n" % (name, base64.b64encode(value.encode()).decode())

with open(ldif, "w", encoding="utf-8") as f:
    f.write("dn: dc=example,dc=org\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n")
    f.write("dn: ou=people,dc=example,dc=org\nobjectClass: organizationalUnit\nou: people\n\n")
    for i, r in enumerate(rows):
        f.write(attr("dn", "uid=%s,ou=people,dc=example,dc=org" % r["id"].lower()))
        f.write("objectClass: inetOrgPerson\nobjectClass: extensibleObject\n")
        f.write(attr("uid", r["id"].lower()))
        f.write(attr("cn", "%s %s" % (r["first_name"], r["last_name"])))
        f.write(attr("sn", r["last_name"]) + attr("givenName", r["first_name"]))
        if i % 7 == 0:
            f.write(attr("mail", r["email"].split("@")[0] + "@example.net"))
        f.write(attr("mail", r["email"]) + attr("telephoneNumber", r["phone"]))
        if i % 4 == 0:
            f.write(attr("mobile", "+33 6 %02d %02d %02d %02d" % (i, i * 3 % 100, i * 7 % 100, i * 11 % 100)))
        f.write(attr("o", r["organisation"]) + attr("l", r["city"]) + attr("c", r["country"]))
        f.write(attr("employeeNumber", r["id"]))
        if i % 5 == 0:
            f.write(attr("description", "Met at the fair, stand %d;\nfollow up with \"%s\" in June" % (i, r["organisation"])))
        f.write("\n")

with open(abook, "w", encoding="utf-8") as f:
    f.write("[format]\nprogram=abook\nversion=0.6.1\n\n")
    for i, r in enumerate(rows):
        emails = ([r["email"].split("@")[0] + "@example.net"] if i % 7 == 0 else []) + [r["email"]]
        f.write("[%d]\nname=%s %s\nemail=%s\nworkphone=%s\ncity=%s\ncountry=%s\n\n" % (i, r["first_name"], r["last_name"], ",".join(emails), r["phone"], r["city"], r["country"]))
PY

mkdir "$tmp/db"
cat > "$tmp/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $tmp/db/slapd.pid
database mdb
suffix "dc=example,dc=org"
rootdn "cn=admin,dc=example,dc=org"
directory $tmp/db
CONF
slapadd -f "$tmp/slapd.conf" -l "$tmp/in.ldif" -q
slapcat -f "$tmp/slapd.conf" -l "$OUT/slapcat.ldif"

# slapd refuses nothing as root, but a server has no business running as
# root here: it runs as nobody, on the loopback, for one search.
chown -R nobody "$tmp/db" "$tmp/slapd.conf"
port=$((20000 + RANDOM % 20000))
slapd -f "$tmp/slapd.conf" -h "ldap://127.0.0.1:$port/" -u nobody -g nogroup
for _ in $(seq 50); do [ -s "$tmp/db/slapd.pid" ] && break; sleep 0.1; done
pid=$(cat "$tmp/db/slapd.pid")
ldapsearch -x -H "ldap://127.0.0.1:$port/" -b "ou=people,dc=example,dc=org" "(objectClass=inetOrgPerson)" >"$OUT/ldapsearch.ldif"
kill "$pid"
pid=""

rm -f "$OUT/abook.ldif" # abook will not overwrite
abook --convert --informat abook --infile "$tmp/contacts.abook" --outformat ldif --outfile "$OUT/abook.ldif"
