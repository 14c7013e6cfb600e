-- Erasure rewrites a findings document in place; its revision tells the
-- servers that cache decoded findings by row that the row changed.
ALTER TABLE findings ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
