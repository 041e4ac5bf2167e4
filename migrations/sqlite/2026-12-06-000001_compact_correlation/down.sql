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
SELECT lower(hex(k.value_key)), r.id, p.kind, r.organization_id, r.mode, p.pointer
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
SELECT r.id, lower(hex(q.pdq)), r.organization_id, r.mode, p.pointer,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 1, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 2, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 3, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 4, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 5, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 6, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 7, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 8, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 9, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 10, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 11, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 12, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 13, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 14, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 15, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 16, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 17, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 18, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 19, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 20, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 21, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 22, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 23, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 24, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 25, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 26, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 27, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 28, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 29, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 30, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 31, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 32, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 33, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 34, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 35, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 36, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 37, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 38, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 39, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 40, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 41, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 42, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 43, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 44, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 45, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 46, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 47, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 48, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 49, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 50, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 51, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 52, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 53, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 54, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 55, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 56, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 57, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 58, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 59, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 60, 1)) - 1) * 1,
       (instr('0123456789ABCDEF', substr(hex(q.pdq), 61, 1)) - 1) * 4096 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 62, 1)) - 1) * 256 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 63, 1)) - 1) * 16 + (instr('0123456789ABCDEF', substr(hex(q.pdq), 64, 1)) - 1) * 1
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
