-- Decoy alarms, one per key (the evidence's hash): a mail delivered again
-- or a job worked again after a crash finds its alarm instead of raising
-- another. The decoy values contacted are here, never on a timeline: the
-- decoy.alarm event names the alarm by its key.
CREATE TABLE decoy_alarms (
	alarm_key     TEXT PRIMARY KEY,
	kind          TEXT NOT NULL,
	decoys        TEXT NOT NULL,
	evidence      TEXT NOT NULL,
	evidence_size BIGINT NOT NULL,
	raised_at     TEXT NOT NULL,
	actor         TEXT NOT NULL,
	incident_id   BIGINT REFERENCES incidents (id)
);
CREATE INDEX decoy_alarms_incident ON decoy_alarms (incident_id);

-- The exports each alarm names, likeliest first, found by export for the
-- incidents whose trace names them.
CREATE TABLE decoy_alarm_exports (
	alarm_key TEXT NOT NULL REFERENCES decoy_alarms (alarm_key),
	rank      INTEGER NOT NULL,
	export_id TEXT NOT NULL,
	recipient TEXT NOT NULL,
	score     REAL NOT NULL,
	PRIMARY KEY (alarm_key, rank)
);
CREATE INDEX decoy_alarm_exports_export ON decoy_alarm_exports (export_id);

-- The intake role: a feed's account takes files in for triage and reads
-- no incident. SQLite cannot change a CHECK constraint, so the grants
-- table is made again with it (no table refers to grants).
CREATE TABLE grants_with_intake (
	account_id  INTEGER NOT NULL REFERENCES accounts (id),
	role        TEXT NOT NULL CHECK (role IN ('lead', 'analyst', 'legal', 'communications', 'viewer', 'admin', 'intake')),
	incident_id INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (account_id, role, incident_id)
);
INSERT INTO grants_with_intake (account_id, role, incident_id) SELECT account_id, role, incident_id FROM grants;
DROP TABLE grants;
ALTER TABLE grants_with_intake RENAME TO grants;
