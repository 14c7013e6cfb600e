-- Matches spread over workers: a run, its pieces (a byte range of a file
-- or a whole file), each piece's partial findings, and the merged result.
CREATE TABLE match_runs (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	incident_id BIGINT NOT NULL DEFAULT 0,
	actor       TEXT NOT NULL,
	spec        TEXT NOT NULL,
	pieces      INTEGER NOT NULL,
	pieces_done INTEGER NOT NULL DEFAULT 0,
	bytes       BIGINT NOT NULL,
	bytes_done  BIGINT NOT NULL DEFAULT 0,
	created_at  TIMESTAMPTZ NOT NULL,
	merged_at   TIMESTAMPTZ,
	findings    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE match_pieces (
	run_id  BIGINT NOT NULL REFERENCES match_runs (id),
	seq     INTEGER NOT NULL,
	spec    TEXT NOT NULL,
	bytes   BIGINT NOT NULL,
	partial TEXT,
	done_at TIMESTAMPTZ,
	PRIMARY KEY (run_id, seq)
);
