-- The rollups had two indexes over the same rows: the primary key by day (what compaction folds
-- by) and a covering one by dimension (what the statistics read). One primary key by dimension,
-- covering the count, serves both: compaction names every dimension and metric
-- (src/store/stats.rs), and an upsert's conflict target is the same set of columns.
ALTER TABLE report_counts DROP CONSTRAINT report_counts_pkey;
DROP INDEX report_counts_reading;
ALTER TABLE report_counts ADD PRIMARY KEY (dimension, day, key, shard) INCLUDE (count);

ALTER TABLE triage_histogram DROP CONSTRAINT triage_histogram_pkey;
DROP INDEX triage_histogram_reading;
ALTER TABLE triage_histogram ADD PRIMARY KEY (metric, day, bucket, shard) INCLUDE (count);
