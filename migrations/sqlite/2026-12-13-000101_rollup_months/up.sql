-- Whole past months of the counts rollup, folded into one row per key (src/store/stats.rs,
-- `compact`), so that a year of an organization breakdown reads twelve rows per organization
-- instead of up to 365. A month is folded when its row of all reports (dimension 'received',
-- key '') is here; its day rows stay, for series by day and ranges that cut a month.
CREATE TABLE report_counts_monthly (
    dimension TEXT NOT NULL,
    month TEXT NOT NULL,
    key TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (dimension, month, key)
) WITHOUT ROWID;
-- The counts not folded yet (writers' shards), which a read of folded months adds.
CREATE INDEX report_counts_unfolded ON report_counts (dimension, day, key, count)
    WHERE shard >= 0;
