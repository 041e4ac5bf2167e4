-- The search words on PostgreSQL keyed by the report's integer key `seq` instead of its
-- 36-character id (issue 20), as the correlation index is: 29 bytes less a row, and a primary key
-- of 8-byte integers that grow as reports arrive (filled pages) instead of text (about 66 bytes a
-- seeded report in all). A new table in `seq` order rather than an update of every row, which
-- would leave each row's old version behind.
CREATE TABLE report_words_by_seq (
    report_seq BIGINT PRIMARY KEY,
    word_keys BIGINT[] NOT NULL
);
INSERT INTO report_words_by_seq (report_seq, word_keys)
SELECT r.seq, w.word_keys
FROM report_words w
JOIN reports r ON r.id = w.report_id
ORDER BY r.seq;
DROP TABLE report_words;
ALTER TABLE report_words_by_seq RENAME TO report_words;
ALTER INDEX report_words_by_seq_pkey RENAME TO report_words_pkey;
CREATE INDEX report_words_keys ON report_words USING gin (word_keys) WITH (fastupdate = off);
ANALYZE report_words;
