-- Search words on SQLite: the rows of (word key, report) stay, for the search by word; their
-- index by report (a second copy of every row, about 620 bytes a report) gives way to one row
-- per report holding its word keys in one blob (8 bytes each, big-endian, in order, about 370
-- bytes a report): what a purge deletes its rows by and an amendment adds to.
CREATE TABLE report_word_lists (
    report_seq INTEGER PRIMARY KEY NOT NULL,
    word_keys BLOB NOT NULL
);
INSERT INTO report_word_lists (report_seq, word_keys)
SELECT report_seq, unhex(group_concat(printf('%016x', word_key), '' ORDER BY word_key))
FROM report_words GROUP BY report_seq;
DROP INDEX report_words_report;
