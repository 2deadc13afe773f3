-- 006: dossiers (hồ sơ) received at the counters, their steps until the
-- result is returned, and the slips of dossiers not received. Codes and
-- book numbers are taken in the same transaction that stores the dossier,
-- like ticket numbers: never reused, never skipped.

CREATE TABLE dossier_sequences (
	scope TEXT NOT NULL,   -- "code:<unit>" per day, "book" per year, "slip:<kind>" per year
	period TEXT NOT NULL,  -- YYYY-MM-DD or YYYY
	last INTEGER NOT NULL,
	PRIMARY KEY (scope, period)
) STRICT;

CREATE TABLE dossiers (
	id             INTEGER PRIMARY KEY,
	code           TEXT NOT NULL UNIQUE,          -- mã hồ sơ, Circular 01/2018/TT-VPCP Art. 19 by default
	token          TEXT NOT NULL,                 -- public, in the receipt's QR (≥ 64 random bits)
	ticket         INTEGER REFERENCES tickets (id),
	procedure      TEXT NOT NULL,                 -- mã TTHC
	department     TEXT NOT NULL,
	counter        TEXT NOT NULL DEFAULT '',
	official       TEXT NOT NULL DEFAULT '',
	applicant      TEXT NOT NULL,                 -- JSON: name, phone, address, email, id_number
	documents      TEXT NOT NULL,                 -- JSON: [{name, form, count}]
	sets           INTEGER NOT NULL DEFAULT 1,
	return_channel TEXT NOT NULL CHECK (return_channel IN ('counter','post','online')),
	state          TEXT NOT NULL CHECK (state IN ('received','in_progress','supplement','paused','result_ready','returned')),
	received_at    INTEGER NOT NULL,
	clock_from     INTEGER NOT NULL,              -- start of the running period: the receipt, or the completed supplement
	due_date       TEXT NOT NULL,                 -- YYYY-MM-DD, the legal appointment
	due_at         INTEGER NOT NULL,
	paused_at      INTEGER,                       -- while paused with a legal basis
	holder         TEXT NOT NULL DEFAULT 'center',-- who holds the paper dossier: center, department:<id>, consulted:<name>, post, citizen
	holder_since   INTEGER NOT NULL,
	result_at      INTEGER,
	returned_at    INTEGER,
	apology        TEXT,                          -- JSON once issued: reason, new_due_date, at, by
	citizen_rating INTEGER,                       -- the citizen's rating online after the return, 1 = best
	rated_at       INTEGER,
	book_year      INTEGER NOT NULL,
	book_no        INTEGER NOT NULL,              -- the tracking book's entry, per year
	UNIQUE (book_year, book_no)
) STRICT;
CREATE INDEX dossiers_due ON dossiers (state, due_date);
CREATE INDEX dossiers_ticket ON dossiers (ticket);

-- Each step of a dossier, for its timeline; the event log holds them too.
CREATE TABLE dossier_steps (
	id         INTEGER PRIMARY KEY,
	dossier    INTEGER NOT NULL REFERENCES dossiers (id),
	at         INTEGER NOT NULL,
	type       TEXT NOT NULL,
	from_party TEXT NOT NULL DEFAULT '',
	to_party   TEXT NOT NULL DEFAULT '',
	how        TEXT NOT NULL DEFAULT '',          -- in_person, post
	waybill    TEXT NOT NULL DEFAULT '',          -- the postal service's number
	actor      TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '',
	deadline   TEXT NOT NULL DEFAULT ''           -- a consulted agency's, YYYY-MM-DD
) STRICT;
CREATE INDEX dossier_steps_dossier ON dossier_steps (dossier, id);

-- A dossier not received: the supplement request or the refusal handed to
-- the citizen. No code, no clock.
CREATE TABLE dossier_slips (
	id        INTEGER PRIMARY KEY,
	kind      TEXT NOT NULL CHECK (kind IN ('supplement','refusal')),
	year      INTEGER NOT NULL,
	number    INTEGER NOT NULL,
	ticket    INTEGER REFERENCES tickets (id),
	procedure TEXT NOT NULL,
	counter   TEXT NOT NULL DEFAULT '',
	official  TEXT NOT NULL DEFAULT '',
	applicant TEXT NOT NULL,
	reason    TEXT NOT NULL,
	missing   TEXT NOT NULL DEFAULT '[]',
	at        INTEGER NOT NULL,
	UNIQUE (kind, year, number)
) STRICT;
