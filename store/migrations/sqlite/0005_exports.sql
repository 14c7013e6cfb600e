-- Fingerprinted exports: who received what, and the code positions each
-- carries (their symbols follow from the key and the export ID).
CREATE TABLE exports (
	id           TEXT PRIMARY KEY,
	recipient    TEXT NOT NULL,
	purpose      TEXT NOT NULL,
	filter       TEXT NOT NULL,
	columns      TEXT NOT NULL,
	format       TEXT NOT NULL,
	file         TEXT NOT NULL,
	sha256       TEXT NOT NULL,
	n_rows       INTEGER NOT NULL,
	decoys       INTEGER NOT NULL,
	decoy_domain TEXT NOT NULL,
	decoy_phone  TEXT NOT NULL,
	decoy_pool   INTEGER NOT NULL,
	positions    TEXT NOT NULL,
	actor        TEXT NOT NULL,
	created_at   TEXT NOT NULL
);
