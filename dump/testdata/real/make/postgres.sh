#!/usr/bin/env bash
# PostgreSQL family: pg_dump in every plain mode and every archive format,
# and psql's output formats, all written by the real programs.
# Debian packages: postgresql-15 (initdb, pg_ctl, postgres), postgresql-client-15
# (pg_dump, psql), zip.
# Needs $SRC (contacts.csv) and $OUT (the files/ directory); run by ../make.sh.
# PostgreSQL refuses to run as root, so the throwaway cluster runs as the
# postgres OS user; the clients run as whoever calls this.
set -euo pipefail
: "${SRC:?}" "${OUT:?}"

PGBIN=/usr/lib/postgresql/15/bin
PGUSER_OS=postgres
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		su -s /bin/sh "$PGUSER_OS" -c "$*"
	else
		sh -c "$*"
	fi
}

TMP=$(mktemp -d /tmp/leakdesk-pgmake.XXXXXX)
chmod 755 "$TMP"
[ "$(id -u)" = 0 ] && chown "$PGUSER_OS" "$TMP"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
	as_pg "'$PGBIN/pg_ctl' -D '$TMP/data' -m fast stop" >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap stop EXIT

as_pg "'$PGBIN/initdb' -D '$TMP/data' -U postgres -A trust -E UTF8 --no-locale" >"$TMP/initdb.log" 2>&1 ||
	{ cat "$TMP/initdb.log" >&2; exit 1; }
as_pg "'$PGBIN/pg_ctl' -D '$TMP/data' -l '$TMP/server.log' -w -o \"-p $PORT -k '$TMP' -c listen_addresses=''\" start" >/dev/null ||
	{ cat "$TMP/server.log" >&2; exit 1; }

export PGHOST="$TMP" PGPORT="$PORT" PGUSER=postgres PGDATABASE=leak
"$PGBIN/createdb" leak
cp "$SRC" "$TMP/contacts.csv"

# public."Contacts" holds the 60 contacts under a quoted, mixed-case name.
# crm.contacts, in another schema, holds a few columns of the same people
# with what breaks naive parsers: multi-line notes with tabs, backslashes
# and quotes, NULLs, bytea. A PL/pgSQL function body, dollar-quoted, holds
# an INSERT that no reader may take for data.
"$PGBIN/psql" -q -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE public."Contacts" (
	id text PRIMARY KEY, first_name text, last_name text, email text,
	phone text, organisation text, city text, country text);
\copy public."Contacts" FROM '$TMP/contacts.csv' WITH (FORMAT csv, HEADER true)
CREATE SCHEMA crm;
CREATE TABLE crm.contacts (
	contact_id integer PRIMARY KEY, "E-mail" text NOT NULL, note text,
	photo bytea, last_seen timestamptz);
INSERT INTO crm.contacts
SELECT substr(id, 2)::int, email,
	CASE substr(id, 2)::int % 4
		WHEN 0 THEN 'Rappel le ' || city || E':\n\tligne 2 avec « guillemets » et \\\\ barre\n' || organisation
		WHEN 1 THEN E'C:\\\\partage\\\\' || last_name || E'.txt; ''cité'' "ici"'
		WHEN 2 THEN NULL
		ELSE 'VALUES (1, ''x''); -- pas du SQL'
	END,
	CASE WHEN substr(id, 2)::int % 3 = 0 THEN decode(md5(email), 'hex') END,
	CASE WHEN substr(id, 2)::int % 2 = 0 THEN timestamptz '2024-03-01 12:00:00+00' END
FROM public."Contacts";
CREATE TABLE crm.log (at timestamptz, what text);
CREATE FUNCTION crm.touch() RETURNS trigger LANGUAGE plpgsql AS \$body\$
BEGIN
	INSERT INTO crm.log VALUES (now(), 'touched; ''x''');
	RETURN NEW;
END
\$body\$;
CREATE TRIGGER touch AFTER UPDATE ON crm.contacts FOR EACH ROW EXECUTE FUNCTION crm.touch();
SQL

dump() { "$PGBIN/pg_dump" --no-owner "$@"; }

# Plain SQL, in every mode.
dump >"$OUT/pg_dump-copy.sql"
dump --inserts >"$OUT/pg_dump-inserts.sql"
dump --column-inserts >"$OUT/pg_dump-column-inserts.sql"
dump --rows-per-insert=7 >"$OUT/pg_dump-rows-per-insert.sql"
dump --quote-all-identifiers >"$OUT/pg_dump-quote-all-identifiers.sql"
dump --quote-all-identifiers --column-inserts >"$OUT/pg_dump-quote-all-identifiers-column-inserts.sql"
# Every database of the cluster, with \connect between them.
"$PGBIN/pg_dumpall" --no-role-passwords >"$OUT/pg_dumpall.sql"
# With standard_conforming_strings off, pg_dump doubles backslashes.
PGOPTIONS='-c standard_conforming_strings=off' dump --inserts >"$OUT/pg_dump-inserts-nonstandard-strings.sql"

# Custom archives: zlib (the default), uncompressed, and written to a pipe,
# which leaves the table of contents without data offsets.
dump -Fc -f "$OUT/pg_dump-Fc.dump"
dump -Fc -Z0 -f "$OUT/pg_dump-Fc-Z0.dump"
dump -Fc | cat >"$OUT/pg_dump-Fc-pipe.dump"
# Data as INSERT statements rather than COPY text.
dump -Fc --inserts -f "$OUT/pg_dump-Fc-inserts.dump"

# Directory archives, compressed and not, and one zipped as people send them.
rm -rf "$OUT/pg_dump-Fd" "$OUT/pg_dump-Fd-Z0" "$OUT/pg_dump-Fd.zip"
dump -Fd -f "$OUT/pg_dump-Fd"
dump -Fd -Z0 -f "$OUT/pg_dump-Fd-Z0"
(cd "$OUT" && zip -qrX pg_dump-Fd.zip pg_dump-Fd)

# Tar archive.
dump -Ft -f "$OUT/pg_dump-Ft.tar"

# psql's output formats, on the contacts with their notes.
query='SELECT c.*, n.note, n.photo FROM public."Contacts" c LEFT JOIN crm.contacts n ON n.contact_id = substr(c.id, 2)::int ORDER BY c.id'
"$PGBIN/psql" -X -c "$query" >"$OUT/psql-aligned.txt"
"$PGBIN/psql" -X -x -c "$query" >"$OUT/psql-expanded.txt"
"$PGBIN/psql" -X -P format=wrapped -P columns=100 -c "$query" >"$OUT/psql-wrapped.txt"
"$PGBIN/psql" -X --csv -c "$query" >"$OUT/psql-csv.csv"
"$PGBIN/psql" -X -A -F ';' -c "$query" >"$OUT/psql-unaligned.txt"
