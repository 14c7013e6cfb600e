-- Accounts, their roles per incident, API tokens, console sessions, the
-- audit log of account changes, and the two-person rule (issue 15).
CREATE TABLE accounts (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	name          TEXT NOT NULL UNIQUE,
	display_name  TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL DEFAULT '', -- argon2id PHC string; '' until a password is set
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL
);

-- incident_id 0 grants the role on every incident, so it has no foreign key.
CREATE TABLE grants (
	account_id  INTEGER NOT NULL REFERENCES accounts (id),
	role        TEXT NOT NULL CHECK (role IN ('lead', 'analyst', 'legal', 'communications', 'viewer', 'admin')),
	incident_id INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (account_id, role, incident_id)
);

-- Secrets are stored only as their SHA-256 (auth.SecretHash).
CREATE TABLE api_tokens (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id     INTEGER NOT NULL REFERENCES accounts (id),
	secret_hash    TEXT NOT NULL UNIQUE CHECK (length(secret_hash) = 64),
	note           TEXT NOT NULL DEFAULT '',
	scope_roles    TEXT NOT NULL DEFAULT '', -- comma-separated; '' for all the owner's roles
	scope_incident INTEGER NOT NULL DEFAULT 0,
	created_at     TEXT NOT NULL,
	expires_at     TEXT NOT NULL,
	revoked_at     TEXT
);

CREATE TABLE sessions (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id  INTEGER NOT NULL REFERENCES accounts (id),
	secret_hash TEXT NOT NULL UNIQUE CHECK (length(secret_hash) = 64),
	created_at  TEXT NOT NULL,
	expires_at  TEXT NOT NULL,
	revoked_at  TEXT
);

CREATE TABLE account_events (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	at      TEXT NOT NULL,
	actor   TEXT NOT NULL,
	kind    TEXT NOT NULL,
	account TEXT NOT NULL,
	detail  TEXT NOT NULL DEFAULT ''
);

-- An incident with a row here requires a second approval (two-person rule).
CREATE TABLE approval_required (
	incident_id INTEGER PRIMARY KEY REFERENCES incidents (id)
);

CREATE TABLE approvals (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id  INTEGER NOT NULL REFERENCES incidents (id),
	action       TEXT NOT NULL,
	summary      TEXT NOT NULL,
	params       TEXT NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('pending', 'approved')),
	requested_by TEXT NOT NULL,
	requested_at TEXT NOT NULL,
	approved_by  TEXT NOT NULL DEFAULT '',
	approved_at  TEXT
);
CREATE INDEX approvals_incident ON approvals (incident_id);
