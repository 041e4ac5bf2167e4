ALTER TABLE report_tombstones DROP COLUMN counts_kept;
DROP TABLE purged_triage;
DROP TABLE purged_counts;
DROP INDEX triage_histogram_reading;
CREATE INDEX report_counts_dimension ON report_counts (dimension, day);
DROP INDEX report_counts_reading;
