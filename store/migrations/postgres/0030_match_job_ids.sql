-- The River job of each piece, and of the merge, so that a run whose job
-- River discarded, or an operator cancelled or deleted, with no worker
-- told, is found and failed rather than waited on forever.
ALTER TABLE match_pieces ADD COLUMN job_id BIGINT;
ALTER TABLE match_runs ADD COLUMN merge_job_id BIGINT;
