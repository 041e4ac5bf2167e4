-- Back to the columns in the order of the primary key.
CREATE TABLE correlation_keys_wider (
    value_key BYTEA NOT NULL,
    report_seq BIGINT NOT NULL,
    place INTEGER NOT NULL
);
INSERT INTO correlation_keys_wider (value_key, report_seq, place)
SELECT value_key, report_seq, place FROM correlation_keys ORDER BY report_seq;
DROP TABLE correlation_keys;
ALTER TABLE correlation_keys_wider RENAME TO correlation_keys;
ALTER TABLE correlation_keys ADD PRIMARY KEY (value_key, report_seq);
CREATE INDEX correlation_keys_report ON correlation_keys (report_seq);
