-- The compact correlation index (issue 20), after the search words' model (compact_storage).
--
-- Exact values: one row per value and report of a 16-byte key (the first 16 bytes of the
-- HMAC-SHA256 the hex keys held, so they carry over here), the report's integer key `seq` and
-- where the value is in the report (`place`), instead of 64 hex digits, the report's text id,
-- its organization, mode, kind and pointer on every row: the scope of a match (live with live,
-- test within one organization) comes from joining `reports` on `seq`.
-- Where a value appears (its kind and JSON Pointer): few distinct, shared by all reports.
CREATE TABLE correlation_places (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    pointer TEXT NOT NULL,
    UNIQUE (kind, pointer)
);
INSERT INTO correlation_places (kind, pointer)
SELECT kind, pointer FROM indicator_index
UNION SELECT 'pdq', pointer FROM pdq_index;

CREATE TABLE correlation_keys (
    value_key BLOB NOT NULL,
    report_seq BIGINT NOT NULL,
    place INTEGER NOT NULL,
    PRIMARY KEY (value_key, report_seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO correlation_keys (value_key, report_seq, place)
SELECT unhex(substr(i.value_hash, 1, 32)), r.seq, p.id
FROM indicator_index i
JOIN reports r ON r.id = i.report_id
JOIN correlation_places p ON p.kind = i.kind AND p.pointer = i.pointer;
CREATE INDEX correlation_keys_report ON correlation_keys (report_seq);

-- PDQ hashes: the 32 bytes per hash and report (for the distance check), and their 16 chunks of
-- 16 bits as keys (position << 16 | chunk) pointing at the report: a lookup probes each chunk
-- and its 16 one-bit neighbours, then checks the candidates' full distance.
CREATE TABLE correlation_pdq (
    report_seq BIGINT NOT NULL,
    pdq BLOB NOT NULL,
    place INTEGER NOT NULL,
    PRIMARY KEY (report_seq, pdq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO correlation_pdq (report_seq, pdq, place)
SELECT r.seq, unhex(q.pdq), p.id
FROM pdq_index q
JOIN reports r ON r.id = q.report_id
JOIN correlation_places p ON p.kind = 'pdq' AND p.pointer = q.pointer;
CREATE TABLE correlation_pdq_chunks (
    chunk_key INTEGER NOT NULL,
    report_seq BIGINT NOT NULL,
    PRIMARY KEY (chunk_key, report_seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO correlation_pdq_chunks (chunk_key, report_seq)
SELECT * FROM (
SELECT (0 << 16) | q.c0, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (1 << 16) | q.c1, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (2 << 16) | q.c2, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (3 << 16) | q.c3, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (4 << 16) | q.c4, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (5 << 16) | q.c5, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (6 << 16) | q.c6, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (7 << 16) | q.c7, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (8 << 16) | q.c8, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (9 << 16) | q.c9, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (10 << 16) | q.c10, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (11 << 16) | q.c11, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (12 << 16) | q.c12, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (13 << 16) | q.c13, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (14 << 16) | q.c14, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
UNION ALL SELECT (15 << 16) | q.c15, r.seq FROM pdq_index q JOIN reports r ON r.id = q.report_id
) AS chunks;

DROP TABLE indicator_index;
DROP TABLE pdq_index;

-- Common values (as MISP does with over-correlating ones): a value in more reports than
-- `correlation_common_threshold` is no longer expanded per report. Its count of reports is kept
-- in up to 17 rows that add up (a base row, shard 16, written when it became common, and one
-- row per shard `seq % 16` of the reports indexed after), so that concurrent submissions of one
-- popular value do not all wait on one row.
CREATE TABLE correlation_common (
    value_key BLOB NOT NULL,
    shard INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (value_key, shard)
) WITHOUT ROWID;
INSERT INTO correlation_common (value_key, shard, count)
SELECT value_key, 16, count(*) FROM correlation_keys GROUP BY value_key HAVING count(*) > 2000;

-- The threshold in force (the setting, written at start; the default until then).
CREATE TABLE correlation_settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    common_threshold INTEGER NOT NULL
);
INSERT INTO correlation_settings (id, common_threshold) VALUES (1, 2000);

-- What a new report's notification says ("matches N earlier reports"), counted once when it is
-- stored; only reports that match any have a row. For the notifications not sent yet, counted
-- here from the exact values (earlier live reports sharing one).
CREATE TABLE correlation_counts (
    report_seq BIGINT PRIMARY KEY NOT NULL,
    matching_reports INTEGER NOT NULL,
    other_organizations INTEGER NOT NULL
);
INSERT INTO correlation_counts (report_seq, matching_reports, other_organizations)
SELECT r.seq, count(DISTINCT o.id),
       count(DISTINCT CASE WHEN o.organization_id <> r.organization_id THEN o.organization_id END)
FROM reports r
JOIN correlation_keys mine ON mine.report_seq = r.seq
JOIN correlation_keys theirs ON theirs.value_key = mine.value_key AND theirs.report_seq <> r.seq
JOIN reports o ON o.seq = theirs.report_seq AND o.mode = 'live' AND o.id < r.id
WHERE r.mode = 'live'
  AND r.id IN (SELECT report_id FROM outbox WHERE kind = 'new_report' AND status = 'pending')
GROUP BY r.seq;
