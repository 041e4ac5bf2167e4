-- Back to one row per value and report with its place, and the index by report: each set's
-- places decoded byte by byte (a byte below 128 ends a varint; its index among those is the
-- value's among the keys).
CREATE TABLE correlation_keys_with_places (
    value_key BLOB NOT NULL,
    report_seq BIGINT NOT NULL,
    place INTEGER NOT NULL,
    PRIMARY KEY (value_key, report_seq)
) WITHOUT ROWID;
WITH RECURSIVE offsets (i) AS (
    SELECT 1
    UNION ALL
    SELECT i + 1 FROM offsets WHERE i < (SELECT max(length(places)) FROM correlation_key_sets)
),
bytes AS (
    SELECT s.report_seq, o.i,
        (instr('0123456789ABCDEF', substr(hex(substr(s.places, o.i, 1)), 1, 1)) - 1) * 16
            + instr('0123456789ABCDEF', substr(hex(substr(s.places, o.i, 1)), 2, 1)) - 1 AS b
    FROM correlation_key_sets s
    JOIN offsets o ON o.i <= length(s.places)
),
numbered AS (
    SELECT report_seq, i, b,
        coalesce(sum(b < 128) OVER (PARTITION BY report_seq ORDER BY i
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS k
    FROM bytes
),
parts AS (
    SELECT report_seq, k,
        (b & 127) << (7 * (row_number() OVER (PARTITION BY report_seq, k ORDER BY i) - 1)) AS part
    FROM numbered
)
INSERT INTO correlation_keys_with_places (value_key, report_seq, place)
SELECT substr(s.value_keys, 16 * p.k + 1, 16), p.report_seq, sum(p.part)
FROM parts p
JOIN correlation_key_sets s ON s.report_seq = p.report_seq
GROUP BY p.report_seq, p.k;
DROP TABLE correlation_key_sets;
DROP TABLE correlation_keys;
ALTER TABLE correlation_keys_with_places RENAME TO correlation_keys;
CREATE INDEX correlation_keys_report ON correlation_keys (report_seq);
