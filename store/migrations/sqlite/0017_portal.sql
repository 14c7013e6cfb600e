-- The affected organisations' portal: one link per organisation and
-- incident (only the secret's hash is kept), and the questions asked
-- through a link, which are the console's tasks until answered.
CREATE TABLE portal_links (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id     INTEGER NOT NULL REFERENCES incidents (id),
	org_id          TEXT NOT NULL,
	organisation    TEXT NOT NULL,
	secret_hash     TEXT NOT NULL UNIQUE,
	created_by      TEXT NOT NULL,
	created_at      TEXT NOT NULL,
	expires_at      TEXT NOT NULL,
	revoked_at      TEXT,
	acknowledged_at TEXT
);

CREATE INDEX portal_links_incident ON portal_links (incident_id, org_id);

CREATE TABLE portal_questions (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	link_id     INTEGER NOT NULL REFERENCES portal_links (id),
	org_id      TEXT NOT NULL,
	text        TEXT NOT NULL,
	asked_at    TEXT NOT NULL,
	answer      TEXT NOT NULL DEFAULT '',
	answered_by TEXT NOT NULL DEFAULT '',
	answered_at TEXT
);

CREATE INDEX portal_questions_incident ON portal_questions (incident_id, org_id);

-- The portal lists an organisation's people: recipients had no index on it.
CREATE INDEX recipients_org ON recipients (incident_id, org_id);

-- Coverage reduces each recipient's deliveries to its best state in SQL
-- (store/coverage.go). With the state and last error in the recipient's
-- index, it reads the index alone, not every delivery row; the index it
-- replaces served the same lookups by recipient and notice.
DROP INDEX deliveries_recipient;
CREATE INDEX deliveries_recipient_state ON deliveries (recipient_id, notice_id, state, last_error);
