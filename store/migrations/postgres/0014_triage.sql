-- Files taken in for triage (drop directories, intake, decoy mail), one
-- per content: a file posted again is found by its SHA-256.
CREATE TABLE triage_files (
	id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sha256         TEXT NOT NULL UNIQUE,
	name           TEXT NOT NULL,
	size           BIGINT NOT NULL,
	source         TEXT NOT NULL,
	url            TEXT NOT NULL,
	actor          TEXT NOT NULL,
	received_at    TIMESTAMPTZ NOT NULL,
	file_time      TIMESTAMPTZ,
	state          TEXT NOT NULL,
	done_at        TIMESTAMPTZ,
	n_rows         BIGINT NOT NULL DEFAULT 0,
	contacts       INTEGER NOT NULL DEFAULT 0,
	recycled_of    BIGINT,
	recycled_share DOUBLE PRECISION NOT NULL DEFAULT 0,
	alerted_at     TIMESTAMPTZ,
	mail_sent_at   TIMESTAMPTZ,
	hook_sent_at   TIMESTAMPTZ,
	detail         TEXT NOT NULL DEFAULT '',
	row_set        TEXT NOT NULL DEFAULT ''
);
