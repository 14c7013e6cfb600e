-- Incidents that an alert or a decoy alarm opened, for a person to confirm
-- or correct: one per alert key, so that an alert worked again after a
-- crash finds its incident instead of opening another.
CREATE TABLE proposed_incidents (
	alert_key      TEXT PRIMARY KEY,
	incident_id    BIGINT NOT NULL UNIQUE REFERENCES incidents (id),
	could_start_at TEXT,
	confirmed_at   TEXT,
	confirmed_by   TEXT NOT NULL DEFAULT ''
);

-- Each alert channel is claimed before it sends and marked as soon as the
-- reply comes: a claim without a mark after a crash is an alert that may
-- have left (see docs/watch.md).
ALTER TABLE triage_files ADD COLUMN mail_claimed_at TEXT;
ALTER TABLE triage_files ADD COLUMN hook_claimed_at TEXT;
ALTER TABLE triage_files ADD COLUMN mail_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE triage_files ADD COLUMN hook_attempts INTEGER NOT NULL DEFAULT 0;

-- The same for alarms raised outside triage (a decoy contacted), by the
-- alarm's key and channel.
CREATE TABLE alarm_sends (
	alarm_key  TEXT NOT NULL,
	channel    TEXT NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	claimed_at TEXT,
	sent_at    TEXT,
	PRIMARY KEY (alarm_key, channel)
);
