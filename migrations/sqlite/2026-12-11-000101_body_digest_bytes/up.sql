-- A report's body_sha256 as the 32 bytes of the digest instead of its 64 hex characters (32
-- bytes a report less); receipts and the review detail still show it as lowercase hex. The
-- column keeps its declared type, as `body` does: SQLite stores a blob as a blob whatever the
-- column's affinity.
UPDATE reports SET body_sha256 = unhex(body_sha256);
