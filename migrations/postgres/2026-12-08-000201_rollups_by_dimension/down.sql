ALTER TABLE report_counts DROP CONSTRAINT report_counts_pkey;
ALTER TABLE report_counts ADD PRIMARY KEY (day, dimension, key, shard);
CREATE INDEX report_counts_reading ON report_counts (dimension, day, key) INCLUDE (count);

ALTER TABLE triage_histogram DROP CONSTRAINT triage_histogram_pkey;
ALTER TABLE triage_histogram ADD PRIMARY KEY (day, metric, bucket, shard);
CREATE INDEX triage_histogram_reading ON triage_histogram (metric, day, bucket) INCLUDE (count);
