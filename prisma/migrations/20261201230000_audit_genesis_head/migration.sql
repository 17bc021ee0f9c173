-- The audit chain's head exists from the start, at position 0 with the genesis hash, so that every
-- writer, the first one included, locks that row before it appends: two first appends at once wait
-- on each other instead of both starting from the genesis hash.
INSERT INTO "AuditHead" ("id", "seq", "prevHash", "hash")
VALUES (1, 0, '', '0000000000000000000000000000000000000000000000000000000000000000')
ON CONFLICT ("id") DO NOTHING;
