-- The compact storage model (issue 20).
--
-- Each report gets an integer key, `seq` (the next after the greatest, given as it is
-- inserted), which the search words point at instead of the 36-character id.
ALTER TABLE reports ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE reports SET seq = numbered.seq
FROM (SELECT id, row_number() OVER (ORDER BY id) AS seq FROM reports) AS numbered
WHERE numbered.id = reports.id;
CREATE UNIQUE INDEX reports_seq ON reports (seq);

-- Search words: one row per word and report of two integers, the 64-bit word key (the first
-- eight bytes of the HMAC-SHA256 the text keys held, so they carry over here) and the report's
-- `seq`, in a table without rowid, instead of a 64-character key and the report's id.
CREATE TABLE report_word_keys (
    word_key INTEGER NOT NULL,
    report_seq INTEGER NOT NULL,
    PRIMARY KEY (word_key, report_seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO report_word_keys (word_key, report_seq)
SELECT ((instr('0123456789abcdef', substr(w.word_hash, 1, 1)) - 1) << 60)
     | ((instr('0123456789abcdef', substr(w.word_hash, 2, 1)) - 1) << 56)
     | ((instr('0123456789abcdef', substr(w.word_hash, 3, 1)) - 1) << 52)
     | ((instr('0123456789abcdef', substr(w.word_hash, 4, 1)) - 1) << 48)
     | ((instr('0123456789abcdef', substr(w.word_hash, 5, 1)) - 1) << 44)
     | ((instr('0123456789abcdef', substr(w.word_hash, 6, 1)) - 1) << 40)
     | ((instr('0123456789abcdef', substr(w.word_hash, 7, 1)) - 1) << 36)
     | ((instr('0123456789abcdef', substr(w.word_hash, 8, 1)) - 1) << 32)
     | ((instr('0123456789abcdef', substr(w.word_hash, 9, 1)) - 1) << 28)
     | ((instr('0123456789abcdef', substr(w.word_hash, 10, 1)) - 1) << 24)
     | ((instr('0123456789abcdef', substr(w.word_hash, 11, 1)) - 1) << 20)
     | ((instr('0123456789abcdef', substr(w.word_hash, 12, 1)) - 1) << 16)
     | ((instr('0123456789abcdef', substr(w.word_hash, 13, 1)) - 1) << 12)
     | ((instr('0123456789abcdef', substr(w.word_hash, 14, 1)) - 1) << 8)
     | ((instr('0123456789abcdef', substr(w.word_hash, 15, 1)) - 1) << 4)
     | (instr('0123456789abcdef', substr(w.word_hash, 16, 1)) - 1),
       r.seq
FROM report_words w JOIN reports r ON r.id = w.report_id;
DROP TABLE report_words;
ALTER TABLE report_word_keys RENAME TO report_words;
CREATE INDEX report_words_report ON report_words (report_seq);

-- The body: compressed, then sealed, stored as bytes. Bodies stored before are base64 text
-- here; SQLite has no base64 decoder, so `store::reports::upgrade_bodies` (run after the
-- migrations) rewrites them as their bytes.

-- Indexes of `reports` no query needs: the review list filters by severity, category and
-- service while it walks `reports_mode_id` newest first (each filter keeps a large share of
-- the reports, so an index of its own was not chosen for it).
DROP INDEX reports_severity_id;
DROP INDEX reports_category_id;
DROP INDEX reports_service_id;
