CREATE TABLE incidents (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	title         TEXT NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	aware_at      TEXT,
	discovered_by TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CHECK (role IN ('controller', 'processor')),
	regimes       TEXT NOT NULL,
	country       TEXT NOT NULL DEFAULT '',
	time_zone     TEXT NOT NULL DEFAULT 'UTC',
	created_at    TEXT NOT NULL,
	closed_at     TEXT,
	event_count   INTEGER NOT NULL DEFAULT 0,
	head_hash     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE events (
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	seq         INTEGER NOT NULL,
	actor       TEXT NOT NULL,
	kind        TEXT NOT NULL,
	details     TEXT NOT NULL,
	occurred_at TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL,
	PRIMARY KEY (incident_id, seq)
);

CREATE TABLE evidence (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
	size        INTEGER NOT NULL,
	filename    TEXT NOT NULL,
	source      TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	added_by    TEXT NOT NULL,
	added_at    TEXT NOT NULL,
	UNIQUE (incident_id, sha256)
);
