-- Statistics reads: one index-only range scan per dimension, summed in SQL. Past days' shards
-- are folded into one row each (shard -1, which writers never use) by the server's compaction.
CREATE INDEX report_counts_reading ON report_counts (dimension, day, key, count);
DROP INDEX report_counts_dimension;
CREATE INDEX triage_histogram_reading ON triage_histogram (metric, day, bucket, count);

-- What purged live reports had added to the rollups, kept when they are purged so that
-- `stats rebuild` (which recounts the reports still stored) adds it back instead of dropping it.
CREATE TABLE purged_counts (
    day TEXT NOT NULL,
    dimension TEXT NOT NULL,
    key TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (day, dimension, key)
);
CREATE TABLE purged_triage (
    day TEXT NOT NULL,
    metric TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (day, metric, bucket)
);
-- Whether the purged report's contribution is in purged_counts (false for reports purged before
-- this migration: a rebuild refuses while a live one is among them).
ALTER TABLE report_tombstones ADD COLUMN counts_kept BOOLEAN NOT NULL DEFAULT FALSE;
