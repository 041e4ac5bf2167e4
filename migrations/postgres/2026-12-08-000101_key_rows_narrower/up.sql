-- The rows of exact values on PostgreSQL (issue 20), 8 bytes narrower: the report's key and the
-- place first, the 16-byte key (a 17-byte value, which needs no alignment) last, so that the key
-- no longer pads the 8-byte report key behind it (60 bytes a row with its line pointer instead
-- of 68, about 150 bytes a report). Same columns, keys and indexes; SQLite's rows are its
-- primary key's, in that key's order whatever the columns' (its migration of this name is
-- empty).
CREATE TABLE correlation_keys_narrower (
    report_seq BIGINT NOT NULL,
    place INTEGER NOT NULL,
    value_key BYTEA NOT NULL
);
INSERT INTO correlation_keys_narrower (report_seq, place, value_key)
SELECT report_seq, place, value_key FROM correlation_keys ORDER BY report_seq;
DROP TABLE correlation_keys;
ALTER TABLE correlation_keys_narrower RENAME TO correlation_keys;
ALTER TABLE correlation_keys ADD PRIMARY KEY (value_key, report_seq);
CREATE INDEX correlation_keys_report ON correlation_keys (report_seq);
ANALYZE correlation_keys;
