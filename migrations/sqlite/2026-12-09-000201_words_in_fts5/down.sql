-- Back to a row per word and report and a list of keys per report, from each (token,
-- document) the index lists (an amendment's document counts for its report).
CREATE TABLE report_word_rows (
    word_key INTEGER NOT NULL,
    report_seq INTEGER NOT NULL,
    PRIMARY KEY (word_key, report_seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO report_word_rows (word_key, report_seq)
SELECT ((instr('0123456789abcdefghijklmnopqrstuv', substr(term, 1, 1)) - 1) << 60)
     | ((instr('0123456789abcdefghijklmnopqrstuv', substr(term, 2, 1)) - 1) << 55)
     | ((instr('0123456789abcdefghijklmnopqrstuv', substr(term, 3, 1)) - 1) << 50)
     | ((instr('0123456789abcdefghijklmnopqrstuv', substr(term, 4, 1)) - 1) << 45)
     | ((instr('0123456789abcdefghijklmnopqrstuv', substr(term, 5, 1)) - 1) << 40)
     | ((instr('0123456789abcdefghijklmnopqrstuv', substr(term, 6, 1)) - 1) << 35)
     | ((instr('0123456789abcdefghijklmnopqrstuv', substr(term, 7, 1)) - 1) << 30)
     | ((instr('0123456789abcdefghijklmnopqrstuv', substr(term, 8, 1)) - 1) << 25)
     | ((instr('0123456789abcdefghijklmnopqrstuv', substr(term, 9, 1)) - 1) << 20)
     | ((instr('0123456789abcdefghijklmnopqrstuv', substr(term, 10, 1)) - 1) << 15)
     | ((instr('0123456789abcdefghijklmnopqrstuv', substr(term, 11, 1)) - 1) << 10)
     | ((instr('0123456789abcdefghijklmnopqrstuv', substr(term, 12, 1)) - 1) << 5)
     | ((instr('0123456789abcdefghijklmnopqrstuv', substr(term, 13, 1)) - 1) << 0),
       CASE WHEN doc > 0 THEN doc ELSE -doc >> 20 END
FROM report_word_instances;
CREATE TABLE report_word_lists (
    report_seq INTEGER PRIMARY KEY NOT NULL,
    word_keys BLOB NOT NULL
);
INSERT INTO report_word_lists (report_seq, word_keys)
SELECT report_seq, unhex(group_concat(printf('%016x', word_key), '' ORDER BY word_key))
FROM report_word_rows GROUP BY report_seq;
DROP TABLE report_word_instances;
DROP TABLE report_words;
ALTER TABLE report_word_rows RENAME TO report_words;
