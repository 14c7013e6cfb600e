CREATE TABLE incidents (
	id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	title         TEXT NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	aware_at      TIMESTAMPTZ,
	discovered_by TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CHECK (role IN ('controller', 'processor')),
	regimes       TEXT NOT NULL,
	country       TEXT NOT NULL DEFAULT '',
	time_zone     TEXT NOT NULL DEFAULT 'UTC',
	created_at    TIMESTAMPTZ NOT NULL,
	closed_at     TIMESTAMPTZ,
	event_count   BIGINT NOT NULL DEFAULT 0,
	head_hash     TEXT NOT NULL DEFAULT ''
);

-- details is TEXT, not JSONB: JSONB rewrites keys and spacing, which would
-- change the bytes the hash chain covers.
CREATE TABLE events (
	incident_id BIGINT NOT NULL REFERENCES incidents (id),
	seq         BIGINT NOT NULL,
	actor       TEXT NOT NULL,
	kind        TEXT NOT NULL,
	details     TEXT NOT NULL,
	occurred_at TIMESTAMPTZ NOT NULL,
	recorded_at TIMESTAMPTZ NOT NULL,
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL,
	PRIMARY KEY (incident_id, seq)
);

CREATE TABLE evidence (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	incident_id BIGINT NOT NULL REFERENCES incidents (id),
	sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
	size        BIGINT NOT NULL,
	filename    TEXT NOT NULL,
	source      TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	added_by    TEXT NOT NULL,
	added_at    TIMESTAMPTZ NOT NULL,
	UNIQUE (incident_id, sha256)
);
