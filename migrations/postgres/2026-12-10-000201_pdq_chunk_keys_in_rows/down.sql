-- Back to a row per chunk key and report, as migration `compact_correlation` made them.
CREATE TABLE correlation_pdq_chunks (
    chunk_key INTEGER NOT NULL,
    report_seq BIGINT NOT NULL,
    PRIMARY KEY (chunk_key, report_seq)
);
INSERT INTO correlation_pdq_chunks (chunk_key, report_seq)
SELECT DISTINCT k.chunk_key, q.report_seq
FROM correlation_pdq q CROSS JOIN LATERAL unnest(q.chunk_keys) AS k (chunk_key);
DROP INDEX correlation_pdq_chunk_keys;
ALTER TABLE correlation_pdq DROP COLUMN chunk_keys;
