-- Back to one row per search word. The 64-character keys cannot be recovered from the 64-bit
-- ones: the words are gone until the reports are indexed again.
CREATE INDEX reports_severity_id ON reports (severity, id);
CREATE INDEX reports_category_id ON reports (category, id);
CREATE INDEX reports_service_id ON reports (service, id);
DROP TABLE report_words;
CREATE TABLE report_words (
    word_hash TEXT NOT NULL,
    report_id TEXT NOT NULL,
    PRIMARY KEY (word_hash, report_id)
);
CREATE INDEX report_words_report ON report_words (report_id);
DROP INDEX reports_seq;
ALTER TABLE reports DROP COLUMN seq;
