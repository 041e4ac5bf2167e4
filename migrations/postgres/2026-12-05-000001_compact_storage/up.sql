-- The compact storage model (issue 20).
--
-- Each report gets an integer key, `seq`, from a sequence (the store takes its values for a
-- batch at once; a row inserted without one gets the next by default): what the per-report
-- index rows of SQLite point at instead of the 36-character id.
CREATE SEQUENCE reports_seq;
ALTER TABLE reports ADD COLUMN seq BIGINT;
ALTER SEQUENCE reports_seq OWNED BY reports.seq;
UPDATE reports SET seq = numbered.seq
FROM (SELECT id, nextval('reports_seq') AS seq FROM (SELECT id FROM reports ORDER BY id) ordered) numbered
WHERE numbered.id = reports.id;
ALTER TABLE reports ALTER COLUMN seq SET NOT NULL;
ALTER TABLE reports ALTER COLUMN seq SET DEFAULT nextval('reports_seq');

-- Search words: one row per report holding an array of 64-bit word keys (the first eight bytes
-- of the HMAC-SHA256 the text keys held, so they carry over here), GIN-indexed, instead of one
-- row per word with a 64-character key.
CREATE TABLE report_word_keys (
    report_id TEXT PRIMARY KEY NOT NULL,
    word_keys BIGINT[] NOT NULL
);
INSERT INTO report_word_keys (report_id, word_keys)
SELECT report_id, array_agg(DISTINCT ('x' || substr(word_hash, 1, 16))::bit(64)::bigint)
FROM report_words GROUP BY report_id;
DROP TABLE report_words;
ALTER TABLE report_word_keys RENAME TO report_words;
ALTER INDEX report_word_keys_pkey RENAME TO report_words_pkey;
CREATE INDEX report_words_keys ON report_words USING gin (word_keys) WITH (fastupdate = off);

-- The body: compressed, then sealed, stored as bytes. A body stored before is its sealed
-- bytes uncompressed, which opening tells apart (see src/sealing.rs).
ALTER TABLE reports ALTER COLUMN body TYPE BYTEA USING decode(body, 'base64');

-- Indexes of `reports` no query needs: the review list filters by severity, category and
-- service while it walks `reports_mode_id` newest first (each filter keeps a large share of
-- the reports, so an index of its own was not chosen for it).
DROP INDEX reports_severity_id;
DROP INDEX reports_category_id;
DROP INDEX reports_service_id;
