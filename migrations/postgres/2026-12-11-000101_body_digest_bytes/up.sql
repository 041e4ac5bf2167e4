-- A report's body_sha256 as the 32 bytes of the digest instead of its 64 hex characters (33
-- bytes a report less); receipts and the review detail still show it as lowercase hex.
ALTER TABLE reports ALTER COLUMN body_sha256 TYPE BYTEA USING decode(body_sha256, 'hex');
