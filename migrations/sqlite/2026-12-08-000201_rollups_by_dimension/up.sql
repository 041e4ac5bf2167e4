-- The rollups had three b-trees over the same rows: the table, its primary key by day (what
-- compaction folds by) and a covering index by dimension (what the statistics read). One table
-- without rowid, keyed by dimension, serves both: compaction names every dimension and metric
-- (src/store/stats.rs), and an upsert's conflict target is the same set of columns.
CREATE TABLE report_counts_by_dimension (
    day TEXT NOT NULL,
    dimension TEXT NOT NULL,
    key TEXT NOT NULL,
    shard INTEGER NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (dimension, day, key, shard)
) WITHOUT ROWID;
INSERT INTO report_counts_by_dimension (day, dimension, key, shard, count)
SELECT day, dimension, key, shard, count FROM report_counts;
DROP TABLE report_counts;
ALTER TABLE report_counts_by_dimension RENAME TO report_counts;

CREATE TABLE triage_histogram_by_metric (
    day TEXT NOT NULL,
    metric TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    shard INTEGER NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (metric, day, bucket, shard)
) WITHOUT ROWID;
INSERT INTO triage_histogram_by_metric (day, metric, bucket, shard, count)
SELECT day, metric, bucket, shard, count FROM triage_histogram;
DROP TABLE triage_histogram;
ALTER TABLE triage_histogram_by_metric RENAME TO triage_histogram;
