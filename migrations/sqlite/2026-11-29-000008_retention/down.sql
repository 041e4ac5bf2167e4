DROP TABLE report_tombstones;
DROP TABLE report_holds;
DROP INDEX reports_mode_received;
DROP INDEX reports_released_retention;
DROP INDEX reports_retracted_retention;
DROP INDEX reports_closed_retention;
ALTER TABLE reports DROP COLUMN retracted_at;
ALTER TABLE reports DROP COLUMN released_at;
