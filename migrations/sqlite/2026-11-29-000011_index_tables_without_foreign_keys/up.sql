-- The search words and the correlation index are derived from their report: written in the
-- report's own transaction (a submission, an amendment) and deleted in the purge's, never on
-- their own. Their foreign keys to `reports` go (as on PostgreSQL, where checking them was about
-- a quarter of the CPU time per report stored in batches); the purge test checks that none of
-- their rows is left.
-- SQLite drops a foreign key only by building the table again.

CREATE TABLE report_words_new (
    word_hash TEXT NOT NULL,
    report_id TEXT NOT NULL,
    PRIMARY KEY (word_hash, report_id)
);
INSERT INTO report_words_new SELECT word_hash, report_id FROM report_words;
DROP TABLE report_words;
ALTER TABLE report_words_new RENAME TO report_words;
CREATE INDEX report_words_report ON report_words (report_id);

CREATE TABLE indicator_index_new (
    value_hash TEXT NOT NULL,
    report_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    pointer TEXT NOT NULL,
    PRIMARY KEY (value_hash, report_id)
);
INSERT INTO indicator_index_new SELECT value_hash, report_id, kind, organization_id, mode, pointer FROM indicator_index;
DROP TABLE indicator_index;
ALTER TABLE indicator_index_new RENAME TO indicator_index;
CREATE INDEX indicator_index_report ON indicator_index (report_id);

CREATE TABLE pdq_index_new (
    report_id TEXT NOT NULL,
    pdq TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    pointer TEXT NOT NULL,
    c0 INTEGER NOT NULL,
    c1 INTEGER NOT NULL,
    c2 INTEGER NOT NULL,
    c3 INTEGER NOT NULL,
    c4 INTEGER NOT NULL,
    c5 INTEGER NOT NULL,
    c6 INTEGER NOT NULL,
    c7 INTEGER NOT NULL,
    c8 INTEGER NOT NULL,
    c9 INTEGER NOT NULL,
    c10 INTEGER NOT NULL,
    c11 INTEGER NOT NULL,
    c12 INTEGER NOT NULL,
    c13 INTEGER NOT NULL,
    c14 INTEGER NOT NULL,
    c15 INTEGER NOT NULL,
    PRIMARY KEY (pdq, report_id)
);
INSERT INTO pdq_index_new SELECT report_id, pdq, organization_id, mode, pointer, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15 FROM pdq_index;
DROP TABLE pdq_index;
ALTER TABLE pdq_index_new RENAME TO pdq_index;
CREATE INDEX pdq_index_report ON pdq_index (report_id);
CREATE INDEX pdq_index_c0 ON pdq_index (c0, pdq);
CREATE INDEX pdq_index_c1 ON pdq_index (c1, pdq);
CREATE INDEX pdq_index_c2 ON pdq_index (c2, pdq);
CREATE INDEX pdq_index_c3 ON pdq_index (c3, pdq);
CREATE INDEX pdq_index_c4 ON pdq_index (c4, pdq);
CREATE INDEX pdq_index_c5 ON pdq_index (c5, pdq);
CREATE INDEX pdq_index_c6 ON pdq_index (c6, pdq);
CREATE INDEX pdq_index_c7 ON pdq_index (c7, pdq);
CREATE INDEX pdq_index_c8 ON pdq_index (c8, pdq);
CREATE INDEX pdq_index_c9 ON pdq_index (c9, pdq);
CREATE INDEX pdq_index_c10 ON pdq_index (c10, pdq);
CREATE INDEX pdq_index_c11 ON pdq_index (c11, pdq);
CREATE INDEX pdq_index_c12 ON pdq_index (c12, pdq);
CREATE INDEX pdq_index_c13 ON pdq_index (c13, pdq);
CREATE INDEX pdq_index_c14 ON pdq_index (c14, pdq);
CREATE INDEX pdq_index_c15 ON pdq_index (c15, pdq);
