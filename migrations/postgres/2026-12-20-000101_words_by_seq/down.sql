CREATE TABLE report_words_by_id (
    report_id TEXT PRIMARY KEY NOT NULL,
    word_keys BIGINT[] NOT NULL
);
INSERT INTO report_words_by_id (report_id, word_keys)
SELECT r.id, w.word_keys
FROM report_words w
JOIN reports r ON r.seq = w.report_seq;
DROP TABLE report_words;
ALTER TABLE report_words_by_id RENAME TO report_words;
ALTER INDEX report_words_by_id_pkey RENAME TO report_words_pkey;
CREATE INDEX report_words_keys ON report_words USING gin (word_keys) WITH (fastupdate = off);
