-- Accounts, their roles per incident, API tokens, console sessions, the
-- audit log of account changes, and the two-person rule (issue 15).
CREATE TABLE accounts (
	id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE,
	display_name  TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL DEFAULT '', -- argon2id PHC string; '' until a password is set
	disabled      BOOLEAN NOT NULL DEFAULT FALSE,
	created_at    TIMESTAMPTZ NOT NULL
);

-- incident_id 0 grants the role on every incident, so it has no foreign key.
CREATE TABLE grants (
	account_id  BIGINT NOT NULL REFERENCES accounts (id),
	role        TEXT NOT NULL CHECK (role IN ('lead', 'analyst', 'legal', 'communications', 'viewer', 'admin')),
	incident_id BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (account_id, role, incident_id)
);

-- Secrets are stored only as their SHA-256 (auth.SecretHash).
CREATE TABLE api_tokens (
	id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id     BIGINT NOT NULL REFERENCES accounts (id),
	secret_hash    TEXT NOT NULL UNIQUE CHECK (length(secret_hash) = 64),
	note           TEXT NOT NULL DEFAULT '',
	scope_roles    TEXT NOT NULL DEFAULT '', -- comma-separated; '' for all the owner's roles
	scope_incident BIGINT NOT NULL DEFAULT 0,
	created_at     TIMESTAMPTZ NOT NULL,
	expires_at     TIMESTAMPTZ NOT NULL,
	revoked_at     TIMESTAMPTZ
);

CREATE TABLE sessions (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id  BIGINT NOT NULL REFERENCES accounts (id),
	secret_hash TEXT NOT NULL UNIQUE CHECK (length(secret_hash) = 64),
	created_at  TIMESTAMPTZ NOT NULL,
	expires_at  TIMESTAMPTZ NOT NULL,
	revoked_at  TIMESTAMPTZ
);

CREATE TABLE account_events (
	id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at      TIMESTAMPTZ NOT NULL,
	actor   TEXT NOT NULL,
	kind    TEXT NOT NULL,
	account TEXT NOT NULL,
	detail  TEXT NOT NULL DEFAULT ''
);

-- An incident with a row here requires a second approval (two-person rule).
CREATE TABLE approval_required (
	incident_id BIGINT PRIMARY KEY REFERENCES incidents (id)
);

CREATE TABLE approvals (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	incident_id  BIGINT NOT NULL REFERENCES incidents (id),
	action       TEXT NOT NULL,
	summary      TEXT NOT NULL,
	params       TEXT NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('pending', 'approved')),
	requested_by TEXT NOT NULL,
	requested_at TIMESTAMPTZ NOT NULL,
	approved_by  TEXT NOT NULL DEFAULT '',
	approved_at  TIMESTAMPTZ
);
CREATE INDEX approvals_incident ON approvals (incident_id);
