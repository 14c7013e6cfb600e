-- A run may be named by a key, so that the job that starts it (a
-- distributed triage) finds it again when it is worked again after a
-- crash, rather than starting a second run.
ALTER TABLE match_runs ADD COLUMN run_key TEXT;
CREATE UNIQUE INDEX match_runs_run_key ON match_runs (run_key);
