DROP INDEX report_events_report;
CREATE INDEX report_events_report ON report_events (report_id, id);
