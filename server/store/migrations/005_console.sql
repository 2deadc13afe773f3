-- 005: what the counter console and the supervisors' monitor need.

-- A supervisor may change which services a counter serves while the center
-- runs (two officials of a quiet service help with a long queue). The
-- change outlives a restart, so it is stored here rather than in the config
-- file; a counter without a row serves its configured services. services is
-- a JSON array of service ids in the order the counter serves them.
CREATE TABLE counter_services (
	counter    TEXT PRIMARY KEY,
	services   TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL DEFAULT ''
) STRICT;

-- When the counter last became open with no current ticket; NULL while it
-- serves someone, is paused or closed. The monitor raises an alert for a
-- counter idle while people wait for its services, and this is the "since".
ALTER TABLE counters ADD COLUMN idle_since INTEGER;

-- One rating per served ticket, from the counter's keypad or screen, kept
-- with the counter and official who served (the counter's official may
-- change later in the day) and with the scale it was given on (3 or 4
-- levels), since a center may change its scale and old ratings must still
-- read right.
CREATE TABLE ratings (
	ticket   INTEGER PRIMARY KEY REFERENCES tickets (id),
	counter  TEXT NOT NULL,
	official TEXT NOT NULL,
	level    INTEGER NOT NULL,
	levels   INTEGER NOT NULL,
	source   TEXT NOT NULL,
	at       INTEGER NOT NULL
) STRICT;
-- Reports and the console's last rating read ratings by time.
CREATE INDEX ratings_at ON ratings (at);
