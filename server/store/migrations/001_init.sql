-- 001: the queue, its event log, credentials.
-- Times are Unix milliseconds in UTC; "day" is the local (Asia/Ho_Chi_Minh)
-- calendar day the ticket was issued, YYYY-MM-DD.

-- Last number handed out per service and local day. A number is taken in the
-- same transaction that stores its ticket, so a rollback gives it back and a
-- commit makes it durable: never reused, never skipped.
CREATE TABLE sequences (
	service TEXT NOT NULL,
	day     TEXT NOT NULL,
	last    INTEGER NOT NULL,
	PRIMARY KEY (service, day)
) STRICT;

CREATE TABLE tickets (
	id             INTEGER PRIMARY KEY,
	token          TEXT NOT NULL UNIQUE,          -- public, in the QR code
	issued_service TEXT NOT NULL,                 -- the service whose sequence gave the number
	service        TEXT NOT NULL,                 -- the service it waits for now (changes on transfer)
	day            TEXT NOT NULL,
	seq            INTEGER NOT NULL,              -- 1, 2, 3… per issued_service and day
	number         TEXT NOT NULL,                 -- as shown: "1023", "A001"
	priority       TEXT NOT NULL DEFAULT '',      -- category id, '' for none
	kiosk          TEXT NOT NULL DEFAULT '',
	state          TEXT NOT NULL CHECK (state IN ('waiting','called','serving','held','done','no_show','expired')),
	counter        TEXT NOT NULL DEFAULT '',      -- counter holding it (called, serving, held, and the last one after)
	target_counter TEXT NOT NULL DEFAULT '',      -- set when transferred to one counter
	front          INTEGER NOT NULL DEFAULT 0,    -- 1: transferred to the front of its queue
	issued_at      INTEGER NOT NULL,
	queued_at      INTEGER NOT NULL,              -- ordering key in its queue
	called_at      INTEGER,
	started_at     INTEGER,
	finished_at    INTEGER,
	recalls        INTEGER NOT NULL DEFAULT 0,
	transfers      INTEGER NOT NULL DEFAULT 0,
	official       TEXT NOT NULL DEFAULT '',
	print_status   TEXT NOT NULL DEFAULT 'none',
	UNIQUE (issued_service, day, seq)
) STRICT;
CREATE INDEX tickets_queue ON tickets (day, state, service);
-- Covers the "how many are ahead of me" count, so it reads only the index.
CREATE INDEX tickets_ahead ON tickets (day, service, state, target_counter, front, queued_at);

CREATE TABLE counters (
	id              TEXT PRIMARY KEY,
	state           TEXT NOT NULL CHECK (state IN ('open','paused','closed')),
	reason          TEXT NOT NULL DEFAULT '',
	current         INTEGER REFERENCES tickets (id),
	last_finished   INTEGER REFERENCES tickets (id),
	priority_streak INTEGER NOT NULL DEFAULT 0,
	official        TEXT NOT NULL DEFAULT '',
	updated_at      INTEGER NOT NULL
) STRICT;

-- Append-only log of every state change, written in the same transaction as
-- the change. hash = SHA-256 over the previous row's hash and this row's
-- fields, so an edited or deleted row breaks the chain (motcua audit verify).
CREATE TABLE events (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	type      TEXT NOT NULL,
	ticket    INTEGER,
	counter   TEXT NOT NULL DEFAULT '',
	actor     TEXT NOT NULL DEFAULT '',
	data      TEXT NOT NULL DEFAULT '{}',
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
) STRICT;
CREATE INDEX events_ticket ON events (ticket);

-- Bearer tokens for devices and scripts, stored as SHA-256 of the secret.
CREATE TABLE tokens (
	id         INTEGER PRIMARY KEY,
	hash       TEXT NOT NULL UNIQUE,
	role       TEXT NOT NULL,
	name       TEXT NOT NULL,
	counter    TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	revoked_at INTEGER
) STRICT;

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	counter       TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Cookie sessions of signed-in staff and paired devices.
CREATE TABLE sessions (
	hash       TEXT PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('user','device')),
	user_id    INTEGER REFERENCES users (id),
	role       TEXT NOT NULL,
	name       TEXT NOT NULL,
	place      TEXT NOT NULL DEFAULT '',          -- kiosk, screen or counter id
	csrf       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;

-- Pairing codes made by an admin; a device that opens one gets a session.
CREATE TABLE pairings (
	hash       TEXT PRIMARY KEY,
	role       TEXT NOT NULL,
	place      TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER
) STRICT;
