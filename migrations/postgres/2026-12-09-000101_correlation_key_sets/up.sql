-- The exact values of the correlation index on PostgreSQL as one row per report (issue 20):
-- its key `report_seq`, its values' 16-byte keys in an array with a GIN index and their places
-- in a parallel array, instead of one row per value and report (about 19 a report, each with a
-- primary key entry and an entry of the index by report): about 1 800 bytes a report instead of
-- 2 700, and half the time to insert. SQLite keeps its rows (its `correlation_keys` is a compact
-- table without rowid; its migration of this name is empty).
CREATE TABLE correlation_key_sets (
    report_seq BIGINT PRIMARY KEY,
    places INTEGER[] NOT NULL,
    value_keys BYTEA[] NOT NULL
);
-- Each report's values in the order of their rows (as the index by report read them), the order
-- in which the related view lists what two reports share.
INSERT INTO correlation_key_sets (report_seq, places, value_keys)
SELECT report_seq, array_agg(place ORDER BY ctid), array_agg(value_key ORDER BY ctid)
FROM correlation_keys
GROUP BY report_seq
ORDER BY report_seq;
DROP TABLE correlation_keys;
CREATE INDEX correlation_key_sets_keys ON correlation_key_sets USING gin (value_keys)
    WITH (fastupdate = off);
ANALYZE correlation_key_sets;
