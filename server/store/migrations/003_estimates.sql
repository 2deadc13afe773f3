-- 003: wait estimates beside actual waits, so their accuracy can be measured.
-- estimated_wait_s is the wait in seconds the citizen was told when the
-- ticket was issued (NULL for tickets issued before this migration);
-- first_called_at is when it was called the first time (a hold or a
-- transfer calls it again, which moves called_at but not this), so the
-- actual wait is first_called_at - issued_at. ahead_at_issue is how many
-- were waiting before it then, for the naive "ahead x configured average"
-- the estimate is compared with.
ALTER TABLE tickets ADD COLUMN estimated_wait_s INTEGER;
ALTER TABLE tickets ADD COLUMN first_called_at INTEGER;
ALTER TABLE tickets ADD COLUMN ahead_at_issue INTEGER;
