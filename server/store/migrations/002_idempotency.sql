-- 002: idempotency keys. A kiosk or console that retries a request after a
-- lost reply sends the same Idempotency-Key and gets the first answer back:
-- one ticket, one call, never two. Keys are scoped by credential and kept
-- two days.
CREATE TABLE idempotency (
	key        TEXT PRIMARY KEY,
	action     TEXT NOT NULL,
	ticket     INTEGER NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX idempotency_created ON idempotency (created_at);
