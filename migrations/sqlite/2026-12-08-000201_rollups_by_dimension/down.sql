CREATE TABLE report_counts_by_day (
    day TEXT NOT NULL,
    dimension TEXT NOT NULL,
    key TEXT NOT NULL,
    shard INTEGER NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (day, dimension, key, shard)
);
INSERT INTO report_counts_by_day (day, dimension, key, shard, count)
SELECT day, dimension, key, shard, count FROM report_counts;
DROP TABLE report_counts;
ALTER TABLE report_counts_by_day RENAME TO report_counts;
CREATE INDEX report_counts_reading ON report_counts (dimension, day, key, count);

CREATE TABLE triage_histogram_by_day (
    day TEXT NOT NULL,
    metric TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    shard INTEGER NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (day, metric, bucket, shard)
);
INSERT INTO triage_histogram_by_day (day, metric, bucket, shard, count)
SELECT day, metric, bucket, shard, count FROM triage_histogram;
DROP TABLE triage_histogram;
ALTER TABLE triage_histogram_by_day RENAME TO triage_histogram;
CREATE INDEX triage_histogram_reading ON triage_histogram (metric, day, bucket, count);
