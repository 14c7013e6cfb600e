-- The files the watch kept whose content was destroyed, one per content:
-- crypto-shredded by a person, shredded with an incident, or moved into an
-- incident's evidence under its key. The triage area and the alarms keep
-- the hash, size and results; this says who destroyed the content, and why.
CREATE TABLE kept_file_shreds (
	sha256      TEXT PRIMARY KEY,
	shredded_at TIMESTAMPTZ NOT NULL,
	actor       TEXT NOT NULL,
	reason      TEXT NOT NULL,
	incident_id BIGINT REFERENCES incidents (id)
);
