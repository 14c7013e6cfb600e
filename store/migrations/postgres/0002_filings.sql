CREATE TABLE filings (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	incident_id  BIGINT NOT NULL REFERENCES incidents (id),
	obligation   TEXT NOT NULL,
	filed_at     TIMESTAMPTZ NOT NULL,
	ref          TEXT NOT NULL,
	delay_reason TEXT NOT NULL DEFAULT '',
	actor        TEXT NOT NULL,
	recorded_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX filings_incident ON filings (incident_id, filed_at);
