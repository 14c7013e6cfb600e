-- Who an incident's notices go to. Fields and rows say what of their own
-- data was exposed, as matching found it.
CREATE TABLE recipients (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id  INTEGER NOT NULL REFERENCES incidents (id),
	recipient_key TEXT NOT NULL,
	kind         TEXT NOT NULL,
	contact_id   TEXT NOT NULL,
	name         TEXT NOT NULL,
	organisation TEXT NOT NULL,
	org_id       TEXT NOT NULL,
	role         TEXT NOT NULL,
	email        TEXT NOT NULL,
	phone        TEXT NOT NULL,
	language     TEXT NOT NULL,
	fields       TEXT NOT NULL,
	leak_rows    TEXT NOT NULL,
	added_at     TEXT NOT NULL,
	UNIQUE (incident_id, recipient_key)
);

CREATE TABLE notices (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	campaign    TEXT NOT NULL,
	kind        TEXT NOT NULL,
	template    TEXT NOT NULL,
	message     TEXT NOT NULL,
	translations TEXT NOT NULL,
	actor       TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	UNIQUE (incident_id, campaign)
);

-- The outbox: one row per notice and recipient, so that nobody gets a
-- notice twice. The message ID is fixed when the row is made and kept
-- across retries: it is the idempotency key.
CREATE TABLE deliveries (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	notice_id    INTEGER NOT NULL REFERENCES notices (id),
	recipient_id INTEGER NOT NULL REFERENCES recipients (id),
	message_id   TEXT NOT NULL UNIQUE,
	address      TEXT NOT NULL,
	state        TEXT NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	uncertain    INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT NOT NULL DEFAULT '',
	lease_until  TEXT,
	updated_at   TEXT NOT NULL,
	UNIQUE (notice_id, recipient_id)
);

-- (notice_id, recipient_id) finds a notice's deliveries; this finds a
-- recipient's. No index on state: it changes with every message.
CREATE INDEX deliveries_recipient ON deliveries (recipient_id, notice_id);

CREATE TABLE contact_attempts (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id  INTEGER NOT NULL REFERENCES incidents (id),
	recipient_id INTEGER NOT NULL REFERENCES recipients (id),
	channel      TEXT NOT NULL,
	outcome      TEXT NOT NULL,
	note         TEXT NOT NULL,
	actor        TEXT NOT NULL,
	at           TEXT NOT NULL
);

CREATE INDEX contact_attempts_recipient ON contact_attempts (recipient_id, id);
