-- Back to one row per value and report, as migration `key_rows_narrower` left them.
CREATE TABLE correlation_keys (
    report_seq BIGINT NOT NULL,
    place INTEGER NOT NULL,
    value_key BYTEA NOT NULL
);
INSERT INTO correlation_keys (report_seq, place, value_key)
SELECT s.report_seq, k.place, k.value_key
FROM correlation_key_sets s
CROSS JOIN LATERAL unnest(s.value_keys, s.places) WITH ORDINALITY AS k (value_key, place, n)
ORDER BY s.report_seq, k.n;
DROP TABLE correlation_key_sets;
ALTER TABLE correlation_keys ADD PRIMARY KEY (value_key, report_seq);
CREATE INDEX correlation_keys_report ON correlation_keys (report_seq);
ANALYZE correlation_keys;
