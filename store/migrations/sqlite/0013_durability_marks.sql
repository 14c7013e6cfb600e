-- One row, rewritten by every durability barrier (store/durable.go): a
-- synchronous commit only reaches the disk when it writes something, and
-- reaching the disk is what carries the relaxed delivery commits before it.
CREATE TABLE durability_marks (
	id INTEGER PRIMARY KEY,
	synced_at TEXT NOT NULL
);
