-- 004: settings the center edits while running (a lobby screen's ticker
-- text…), with who changed them and when.
CREATE TABLE settings (
	key        TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL DEFAULT ''
) STRICT;
