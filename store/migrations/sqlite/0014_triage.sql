-- Files taken in for triage (drop directories, intake, decoy mail), one
-- per content: a file posted again is found by its SHA-256.
CREATE TABLE triage_files (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	sha256         TEXT NOT NULL UNIQUE,
	name           TEXT NOT NULL,
	size           BIGINT NOT NULL,
	source         TEXT NOT NULL,
	url            TEXT NOT NULL,
	actor          TEXT NOT NULL,
	received_at    TEXT NOT NULL,
	file_time      TEXT,
	state          TEXT NOT NULL,
	done_at        TEXT,
	n_rows         BIGINT NOT NULL DEFAULT 0,
	contacts       INTEGER NOT NULL DEFAULT 0,
	recycled_of    BIGINT,
	recycled_share REAL NOT NULL DEFAULT 0,
	alerted_at     TEXT,
	mail_sent_at   TEXT,
	hook_sent_at   TEXT,
	detail         TEXT NOT NULL DEFAULT '',
	row_set        TEXT NOT NULL DEFAULT ''
);
