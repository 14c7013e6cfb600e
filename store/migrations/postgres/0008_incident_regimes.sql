-- The regime files an incident was created with that leakdesk does not
-- embed (read from --rules), as a JSON object by regime ID, so that its
-- clocks are computed without the directory. Incidents created before keep
-- '' and need --rules as they did.
ALTER TABLE incidents ADD COLUMN regime_files TEXT NOT NULL DEFAULT '';
