-- Personal values that events hold only by reference (leakdesk.Personal):
-- the event commits to ref, the HMAC-SHA256 of value keyed with salt.
-- Erasing deletes the row, value and salt together, so the hash left on
-- the timeline can no longer be linked to anything.
CREATE TABLE personal_values (
	incident_id BIGINT NOT NULL REFERENCES incidents (id),
	ref         TEXT NOT NULL,
	subject     TEXT NOT NULL, -- the recipient key the value is about
	salt        BYTEA NOT NULL,
	value       TEXT NOT NULL,
	recorded_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (incident_id, ref)
);

CREATE INDEX personal_values_subject ON personal_values (incident_id, subject);
