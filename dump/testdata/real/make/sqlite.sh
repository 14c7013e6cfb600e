#!/usr/bin/env bash
# Writes the contacts with the sqlite3 command-line program: a database
# file (the contacts imported from the CSV, a table of mixed storage
# classes, a WITHOUT ROWID table, an FTS5 table, an empty table, a view, an
# index and a trigger) and the SQL text of its .dump.
# Debian packages: sqlite3.
# Usage: SRC=contacts.csv OUT=files/ bash sqlite.sh
set -euo pipefail
: "${SRC:?path of contacts.csv}" "${OUT:?output directory}"

db="$OUT/sqlite3.db"
rm -f "$db"
sqlite3 -bail "$db" <<SQL
.import --csv '$SRC' contacts
-- Every storage class: INTEGER, REAL, TEXT (on several lines, with quotes),
-- BLOB (text and binary), NULL, and a column of no declared type holding
-- all of them; DATETIME text must stay as written.
CREATE TABLE accounts (
	contact_id TEXT REFERENCES contacts(id),
	login TEXT,
	score REAL,
	visits INTEGER,
	avatar BLOB,
	note TEXT,
	last_login DATETIME,
	misc,
	login_upper TEXT GENERATED ALWAYS AS (upper(login)) VIRTUAL
);
INSERT INTO accounts (contact_id, login, score, visits, avatar, note, last_login, misc)
SELECT id,
	lower(first_name || '.' || last_name),
	CAST(substr(id, 2) AS INTEGER) / 7.0,
	CAST(substr(id, 2) AS INTEGER) % 13,
	CASE CAST(substr(id, 2) AS INTEGER) % 3 WHEN 0 THEN NULL WHEN 1 THEN X'89504E470D0A1A0A0000' ELSE CAST(email AS BLOB) END,
	CASE CAST(substr(id, 2) AS INTEGER) % 4
		WHEN 0 THEN NULL
		WHEN 1 THEN 'Première ligne' || char(10) || 'seconde ligne, avec « guillemets »' || char(9) || 'et une tabulation'
		WHEN 2 THEN 'C:\Users\partage; "cité" l''été'
		ELSE '' END,
	CASE WHEN CAST(substr(id, 2) AS INTEGER) % 5 = 0 THEN NULL
		ELSE datetime('2024-03-01 08:00:00', '+' || substr(id, 2) || ' hours') END,
	CASE CAST(substr(id, 2) AS INTEGER) % 4 WHEN 0 THEN 42 WHEN 1 THEN 3.25 WHEN 2 THEN 'texte' ELSE NULL END
FROM contacts ORDER BY id;
CREATE TABLE emails (email TEXT PRIMARY KEY, contact_id TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO emails SELECT email, id FROM contacts;
CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, message TEXT);
INSERT INTO log (message) VALUES ('import of contacts.csv');
CREATE VIRTUAL TABLE notes USING fts5(contact_id, body);
INSERT INTO notes SELECT id, 'Rappeler ' || first_name || ' ' || last_name || ' (' || organisation || ')' FROM contacts WHERE country = 'FR';
CREATE TABLE empty_table (a TEXT, b INTEGER);
CREATE INDEX contacts_email ON contacts(email);
CREATE VIEW paris AS SELECT first_name, last_name, email FROM contacts WHERE city = 'Paris';
CREATE TRIGGER log_accounts AFTER INSERT ON accounts BEGIN INSERT INTO log (message) VALUES ('account ' || new.login); END;
VACUUM;
SQL
[ "$(sqlite3 "$db" 'SELECT COUNT(*) FROM contacts')" = "$(($(wc -l <"$SRC") - 1))" ] || { echo "contacts not imported" >&2; exit 1; }
sqlite3 "$db" .dump >"$OUT/sqlite3-dump.sql"
