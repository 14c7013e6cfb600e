-- A distributed run that cannot finish fails: the piece (or -1, the
-- merge) that failed for good, its error's code and reason, once. A
-- failed run is never merged.
ALTER TABLE match_runs ADD COLUMN failed_at TIMESTAMPTZ;
ALTER TABLE match_runs ADD COLUMN failed_piece INTEGER NOT NULL DEFAULT 0;
ALTER TABLE match_runs ADD COLUMN failure_code TEXT NOT NULL DEFAULT '';
ALTER TABLE match_runs ADD COLUMN failure TEXT NOT NULL DEFAULT '';
ALTER TABLE match_pieces ADD COLUMN failure TEXT;

-- A triage file whose run failed is triaged again when it is taken in
-- again; each retry is a run of its own.
ALTER TABLE triage_files ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
