CREATE TABLE filings (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id  INTEGER NOT NULL REFERENCES incidents (id),
	obligation   TEXT NOT NULL,
	filed_at     TEXT NOT NULL,
	ref          TEXT NOT NULL,
	delay_reason TEXT NOT NULL DEFAULT '',
	actor        TEXT NOT NULL,
	recorded_at  TEXT NOT NULL
);

CREATE INDEX filings_incident ON filings (incident_id, filed_at);
