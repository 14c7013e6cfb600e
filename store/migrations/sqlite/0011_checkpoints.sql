-- Signed checkpoints of each incident's Merkle log (package proof). The
-- signature and the timestamp token, base64, are what make a row
-- trustworthy; copies live at the witness, outside this database.
CREATE TABLE checkpoints (
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	size        INTEGER NOT NULL,
	root        TEXT NOT NULL,
	head        TEXT NOT NULL,
	signed_at   TEXT NOT NULL,
	key_id      TEXT NOT NULL,
	signature   TEXT NOT NULL,
	timestamp   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (incident_id, size)
);
