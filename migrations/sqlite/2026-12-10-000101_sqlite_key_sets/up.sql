-- The exact values of the correlation index on SQLite as one row per report (issue 20), as on
-- PostgreSQL: `correlation_key_sets`, keyed by `report_seq` (a rowid table), its values' 16-byte
-- keys concatenated in key order and their places (`correlation_places.id`, never negative) in
-- the same order as unsigned LEB128 varints. The rows by value stay, without their places and
-- without the index by report (whose entries each repeated the 16-byte key): a value's holders
-- are found there, a report's values in its set.
CREATE TABLE correlation_key_sets (
    report_seq INTEGER PRIMARY KEY NOT NULL,
    value_keys BLOB NOT NULL,
    places BLOB NOT NULL
);
INSERT INTO correlation_key_sets (report_seq, value_keys, places)
SELECT report_seq,
    unhex(group_concat(hex(value_key), '' ORDER BY value_key)),
    unhex(group_concat(CASE
        WHEN place < 128 THEN printf('%02X', place)
        WHEN place < 16384 THEN printf('%02X%02X', 128 | (place & 127), place >> 7)
        WHEN place < 2097152 THEN
            printf('%02X%02X%02X', 128 | (place & 127), 128 | (place >> 7 & 127), place >> 14)
        WHEN place < 268435456 THEN
            printf('%02X%02X%02X%02X', 128 | (place & 127), 128 | (place >> 7 & 127),
                128 | (place >> 14 & 127), place >> 21)
        ELSE printf('%02X%02X%02X%02X%02X', 128 | (place & 127), 128 | (place >> 7 & 127),
            128 | (place >> 14 & 127), 128 | (place >> 21 & 127), place >> 28)
    END, '' ORDER BY value_key))
FROM correlation_keys
GROUP BY report_seq
ORDER BY report_seq;
CREATE TABLE correlation_keys_by_value (
    value_key BLOB NOT NULL,
    report_seq BIGINT NOT NULL,
    PRIMARY KEY (value_key, report_seq)
) WITHOUT ROWID;
INSERT INTO correlation_keys_by_value (value_key, report_seq)
SELECT value_key, report_seq FROM correlation_keys ORDER BY value_key, report_seq;
DROP TABLE correlation_keys;
ALTER TABLE correlation_keys_by_value RENAME TO correlation_keys;
