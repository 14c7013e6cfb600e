-- One row per matching run; the document is the full result, so that
-- reports and later runs read exactly what was concluded.
CREATE TABLE findings (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	document    TEXT NOT NULL,
	actor       TEXT NOT NULL,
	created_at  TEXT NOT NULL
);

-- Affected contacts, queryable: notifications are sent from here.
CREATE TABLE affected_contacts (
	findings_id INTEGER NOT NULL REFERENCES findings (id),
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	contact_id  TEXT NOT NULL,
	org_id      TEXT NOT NULL,
	class       TEXT NOT NULL,
	confidence  REAL NOT NULL,
	fields      TEXT NOT NULL,
	PRIMARY KEY (findings_id, contact_id)
);

CREATE INDEX affected_contacts_incident ON affected_contacts (incident_id, contact_id);
