#!/usr/bin/env bash
# Writes the contacts with MariaDB's own programs: mariadb-dump (mysqldump)
# in its SQL modes and as XML, and the mariadb client's XML, batch and table
# output.
# Debian packages: mariadb-server, mariadb-client (and python3, to find a
# free port).
# A throwaway server runs in a temporary directory, on a free port and its
# own socket, as the unprivileged "mysql" user when started by root (mariadbd
# refuses to run as root); it is stopped and removed on exit.
# Usage: SRC=contacts.csv OUT=files/ bash mariadb.sh
set -euo pipefail
: "${SRC:?path of contacts.csv}" "${OUT:?output directory}"

tmp=$(mktemp -d /tmp/leakdesk-mariadb.XXXXXX)
chmod 755 "$tmp"
run=()
if [ "$(id -u)" = 0 ]; then
	chown mysql: "$tmp"
	run=(runuser -u mysql --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sock="$tmp/mysqld.sock"
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

"${run[@]}" mariadb-install-db --no-defaults --datadir="$tmp/data" --auth-root-authentication-method=normal \
	--skip-test-db >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log" >&2; exit 1; }
"${run[@]}" mariadbd --no-defaults --datadir="$tmp/data" --socket="$sock" --port="$port" --bind-address=127.0.0.1 \
	--pid-file="$tmp/mysqld.pid" --log-error="$tmp/error.log" --local-infile=1 \
	--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci &
pid=$!
for _ in $(seq 100); do
	[ -S "$sock" ] && mariadb-admin --no-defaults --socket="$sock" -u root ping >/dev/null 2>&1 && break
	sleep 0.2
done

client=(--no-defaults --socket="$sock" -u root --default-character-set=utf8mb4)
sql() { mariadb "${client[@]}" --local-infile=1 "$@"; }

sql <<SQL
CREATE DATABASE leak CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE leak;
CREATE TABLE contacts (
	id VARCHAR(16) PRIMARY KEY,
	first_name VARCHAR(100), last_name VARCHAR(100), email VARCHAR(255), phone VARCHAR(40),
	organisation VARCHAR(255), city VARCHAR(100), country CHAR(2)
) DEFAULT CHARSET=utf8mb4;
LOAD DATA LOCAL INFILE '$SRC' INTO TABLE contacts CHARACTER SET utf8mb4
	FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' LINES TERMINATED BY '\n' IGNORE 1 LINES;
-- A second table: NULLs, multi-line text with tabs and backslashes, numbers,
-- dates, and a binary column (written raw, or in hex with --hex-blob).
CREATE TABLE accounts (
	contact_id VARCHAR(16), login VARCHAR(100), password_hash VARBINARY(32),
	note TEXT NULL, balance DECIMAL(10,2) NULL, last_login DATETIME NULL
) DEFAULT CHARSET=utf8mb4;
INSERT INTO accounts
SELECT id, LOWER(CONCAT(first_name, '.', last_name)), UNHEX(SHA2(email, 256)),
	CASE CAST(SUBSTRING(id, 2) AS UNSIGNED) % 4
		WHEN 0 THEN NULL
		WHEN 1 THEN CONCAT('Première ligne\nseconde ligne, avec « guillemets »\tet une tabulation')
		WHEN 2 THEN 'C:\\\\Users\\\\partage; "cité" l''été'
		ELSE '' END,
	IF(CAST(SUBSTRING(id, 2) AS UNSIGNED) % 3 = 0, NULL, CAST(SUBSTRING(id, 2) AS UNSIGNED) / 7),
	IF(CAST(SUBSTRING(id, 2) AS UNSIGNED) % 5 = 0, NULL, TIMESTAMP('2024-03-01 08:00:00') + INTERVAL CAST(SUBSTRING(id, 2) AS UNSIGNED) HOUR)
FROM contacts ORDER BY id;
SQL
[ "$(sql -N -e 'SELECT COUNT(*) FROM leak.contacts')" = "$(($(wc -l <"$SRC") - 1))" ] || { echo "contacts not loaded" >&2; exit 1; }

dump() { mariadb-dump "${client[@]}" --skip-dump-date "$@" leak; }
dump >"$OUT/mysqldump.sql"
dump --skip-extended-insert >"$OUT/mysqldump-skip-extended-insert.sql"
dump --complete-insert >"$OUT/mysqldump-complete-insert.sql"
dump --compatible=ansi >"$OUT/mysqldump-compatible-ansi.sql"
dump --hex-blob >"$OUT/mysqldump-hex-blob.sql"
dump --xml >"$OUT/mysqldump-xml.xml"

query='SELECT c.*, a.login, a.note, a.balance, a.last_login FROM leak.contacts c LEFT JOIN leak.accounts a ON a.contact_id = c.id ORDER BY c.id'
sql --xml -e "$query" >"$OUT/mariadb-xml.xml"
sql -B -e "$query" >"$OUT/mariadb-batch.tsv"
sql -t -e "$query" >"$OUT/mariadb-table.txt"

mariadb-admin --no-defaults --socket="$sock" -u root shutdown
wait "$pid" || true
pid=
