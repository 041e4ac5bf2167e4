-- Search words on SQLite in a contentless FTS5 index (issue 20), instead of a row of two
-- integers per word and report (about 700 bytes a report) and each report's list of its keys
-- for the purge (about 330): with `detail=none` a word costs its report's rowid in the word's
-- list, delta-encoded (a byte or two), and `contentless_delete=1` deletes a document by rowid
-- without its words. A document's text is its keys as tokens of 13 base32 digits (most
-- significant first, as `store::words::token` writes them), separated by spaces; one document
-- per report, `rowid` its `seq` (the keys amendments brought are already among them here;
-- later amendments get documents of their own, `store::words`). The `fts5vocab` table lists
-- each (token, document): what down.sql restores the rows from.
ALTER TABLE report_words RENAME TO report_word_rows;
CREATE VIRTUAL TABLE report_words USING fts5(
    word_keys, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii'
);
CREATE VIRTUAL TABLE report_word_instances USING fts5vocab(report_words, 'instance');
INSERT INTO report_words (rowid, word_keys)
SELECT report_seq, group_concat(
       substr('0123456789abcdefghijklmnopqrstuv', ((word_key >> 60) & 15) + 1, 1)
     || substr('0123456789abcdefghijklmnopqrstuv', ((word_key >> 55) & 31) + 1, 1)
     || substr('0123456789abcdefghijklmnopqrstuv', ((word_key >> 50) & 31) + 1, 1)
     || substr('0123456789abcdefghijklmnopqrstuv', ((word_key >> 45) & 31) + 1, 1)
     || substr('0123456789abcdefghijklmnopqrstuv', ((word_key >> 40) & 31) + 1, 1)
     || substr('0123456789abcdefghijklmnopqrstuv', ((word_key >> 35) & 31) + 1, 1)
     || substr('0123456789abcdefghijklmnopqrstuv', ((word_key >> 30) & 31) + 1, 1)
     || substr('0123456789abcdefghijklmnopqrstuv', ((word_key >> 25) & 31) + 1, 1)
     || substr('0123456789abcdefghijklmnopqrstuv', ((word_key >> 20) & 31) + 1, 1)
     || substr('0123456789abcdefghijklmnopqrstuv', ((word_key >> 15) & 31) + 1, 1)
     || substr('0123456789abcdefghijklmnopqrstuv', ((word_key >> 10) & 31) + 1, 1)
     || substr('0123456789abcdefghijklmnopqrstuv', ((word_key >> 5) & 31) + 1, 1)
     || substr('0123456789abcdefghijklmnopqrstuv', ((word_key >> 0) & 31) + 1, 1),
       ' ')
FROM report_word_rows GROUP BY report_seq ORDER BY report_seq;
DROP TABLE report_word_rows;
DROP TABLE report_word_lists;
