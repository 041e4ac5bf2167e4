-- Back to the index of 0c680c9: text keys (the 32 hex digits of the 16-byte keys, which the up
-- migration reads back the same), the report's id, organization, mode, kind and pointer per row.
CREATE TABLE indicator_index (
    value_hash TEXT NOT NULL,
    report_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    pointer TEXT NOT NULL,
    PRIMARY KEY (value_hash, report_id)
);
INSERT INTO indicator_index (value_hash, report_id, kind, organization_id, mode, pointer)
SELECT encode(k.value_key, 'hex'), r.id, p.kind, r.organization_id, r.mode, p.pointer
FROM correlation_keys k
JOIN reports r ON r.seq = k.report_seq
JOIN correlation_places p ON p.id = k.place;
CREATE INDEX indicator_index_report ON indicator_index (report_id);

CREATE TABLE pdq_index (
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
INSERT INTO pdq_index (report_id, pdq, organization_id, mode, pointer, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15)
SELECT r.id, encode(q.pdq, 'hex'), r.organization_id, r.mode, p.pointer,
       get_byte(q.pdq, 0) * 256 + get_byte(q.pdq, 1),
       get_byte(q.pdq, 2) * 256 + get_byte(q.pdq, 3),
       get_byte(q.pdq, 4) * 256 + get_byte(q.pdq, 5),
       get_byte(q.pdq, 6) * 256 + get_byte(q.pdq, 7),
       get_byte(q.pdq, 8) * 256 + get_byte(q.pdq, 9),
       get_byte(q.pdq, 10) * 256 + get_byte(q.pdq, 11),
       get_byte(q.pdq, 12) * 256 + get_byte(q.pdq, 13),
       get_byte(q.pdq, 14) * 256 + get_byte(q.pdq, 15),
       get_byte(q.pdq, 16) * 256 + get_byte(q.pdq, 17),
       get_byte(q.pdq, 18) * 256 + get_byte(q.pdq, 19),
       get_byte(q.pdq, 20) * 256 + get_byte(q.pdq, 21),
       get_byte(q.pdq, 22) * 256 + get_byte(q.pdq, 23),
       get_byte(q.pdq, 24) * 256 + get_byte(q.pdq, 25),
       get_byte(q.pdq, 26) * 256 + get_byte(q.pdq, 27),
       get_byte(q.pdq, 28) * 256 + get_byte(q.pdq, 29),
       get_byte(q.pdq, 30) * 256 + get_byte(q.pdq, 31)
FROM correlation_pdq q
JOIN reports r ON r.seq = q.report_seq
JOIN correlation_places p ON p.id = q.place;
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

DROP TABLE correlation_counts;
DROP TABLE correlation_settings;
DROP TABLE correlation_common;
DROP TABLE correlation_pdq_chunks;
DROP TABLE correlation_pdq;
DROP TABLE correlation_keys;
DROP TABLE correlation_places;
DROP INDEX reports_seq_key;
