-- Single sign-on: the OpenID Connect subjects an account logs in as. Single
-- sign-on creates no account; an admin links an existing one (issue 15).
CREATE TABLE oidc_identities (
	issuer     TEXT NOT NULL,
	subject    TEXT NOT NULL,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	created_at TEXT NOT NULL,
	PRIMARY KEY (issuer, subject)
);
